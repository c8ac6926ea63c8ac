"""Background jobs: retraining and refreshing forecasts on a schedule.

Enqueue ``retrain_demand_model`` nightly (e.g. from cron with
``python manage.py shell -c "from forecasting.tasks import retrain_demand_model;
retrain_demand_model.enqueue()"``) and run ``python manage.py run_worker``.
"""

import logging

from django_tasks import task

from forecasting.services import demand_forecasts_refresh, demand_model_train

logger = logging.getLogger(__name__)


@task()
def retrain_demand_model(backtest: bool = False) -> dict:
    """Train and register a new demand model version; returns its summary."""
    row = demand_model_train(backtest=backtest)
    return {"version": row.version, "good": row.good, "metrics": row.metrics}


@task()
def refresh_demand_forecasts() -> int:
    """Re-forecast with the serving model and the latest bookings."""
    return demand_forecasts_refresh()
