"""Queue the nightly retraining of the forecasting models."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from forecasting.tasks import retraining_bootstrap


class Command(BaseCommand):
    help = (
        "Queue the nightly retraining (FORECAST_RETRAIN_HOUR, UTC), which then "
        "re-queues itself; with no trained model yet, queue it to run at once. "
        "Safe to run on every deploy."
    )

    def handle(self, *args, **options):
        done = retraining_bootstrap(now=timezone.now())
        messages = {
            "now": "No model serves yet: retraining queued to run now.",
            "tonight": "Nightly retraining queued.",
            "already queued": "Nightly retraining already queued.",
        }
        self.stdout.write(messages[done])
