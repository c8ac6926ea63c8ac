"""Training registers a versioned model and stores forecasts when it is good."""

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from forecasting import services
from forecasting.core.features import build_samples
from forecasting.core.training import TrainConfig, predict
from forecasting.history import load_history
from forecasting.models import DemandForecast, ForecastModel

TINY = TrainConfig(max_epochs=1, batch_size=128, horizon=28)

pytestmark = pytest.mark.django_db


def test_history_counts_every_booking_by_local_date(clinic_with_history):
    clinic = load_history(last_day=timezone.now().date() - timedelta(days=1))

    history = clinic.history
    assert history.n_doctors == 2
    assert len(history.day) == len(clinic.appointments)
    # Weekdays 9-13 in 30-minute slots: 8 on working days, none at weekends.
    assert set(np.unique(history.capacity)) == {0.0, 8.0}


def test_training_registers_a_version_with_its_metadata(
    clinic_with_history, weights_storage
):
    first = services.demand_model_train(backtest=False, config=TINY)
    second = services.demand_model_train(backtest=False, config=TINY)

    assert (first.version, second.version) == (1, 2)
    assert first.data_end == timezone.now().date() - timedelta(days=1)
    assert first.code_version == services.code_version()
    assert {"mae", "pickup_mae", "seasonal_naive_mae"} <= set(
        first.metrics["validation"]
    )
    assert "on_books/scale" in first.features["future"]
    assert (weights_storage / first.weights.name).exists()


def test_a_good_model_stores_28_days_of_forecasts_per_doctor(
    clinic_with_history, weights_storage, monkeypatch
):
    monkeypatch.setattr(services, "_is_good", lambda metrics: True)

    row = services.demand_model_train(backtest=False, config=TINY)

    forecasts = DemandForecast.objects.filter(model=row)
    assert forecasts.count() == 2 * 28
    assert forecasts.order_by("date").first().date == timezone.now().date()
    weekend = forecasts.filter(date__week_day__in=[1, 7])
    assert all(f.capacity == 0 and not f.high_demand for f in weekend)
    assert all(
        f.lower <= f.expected + 1e-6 and f.expected <= f.upper + 1 for f in forecasts
    )


def test_a_model_that_loses_to_a_baseline_does_not_serve(
    clinic_with_history, weights_storage, monkeypatch
):
    monkeypatch.setattr(services, "_is_good", lambda metrics: False)

    row = services.demand_model_train(backtest=False, config=TINY)

    assert not row.good
    assert not DemandForecast.objects.exists()


def test_gate_requires_beating_both_baselines():
    good = {"mae": 1.0, "pickup_mae": 1.2, "seasonal_naive_mae": 1.5}

    assert services._is_good({"validation": good})
    assert not services._is_good({"validation": {**good, "pickup_mae": 0.9}})
    assert not services._is_good({"validation": {**good, "seasonal_naive_mae": 0.9}})
    assert not services._is_good({"validation": {"mae": None}})


def test_stored_weights_reload_to_the_same_forecasts(
    clinic_with_history, weights_storage, monkeypatch
):
    captured = {}
    real_fit = services.fit

    def keep(*args, **kwargs):
        captured["trained"] = real_fit(*args, **kwargs)
        return captured["trained"]

    monkeypatch.setattr(services, "fit", keep)
    row = services.demand_model_train(backtest=False, config=TINY)
    history = load_history(last_day=row.data_end).history
    samples = build_samples(
        history, np.array([history.last_day]), cutoff=history.last_day, horizon=28
    )

    reloaded = services.load_demand_model(ForecastModel.objects.get(pk=row.pk))

    original = predict(captured["trained"], samples, history.doctor_ids)
    again = predict(reloaded, samples, history.doctor_ids)
    np.testing.assert_allclose(original.mean, again.mean)
    np.testing.assert_array_equal(original.upper, again.upper)


def test_dated_windows_imply_the_weekly_pattern_before_them(doctor):
    from datetime import time

    from domain.models import Availability
    from forecasting.history import capacity_frame

    today = timezone.now().date()
    for offset in range(14):
        day = today + timedelta(days=offset)
        if day.weekday() < 5:
            Availability.objects.create(
                doctor=doctor, date=day, start_time=time(9), end_time=time(11)
            )

    frame = capacity_frame(today - timedelta(days=21), today + timedelta(days=13))

    weekday = frame["date"].dt.day_of_week < 5
    assert set(frame.loc[weekday, "capacity"]) == {4}
    assert set(frame.loc[~weekday, "capacity"]) == {0}


def test_no_show_model_is_registered_with_both_models_scores(
    clinic_with_history, weights_storage
):
    from domain.models import Appointment

    # Mark every Monday visit missed so there is something to learn.
    past = Appointment.objects.filter(start__lt=timezone.now())
    past.filter(start__week_day=2).update(status="no_show")

    row = services.no_show_model_train()

    assert row.kind == "no_show"
    assert row.metrics["test"] > 0
    for name in ("mlp", "logistic_regression"):
        assert 0 <= row.metrics[name]["auc"] <= 1
        assert "deciles" in row.metrics[name]
    reloaded = services.load_risk_model(row)
    assert reloaded.mean.shape == (len(row.features),)
