"""Features of a forecast origin use only what was booked by then."""

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from forecasting.core.features import (
    FUTURE_FEATURES,
    PAST_FEATURES,
    build_samples,
    history_from_frames,
    ledger,
)
from tests.forecasting.synthetic import clinic_history

START = date(2025, 1, 6)

FEATURE_FIELDS = (
    "past",
    "future",
    "scale",
    "on_books",
    "capacity",
    "seasonal_naive",
    "pickup",
)


def _frames(rows):
    appointments = pd.DataFrame(
        [
            (doctor, START + timedelta(days=day), START + timedelta(days=booked))
            for doctor, day, booked in rows
        ],
        columns=["doctor_id", "scheduled_date", "booked_date"],
    )
    capacity = pd.DataFrame(
        [(1, START + timedelta(days=d), 8) for d in range(80)],
        columns=["doctor_id", "date", "capacity"],
    )
    return appointments, capacity


def test_on_books_counts_only_bookings_made_by_the_origin():
    # Day 40 gets three bookings: made on days 30, 35 and 39.
    appointments, capacity = _frames([(1, 40, 30), (1, 40, 35), (1, 40, 39)])
    history = history_from_frames(
        appointments, capacity, start=START, last_day=START + timedelta(days=50)
    )

    samples = build_samples(history, np.array([34, 36]), cutoff=50, horizon=10)

    # From day 34, day 40 is horizon 6 with one booking made; from 36, horizon 4.
    assert samples.on_books[0, 5] == 1
    assert samples.on_books[1, 3] == 2
    assert samples.actual[0, 5] == 3
    assert samples.past.shape == (2, 28, len(PAST_FEATURES))
    assert samples.future.shape == (2, 10, len(FUTURE_FEATURES))


def test_a_booking_recorded_after_its_visit_counts_as_booked_on_the_visit_day():
    appointments, capacity = _frames([(1, 40, 45)])
    history = history_from_frames(
        appointments, capacity, start=START, last_day=START + timedelta(days=50)
    )

    assert ledger(history, 40)[0, 40].sum() == 1
    assert ledger(history, 39)[0, 40].sum() == 0


def _features(history, origin, cutoff):
    samples = build_samples(history, np.array([origin]), cutoff=cutoff, horizon=14)
    return {name: getattr(samples, name) for name in FEATURE_FIELDS}


def test_features_do_not_change_when_later_bookings_change():
    history = clinic_history(doctors=3, days=200, seed=4)
    origin = 150
    before = _features(history, origin, cutoff=origin)

    # Drop every booking made after the origin and invent other ones instead.
    kept = history.booked_day <= origin
    rng = np.random.default_rng(1)
    extra_days = rng.integers(origin + 1, history.days, size=500)
    extra_booked = np.minimum(extra_days, rng.integers(origin + 1, history.days, 500))
    perturbed = replace(
        history,
        doctor=np.concatenate([history.doctor[kept], rng.integers(0, 3, 500)]),
        day=np.concatenate([history.day[kept], extra_days]),
        booked_day=np.concatenate([history.booked_day[kept], extra_booked]),
    )
    after = _features(perturbed, origin, cutoff=history.last_day)

    assert (history.booked_day > origin).sum() > 100
    for name in FEATURE_FIELDS:
        np.testing.assert_array_equal(before[name], after[name], err_msg=name)


def test_actuals_are_hidden_beyond_the_cutoff():
    history = clinic_history(doctors=1, days=120)

    samples = build_samples(history, np.array([100]), cutoff=105, horizon=14)

    assert not np.isnan(samples.actual[0, :5]).any()
    assert np.isnan(samples.actual[0, 5:]).all()


def test_origins_after_the_cutoff_are_refused():
    history = clinic_history(doctors=1, days=120)

    with pytest.raises(ValueError):
        build_samples(history, np.array([110]), cutoff=100, horizon=7)
