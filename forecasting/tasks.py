"""Background jobs: retraining the models and refreshing forecasts.

``retrain_nightly`` trains the demand and no-show models on all history, and
then queues itself for the next night at ``FORECAST_RETRAIN_HOUR`` (UTC), so
one ``manage.py schedule_forecasting`` per deploy keeps the forecasts fresh as
long as a worker runs (``manage.py run_worker``).
"""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from forecasting.selectors import serving_model
from forecasting.services import (
    demand_forecasts_refresh,
    demand_model_train,
    no_show_model_train,
)

logger = logging.getLogger(__name__)


@task()
def refresh_demand_forecasts() -> int:
    """Re-forecast with the serving model and the latest bookings."""
    return demand_forecasts_refresh()


@task()
def retrain_nightly() -> dict:
    """Retrain both models, then queue the next night's run (also after a failure)."""
    try:
        demand = demand_model_train(backtest=False)
        risk = no_show_model_train()
        logger.info(
            "nightly retraining demand=v%s good=%s no_show=v%s",
            demand.version,
            demand.good,
            risk.version,
        )
        return {"demand_version": demand.version, "no_show_version": risk.version}
    finally:
        retraining_schedule(at=next_retraining(timezone.now()))


def next_retraining(now: datetime) -> datetime:
    """The next ``FORECAST_RETRAIN_HOUR`` o'clock UTC after ``now``."""
    at = datetime.combine(
        now.date(), time(settings.FORECAST_RETRAIN_HOUR), tzinfo=now.tzinfo
    )
    return at if at > now else at + timedelta(days=1)


def retraining_schedule(*, at: datetime) -> bool:
    """Queue a retraining at ``at`` unless one is already waiting; True when queued."""
    waiting = DBTaskResult.objects.filter(
        task_path=retrain_nightly.module_path, status=TaskResultStatus.READY
    ).exists()
    if waiting:
        return False
    retrain_nightly.using(run_after=at).enqueue()
    return True


def retraining_bootstrap(*, now: datetime) -> str:
    """Queue the nightly retraining; right away when no demand model serves yet.

    Returns what was done: ``"now"``, ``"tonight"`` or ``"already queued"``.
    """
    untrained = serving_model() is None
    at = now if untrained else next_retraining(now)
    if not retraining_schedule(at=at):
        return "already queued"
    return "now" if untrained else "tonight"
