"""Train the demand model on all history, register it and store forecasts."""

import time

from django.core.management.base import BaseCommand, CommandError

from forecasting.services import demand_model_train, no_show_model_train


class Command(BaseCommand):
    help = (
        "Backtest, then train the demand model on all history up to yesterday; "
        "store the version in the registry and, if it beats the baselines, the "
        "forecasts of the next 28 days."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-backtest",
            action="store_true",
            help="train only (the gate then uses the validation window alone)",
        )

    def handle(self, *args, skip_backtest: bool, **options):
        started = time.perf_counter()
        try:
            row = demand_model_train(
                backtest=not skip_backtest, progress=self.stdout.write
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        validation = row.metrics.get("validation", {})
        self.stdout.write(
            f"demand model v{row.version} ({'serving' if row.good else 'NOT serving'})"
            f": validation MAE {validation.get('mae')} vs pickup "
            f"{validation.get('pickup_mae')}, seasonal naive "
            f"{validation.get('seasonal_naive_mae')}; trained in "
            f"{row.train_seconds:.0f}s, total {time.perf_counter() - started:.0f}s"
        )
        risk = no_show_model_train()
        metrics = risk.metrics
        self.stdout.write(
            f"no-show model v{risk.version}: test AUC {metrics['mlp']['auc']} "
            f"(logistic regression {metrics['logistic_regression']['auc']}), "
            f"ECE {metrics['mlp']['ece']}, base rate {metrics['base_rate_test']}"
        )
