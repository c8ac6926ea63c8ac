"""Training, registering and serving the demand model; the writes of forecasting."""

import hashlib
import io
import logging
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from domain.selectors.history import patient_birth_dates
from forecasting.core.backtest import run_backtest
from forecasting.core.features import (
    FUTURE_FEATURES,
    MAX_HORIZON,
    PAST_FEATURES,
    build_samples,
)
from forecasting.core.model import DemandNet, ModelConfig
from forecasting.core.noshow import FEATURES as RISK_FEATURES
from forecasting.core.noshow import RiskModel, RiskNet, evaluate_risk
from forecasting.core.training import TrainConfig, Trained, fit, predict
from forecasting.history import ClinicHistory, appointment_frame, load_history
from forecasting.models import DemandForecast, ForecastModel, ModelKind

logger = logging.getLogger(__name__)

CORE_DIR = Path(__file__).resolve().parent / "core"


def code_version() -> str:
    """A digest of the forecasting core's source: same code, same version."""
    digest = hashlib.sha256()
    for path in sorted(CORE_DIR.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _next_version(kind: str) -> int:
    latest = ForecastModel.objects.filter(kind=kind).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def _weights_file(trained: Trained) -> ContentFile:
    buffer = io.BytesIO()
    torch.save(
        {
            "state_dict": trained.net.state_dict(),
            "model_config": asdict(trained.net.config),
            "doctor_ids": [int(d) for d in trained.doctor_ids],
            "tail": trained.tail,
        },
        buffer,
    )
    return ContentFile(buffer.getvalue())


def load_demand_model(row: ForecastModel) -> Trained:
    """Rebuild a registered demand model from its stored weights."""
    with row.weights.open("rb") as handle:
        saved = torch.load(io.BytesIO(handle.read()), weights_only=True)
    net = DemandNet(ModelConfig(**saved["model_config"]))
    net.load_state_dict(saved["state_dict"])
    net.eval()
    return Trained(
        net=net,
        doctor_ids=tuple(saved["doctor_ids"]),
        config=TrainConfig(**row.config),
        epochs=0,
        validation_nll=float("nan"),
        seconds=row.train_seconds,
        tail=saved["tail"],
    )


def _is_good(metrics: dict) -> bool:
    """Serve only a model that beat both baselines on data it did not train on."""
    checks = [metrics.get("validation", {})]
    if "backtest" in metrics:
        backtest = metrics["backtest"]
        checks.append(
            {
                "mae": backtest["model"]["mae"],
                "pickup_mae": backtest["pickup"]["mae"],
                "seasonal_naive_mae": backtest["seasonal_naive"]["mae"],
            }
        )
    for scores in checks:
        mae = scores.get("mae")
        if mae is None:
            return False
        if mae > scores["pickup_mae"] or mae > scores["seasonal_naive_mae"]:
            return False
    return True


def _write_forecasts(
    clinic: ClinicHistory, trained: Trained, row: ForecastModel
) -> int:
    """Replace the stored forecasts from the day after the history onwards."""
    history = clinic.history
    samples = build_samples(
        history,
        np.array([history.last_day]),
        cutoff=history.last_day,
        horizon=MAX_HORIZON,
    )
    forecast = predict(trained, samples, history.doctor_ids)
    share = settings.FORECAST_HIGH_DEMAND_SHARE
    first = history.date_of(history.last_day + 1)
    rows = []
    for i, doctor_index in enumerate(samples.doctor):
        doctor_id = history.doctor_ids[doctor_index]
        for h in range(MAX_HORIZON):
            capacity = int(samples.capacity[i, h])
            expected = round(float(forecast.mean[i, h]), 2)
            rows.append(
                DemandForecast(
                    doctor_id=doctor_id,
                    date=first + timedelta(days=h),
                    expected=expected,
                    lower=int(forecast.lower[i, h]),
                    upper=int(forecast.upper[i, h]),
                    capacity=capacity,
                    high_demand=capacity > 0 and expected >= share * capacity,
                    model=row,
                    origin=history.date_of(history.last_day),
                )
            )
    DemandForecast.objects.filter(date__gte=first).delete()
    DemandForecast.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def demand_model_train(
    *,
    today: date | None = None,
    backtest: bool = True,
    config: TrainConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> ForecastModel:
    """Train on all history up to yesterday, register the version and, if it passes
    its gate, store the next 28 days of forecasts; returns the registry row."""
    today = today or timezone.now().date()
    config = config or TrainConfig(threads=settings.FORECAST_THREADS)
    say = progress or (lambda message: None)
    clinic = load_history(last_day=today - timedelta(days=1))
    history = clinic.history
    say(f"history: {history.n_doctors} doctors, {len(history.day)} appointments")

    metrics: dict = {}
    if backtest:
        say("backtest: rolling weekly origins over the last 182 days")
        metrics["backtest"] = run_backtest(
            history, horizon=14, config=replace(config), progress=say
        )
        say(
            "backtest: model MAE {mae} (coverage {cov}), seasonal naive {sn}, "
            "pickup {pk}".format(
                mae=metrics["backtest"]["model"]["mae"],
                cov=metrics["backtest"]["model"]["coverage_80"],
                sn=metrics["backtest"]["seasonal_naive"]["mae"],
                pk=metrics["backtest"]["pickup"]["mae"],
            )
        )

    say("training on all history")
    trained = fit(
        history,
        cutoff=history.last_day,
        config=config,
        progress=lambda epoch, total, nll: say(
            f"epoch {epoch}/{total}: validation NLL {nll:.4f}"
        ),
    )
    metrics["validation"] = trained.validation
    metrics["epochs"] = trained.epochs
    metrics["interval_tail"] = trained.tail
    good = _is_good(metrics)

    with transaction.atomic():
        row = ForecastModel(
            kind=ModelKind.DEMAND,
            version=_next_version(ModelKind.DEMAND),
            good=good,
            data_start=history.start,
            data_end=history.date_of(history.last_day),
            features={"past": list(PAST_FEATURES), "future": list(FUTURE_FEATURES)},
            metrics=metrics,
            config=asdict(config),
            code_version=code_version(),
            train_seconds=round(trained.seconds, 2),
        )
        row.weights.save(f"demand-v{row.version}.pt", _weights_file(trained), False)
        row.save()
        stored = _write_forecasts(clinic, trained, row) if good else 0
    logger.info(
        "demand model registered: version=%s good=%s validation_mae=%s stored=%s",
        row.version,
        good,
        metrics["validation"].get("mae"),
        stored,
    )
    return row


def demand_forecasts_refresh(*, today: date | None = None) -> int:
    """Re-forecast the next 28 days with the serving model and today's bookings."""
    row = (
        ForecastModel.objects.filter(kind=ModelKind.DEMAND, good=True)
        .order_by("-version")
        .first()
    )
    if row is None:
        raise ValueError("no good demand model is registered; train one first")
    today = today or timezone.now().date()
    clinic = load_history(last_day=today - timedelta(days=1))
    with transaction.atomic():
        return _write_forecasts(clinic, load_demand_model(row), row)


def ages_at_visit(frame) -> np.ndarray:
    """Age in years at each visit, NaN for patients without a birth date."""
    births = patient_birth_dates()
    born = frame["patient_id"].map(births)
    born = pd.to_datetime(born, errors="coerce")
    start = frame["start"].dt.tz_convert(None)
    return ((start - born).dt.days / 365.25).to_numpy(dtype=float)


def no_show_model_train(*, today: date | None = None) -> ForecastModel:
    """Fit the no-show risk models on a time split, register the MLP refitted on
    all visits with both models' test scores; returns the registry row."""
    today = today or timezone.now().date()
    frame = appointment_frame()
    if frame.empty:
        raise ValueError("there is no appointment history to learn from")
    frame = frame[frame["start"].dt.date < today].reset_index(drop=True)
    frame["age"] = ages_at_visit(frame)
    model, report = evaluate_risk(frame)
    auc_mlp = report["mlp"]["auc"]
    good = auc_mlp is not None and auc_mlp > 0.55

    buffer = io.BytesIO()
    torch.save(
        {
            "state_dict": model.net.state_dict(),
            "hidden": model.net.hidden,
            "mean": torch.from_numpy(model.mean),
            "std": torch.from_numpy(model.std),
        },
        buffer,
    )
    with transaction.atomic():
        row = ForecastModel(
            kind=ModelKind.NO_SHOW,
            version=_next_version(ModelKind.NO_SHOW),
            good=good,
            data_start=frame["start"].min().date(),
            data_end=frame["start"].max().date(),
            features=list(RISK_FEATURES),
            metrics=report,
            config={"hidden": model.net.hidden},
            code_version=code_version(),
        )
        row.weights.save(
            f"no-show-v{row.version}.pt", ContentFile(buffer.getvalue()), False
        )
        row.save()
    logger.info(
        "no-show model registered: version=%s good=%s auc=%s baseline_auc=%s",
        row.version,
        good,
        auc_mlp,
        report["logistic_regression"]["auc"],
    )
    return row


def load_risk_model(row: ForecastModel) -> RiskModel:
    """Rebuild a registered no-show model from its stored weights."""
    with row.weights.open("rb") as handle:
        saved = torch.load(io.BytesIO(handle.read()), weights_only=True)
    net = RiskNet(len(row.features), saved["hidden"])
    net.load_state_dict(saved["state_dict"])
    return RiskModel(net=net, mean=saved["mean"].numpy(), std=saved["std"].numpy())
