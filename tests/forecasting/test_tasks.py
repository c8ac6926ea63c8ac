"""The nightly retraining queues itself, and a fresh clinic is trained at once."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from forecasting import tasks
from tests.factories import make_demand_model

pytestmark = pytest.mark.django_db


def _queued() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            task_path=tasks.retrain_nightly.module_path,
            status=TaskResultStatus.READY,
        )
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 5, 1, 1, 59, tzinfo=UTC), datetime(2026, 5, 1, 2, tzinfo=UTC)),
        (datetime(2026, 5, 1, 2, 0, tzinfo=UTC), datetime(2026, 5, 2, 2, tzinfo=UTC)),
        (datetime(2026, 5, 1, 23, 0, tzinfo=UTC), datetime(2026, 5, 2, 2, tzinfo=UTC)),
    ],
)
def test_the_next_retraining_is_the_next_retrain_hour(settings, now, expected):
    settings.FORECAST_RETRAIN_HOUR = 2

    assert tasks.next_retraining(now) == expected


def test_an_untrained_clinic_is_trained_at_once_and_only_queued_once():
    now = timezone.now()

    first = tasks.retraining_bootstrap(now=now)
    second = tasks.retraining_bootstrap(now=now)

    assert (first, second) == ("now", "already queued")
    (job,) = _queued()
    assert job.run_after <= now + timedelta(seconds=1)


def test_with_a_serving_model_the_command_queues_tonights_run(capsys, settings):
    settings.FORECAST_RETRAIN_HOUR = 2
    make_demand_model()
    now = timezone.now()

    call_command("schedule_forecasting")

    (job,) = _queued()
    assert now < job.run_after <= now + timedelta(days=1)
    assert (job.run_after.hour, job.run_after.minute) == (2, 0)
    assert "Nightly retraining queued." in capsys.readouterr().out


def test_a_failed_retraining_still_queues_the_next_night(monkeypatch):
    def no_history(**kwargs):
        raise ValueError("no appointments to learn from")

    monkeypatch.setattr(tasks, "demand_model_train", no_history)

    with pytest.raises(ValueError):
        tasks.retrain_nightly.call()

    (job,) = _queued()
    assert job.run_after > timezone.now()
