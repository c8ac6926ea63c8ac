"""The backtest protocol the demand numbers are measured by.

Origins fall every 7 days over the last 182 days of history, the latest being
the last Sunday whose horizon ends inside the history, so "the last complete
week before the origin" is both the 7 days ending at the origin and a calendar
week (Monday to Sunday). The network is retrained on bookings known at an
origin every few origins and forecasts from there until the next retraining;
no origin is forecast by a network that saw anything booked after it. MAE pools
every doctor, origin and horizon.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from forecasting.core.features import History, build_samples
from forecasting.core.training import TrainConfig, fit, predict

logger = logging.getLogger(__name__)

SPAN_DAYS = 182
STEP_DAYS = 7


def backtest_origins(
    history: History, *, horizon: int, span_days: int = SPAN_DAYS
) -> np.ndarray:
    """Weekly origins (ends of Sundays) whose horizons end by the last known day."""
    latest = history.last_day - horizon
    sunday = 6
    latest -= (history.start.weekday() + latest - sunday) % 7
    earliest = history.last_day - span_days
    origins = np.arange(latest, earliest, -STEP_DAYS)[::-1]
    return origins[origins >= 0]


def _mae(forecast: np.ndarray, actual: np.ndarray) -> float:
    return round(float(np.mean(np.abs(forecast - actual))), 4)


def run_backtest(
    history: History,
    *,
    horizon: int = 14,
    retrain_every: int = 4,
    config: TrainConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Score the model and both baselines over the rolling origins; JSON-ready."""
    config = replace(config or TrainConfig(), horizon=horizon)
    origins = backtest_origins(history, horizon=horizon)
    if not len(origins):
        raise ValueError("the history is too short for a backtest")
    # Actuals need the whole history; features per origin stay as known then.
    samples = build_samples(history, origins, cutoff=history.last_day, horizon=horizon)
    # Doctors with no booking before the first origin have nothing to forecast.
    seen = np.zeros(history.n_doctors, dtype=bool)
    seen[np.unique(history.doctor[history.booked_day <= origins[0]])] = True
    samples = samples.subset(seen[samples.doctor])

    median = np.zeros_like(samples.actual)
    mean = np.zeros_like(samples.actual)
    lower = np.zeros_like(samples.actual)
    upper = np.zeros_like(samples.actual)
    train_seconds, tails = [], []
    started = time.perf_counter()
    for k in range(0, len(origins), retrain_every):
        block = origins[k : k + retrain_every]
        if progress:
            progress(f"training at origin {k + 1}/{len(origins)}")
        trained = fit(history, cutoff=int(block[0]), config=config)
        train_seconds.append(trained.seconds)
        tails.append(trained.tail)
        rows = np.isin(samples.origin, block)
        forecast = predict(trained, samples.subset(rows), history.doctor_ids)
        median[rows], mean[rows] = forecast.median, forecast.mean
        lower[rows], upper[rows] = forecast.lower, forecast.upper

    actual = samples.actual
    covered = (actual >= lower) & (actual <= upper)
    working = samples.capacity > 0
    per_horizon = [_mae(median[:, h], actual[:, h]) for h in range(horizon)]
    result = {
        "horizon_days": horizon,
        "doctors": int(seen.sum()),
        "origins": len(origins),
        "first_origin": history.date_of(origins[0]).isoformat(),
        "last_origin": history.date_of(origins[-1]).isoformat(),
        "forecasts": int(actual.size),
        "mean_daily_count": round(float(actual.mean()), 3),
        "model": {
            "mae": _mae(median, actual),
            "mae_of_mean": _mae(mean, actual),
            "coverage_80": round(float(covered.mean()), 4),
            "working_days": {
                "mae": _mae(median[working], actual[working]),
                "coverage_80": round(float(covered[working].mean()), 4),
            },
            "mae_by_horizon": per_horizon,
            "retrain_every_origins": retrain_every,
            "trainings": len(train_seconds),
            "train_seconds": round(sum(train_seconds), 1),
            "interval_tails": tails,
        },
        "seasonal_naive": {
            "mae": _mae(samples.seasonal_naive, actual),
            "working_days_mae": _mae(samples.seasonal_naive[working], actual[working]),
        },
        "pickup": {
            "mae": _mae(samples.pickup, actual),
            "working_days_mae": _mae(samples.pickup[working], actual[working]),
        },
        "seconds": round(time.perf_counter() - started, 1),
    }
    naive = result["seasonal_naive"]["mae"]
    result["model"]["mae_vs_seasonal_naive"] = (
        round(result["model"]["mae"] / naive, 4) if naive else None
    )
    logger.info(
        "backtest: model_mae=%s coverage=%s seasonal_naive_mae=%s pickup_mae=%s",
        result["model"]["mae"],
        result["model"]["coverage_80"],
        naive,
        result["pickup"]["mae"],
    )
    return result
