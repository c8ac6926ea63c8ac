"""Score the demand model against the seasonal-naive and pickup baselines."""

import json as jsonlib
from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from forecasting.core.backtest import run_backtest
from forecasting.core.training import TrainConfig
from forecasting.history import load_history


class Command(BaseCommand):
    help = (
        "Rolling-origin backtest over the last 182 days: the model retrained "
        "every few weekly origins versus the seasonal-naive and pickup baselines."
    )

    def add_arguments(self, parser):
        parser.add_argument("--horizon", type=int, default=14, help="days ahead")
        parser.add_argument(
            "--retrain-every", type=int, default=4, help="origins per training"
        )
        parser.add_argument(
            "--last-day",
            type=date.fromisoformat,
            help="last fully known day (default: yesterday, UTC)",
        )
        parser.add_argument("--json", action="store_true", help="print JSON only")

    def handle(self, *args, horizon, retrain_every, last_day, json: bool, **options):
        if not 1 <= horizon <= 28:
            raise CommandError("--horizon must be between 1 and 28")
        if retrain_every < 1:
            raise CommandError("--retrain-every must be at least 1")
        last_day = last_day or timezone.now().date() - timedelta(days=1)
        try:
            clinic = load_history(last_day=last_day)
            result = run_backtest(
                clinic.history,
                horizon=horizon,
                retrain_every=retrain_every,
                config=TrainConfig(threads=settings.FORECAST_THREADS),
                progress=None if json else self.stdout.write,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_dumps(result, pretty=not json))


def _dumps(result: dict, *, pretty: bool) -> str:
    return jsonlib.dumps(result, indent=2 if pretty else None)
