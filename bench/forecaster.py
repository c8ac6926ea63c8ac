"""Forecaster: training on the whole clinic, and scoring every doctor.

Runs in the benchmark's own process, on the freshly cloned clinic (before the
benchmark adds its own doctors), with the thread count the app would use
(``FORECAST_THREADS``). Training is ``fit`` as ``train_forecaster`` calls it,
without the backtest; scoring is what ``demand_forecasts_refresh`` computes for
every doctor and the next 28 days (features at the last known day, then the
network), timed apart from reading the history out of the database.
"""

import time
from dataclasses import replace
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.utils import timezone

from bench.context import Context


def run_forecaster(ctx: Context) -> dict:
    from forecasting.core.features import MAX_HORIZON, build_samples
    from forecasting.core.training import TrainConfig, fit, predict
    from forecasting.history import load_history

    began = time.perf_counter()
    clinic = load_history(last_day=timezone.now().date() - timedelta(days=1))
    history = clinic.history
    loaded = time.perf_counter() - began

    config = replace(
        TrainConfig(threads=settings.FORECAST_THREADS),
        max_epochs=ctx.scale.train_max_epochs,
    )
    began = time.perf_counter()
    trained = fit(history, cutoff=history.last_day, config=config)
    trained_seconds = time.perf_counter() - began

    began = time.perf_counter()
    samples = build_samples(
        history,
        np.array([history.last_day]),
        cutoff=history.last_day,
        horizon=MAX_HORIZON,
    )
    forecast = predict(trained, samples, history.doctor_ids)
    scored_seconds = time.perf_counter() - began
    return {
        "doctors": history.n_doctors,
        "appointments": len(history.day),
        "days": int(history.last_day) + 1,
        "threads": config.threads,
        "history_load_seconds": round(loaded, 2),
        "train_seconds": round(trained_seconds, 2),
        "epochs": trained.epochs,
        "max_epochs": config.max_epochs,
        "score_seconds": round(scored_seconds, 3),
        "scored_doctor_days": int(forecast.mean.size),
    }
