"""The backtest protocol, on series whose right answers are known."""

from datetime import date, timedelta

import numpy as np
import pandas as pd

from forecasting.core import backtest
from forecasting.core.features import history_from_frames
from forecasting.core.training import Forecast

MONDAY = date(2025, 1, 6)


def _history(count_of_day, *, lead: int = 0, leads=None, days: int = 400):
    """One doctor; ``leads`` (a list per day) overrides ``count_of_day`` x ``lead``."""
    leads = leads or (lambda d: [lead] * count_of_day(d))
    rows = [
        (1, MONDAY + timedelta(days=d), MONDAY + timedelta(days=d - ahead))
        for d in range(days)
        for ahead in leads(d)
    ]
    appointments = pd.DataFrame(
        rows, columns=["doctor_id", "scheduled_date", "booked_date"]
    )
    capacity = pd.DataFrame(
        [(1, MONDAY + timedelta(days=d), 50) for d in range(days)],
        columns=["doctor_id", "date", "capacity"],
    )
    return history_from_frames(
        appointments,
        capacity,
        start=MONDAY,
        last_day=MONDAY + timedelta(days=days - 29),
    )


class _Recorder:
    """Stands in for training: records cutoffs and forecasts the pickup baseline."""

    def __init__(self):
        self.cutoffs = []

    def fit(self, history, *, cutoff, config):
        self.cutoffs.append(cutoff)
        return type("T", (), {"seconds": 0.0, "tail": 0.1})()

    def predict(self, trained, samples, doctor_ids):
        return Forecast(
            mean=samples.pickup,
            median=samples.pickup,
            lower=samples.pickup - 0.5,
            upper=samples.pickup + 0.5,
        )


def _run(history, monkeypatch):
    recorder = _Recorder()
    monkeypatch.setattr(backtest, "fit", recorder.fit)
    monkeypatch.setattr(backtest, "predict", recorder.predict)
    return backtest.run_backtest(history, horizon=14, retrain_every=4), recorder


def test_origins_are_weekly_sundays_inside_the_last_182_days():
    history = _history(lambda d: 3, lead=2)

    origins = backtest.backtest_origins(history, horizon=14)

    assert len(origins) == 24
    assert set(np.diff(origins)) == {7}
    assert all(history.date_of(o).weekday() == 6 for o in origins)
    assert origins[-1] + 14 <= history.last_day
    assert origins[0] > history.last_day - 182


def test_each_origin_is_forecast_by_a_model_trained_on_data_up_to_it(monkeypatch):
    history = _history(lambda d: 3, lead=2)
    origins = backtest.backtest_origins(history, horizon=14)

    result, recorder = _run(history, monkeypatch)

    assert recorder.cutoffs == [int(o) for o in origins[::4]]
    assert result["origins"] == 24
    assert result["model"]["trainings"] == 6


def test_seasonal_naive_error_on_a_weekly_staircase_is_one_then_two(monkeypatch):
    # Each calendar week has one more appointment per day than the last, so the
    # same weekday a week earlier is off by 1 (horizons 1-7) or 2 (8-14).
    history = _history(lambda d: 2 + d // 7, lead=30)

    result, _ = _run(history, monkeypatch)

    assert result["seasonal_naive"]["mae"] == 1.5


def test_pickup_is_exact_when_every_day_books_the_same_way(monkeypatch):
    history = _history(lambda d: 4, lead=3)

    result, _ = _run(history, monkeypatch)

    assert result["pickup"]["mae"] == 0.0
    assert result["seasonal_naive"]["mae"] == 0.0
    assert result["model"]["coverage_80"] == 1.0


def test_pickup_adds_the_average_later_pickup_to_the_bookings_made(monkeypatch):
    # Doctor books 6 a day: 4 of them a week ahead and 2 on the day itself. At
    # every horizon the pickup forecast is the 4 on the books plus 2 to come.
    history = _history(None, leads=lambda d: [7, 7, 7, 7, 0, 0])

    result, _ = _run(history, monkeypatch)

    assert result["pickup"]["mae"] == 0.0
