"""Demand features as known at a forecast origin, built from the booking ledger.

Days are integer indices counted from ``History.start``. An origin ``t`` is the
end of day ``t``: everything booked on or before day ``t`` is known, nothing
booked later is. Horizon ``h`` targets day ``t + h``.

The ledger counts, for each doctor and scheduled day, the bookings by lead time
(days between booking and visit). At origin ``t`` the bookings already on the
books for day ``t + h`` are exactly those with lead ``>= h``; the rest is the
pickup still to come, which is what the model predicts. Every feature of an
origin is a function of the bookings made on or before it, which
``tests/forecasting/test_features.py`` proves by perturbing later bookings.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

# Leads 0..27 are kept exactly; the last bucket holds 28 days or more ahead.
MAX_HORIZON = 28
LEAD_BUCKETS = MAX_HORIZON + 1
HISTORY_DAYS = 28
PICKUP_WINDOW_DAYS = 120

PAST_FEATURES = (
    "count/scale",
    "capacity/scale",
    "holiday",
    *(f"weekday_{d}" for d in range(7)),
)
FUTURE_FEATURES = (
    "on_books/scale",
    "capacity/scale",
    "free_capacity/scale",
    "mean_later_pickup/scale",
    "seasonal_naive/scale",
    "holiday",
    "horizon/28",
    "month_sin",
    "month_cos",
    *(f"weekday_{d}" for d in range(7)),
)


@dataclass(frozen=True)
class History:
    """Appointments as ledger entries, plus each doctor's capacity per day.

    ``day`` and ``booked_day`` index days from ``start``; a booking recorded after
    its visit counts as booked on the visit's day (``booked_day <= day``).
    """

    doctor_ids: tuple
    start: date
    days: int  # covers the realised history and the horizon after it
    last_day: int  # the last day whose bookings are all known
    doctor: np.ndarray  # int64 [A]
    day: np.ndarray  # int64 [A]
    booked_day: np.ndarray  # int64 [A]
    capacity: np.ndarray  # float32 [D, days]
    holiday: np.ndarray  # bool [days]

    @property
    def n_doctors(self) -> int:
        return len(self.doctor_ids)

    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=int(day))


def history_from_frames(
    appointments: pd.DataFrame,
    capacity: pd.DataFrame,
    *,
    start: date,
    last_day: date,
    horizon: int = MAX_HORIZON,
    holidays: frozenset[date] = frozenset(),
) -> History:
    """Build a ``History`` from an appointment frame and a capacity frame.

    ``appointments`` has columns ``doctor_id``, ``scheduled_date`` and
    ``booked_date`` (local calendar dates); ``capacity`` has ``doctor_id``,
    ``date`` and ``capacity``. Doctors are those appearing in either frame.
    Rows outside ``start .. last_day + horizon`` are dropped.
    """
    doctor_ids = tuple(
        sorted(
            set(appointments["doctor_id"].unique())
            | set(capacity["doctor_id"].unique())
        )
    )
    index = {doctor_id: i for i, doctor_id in enumerate(doctor_ids)}
    days = (last_day - start).days + 1 + horizon
    origin = pd.Timestamp(start)

    scheduled = (pd.to_datetime(appointments["scheduled_date"]) - origin).dt.days
    booked = (pd.to_datetime(appointments["booked_date"]) - origin).dt.days
    keep = (scheduled >= 0) & (scheduled < days)
    frame = pd.DataFrame(
        {
            "doctor": appointments["doctor_id"].map(index),
            "day": scheduled,
            "booked": np.minimum(booked, scheduled),
        }
    )[keep]

    cap = np.zeros((len(doctor_ids), days), dtype=np.float32)
    if len(capacity):
        cap_day = (pd.to_datetime(capacity["date"]) - origin).dt.days.to_numpy()
        cap_doctor = capacity["doctor_id"].map(index).to_numpy()
        inside = (cap_day >= 0) & (cap_day < days)
        cap[cap_doctor[inside], cap_day[inside]] = capacity["capacity"].to_numpy()[
            inside
        ]

    holiday = np.zeros(days, dtype=bool)
    for holiday_date in holidays:
        offset = (holiday_date - start).days
        if 0 <= offset < days:
            holiday[offset] = True

    return History(
        doctor_ids=doctor_ids,
        start=start,
        days=days,
        last_day=(last_day - start).days,
        doctor=frame["doctor"].to_numpy(dtype=np.int64),
        day=frame["day"].to_numpy(dtype=np.int64),
        booked_day=frame["booked"].to_numpy(dtype=np.int64),
        capacity=cap,
        holiday=holiday,
    )


def ledger(history: History, cutoff: int) -> np.ndarray:
    """Bookings known at the end of day ``cutoff``: int64 [D, days, LEAD_BUCKETS]."""
    known = history.booked_day <= cutoff
    lead = np.minimum(history.day - history.booked_day, LEAD_BUCKETS - 1)
    cell = (history.doctor * history.days + history.day) * LEAD_BUCKETS + lead
    counts = np.bincount(
        cell[known], minlength=history.n_doctors * history.days * LEAD_BUCKETS
    )
    return counts.reshape(history.n_doctors, history.days, LEAD_BUCKETS)


@dataclass
class Samples:
    """Model inputs for (doctor, origin) pairs; S samples, H horizons, L past days."""

    doctor: np.ndarray  # int64 [S]  index into History.doctor_ids
    origin: np.ndarray  # int64 [S]
    past: np.ndarray  # float32 [S, L, len(PAST_FEATURES)]
    future: np.ndarray  # float32 [S, H, len(FUTURE_FEATURES)]
    scale: np.ndarray  # float32 [S]  typical daily capacity, >= 1
    on_books: np.ndarray  # float32 [S, H]  bookings already made for the day
    capacity: np.ndarray  # float32 [S, H]
    seasonal_naive: np.ndarray  # float32 [S, H]
    pickup: np.ndarray  # float32 [S, H]  the pickup baseline's forecast
    actual: np.ndarray  # float32 [S, H]  final count, NaN when not yet known

    def __len__(self) -> int:
        return len(self.origin)

    def subset(self, mask: np.ndarray) -> "Samples":
        return Samples(**{name: value[mask] for name, value in vars(self).items()})


def _weekday_of(history: History, days: np.ndarray) -> np.ndarray:
    return (history.start.weekday() + days) % 7


def _month_angle(history: History, days: np.ndarray) -> np.ndarray:
    months = np.array(
        [(history.start + timedelta(days=int(d))).month for d in days.ravel()]
    ).reshape(days.shape)
    return 2 * np.pi * (months - 1) / 12


def build_samples(
    history: History, origins: np.ndarray, *, cutoff: int, horizon: int
) -> Samples:
    """Features for every doctor at each origin, from bookings known at ``cutoff``.

    Each origin must be ``<= cutoff``; the features of origin ``t`` only use
    bookings made on or before ``t`` whatever the cutoff, while ``actual`` is
    filled for target days up to ``cutoff``.
    """
    origins = np.asarray(origins, dtype=np.int64)
    if len(origins) and (origins.max() > cutoff or origins.min() < 0):
        raise ValueError("origins must lie between day 0 and the cutoff")
    if not 1 <= horizon <= MAX_HORIZON:
        raise ValueError(f"horizon must be between 1 and {MAX_HORIZON}")
    if len(origins) and origins.max() + horizon >= history.days:
        raise ValueError("the history does not cover the horizon after an origin")

    book = ledger(history, cutoff)
    counts = book.sum(axis=2).astype(np.float32)  # [D, days]
    # later[d, day, h]: bookings for `day` made less than h days ahead, i.e.
    # the pickup still to come at horizon h.
    later = np.concatenate(
        [np.zeros((*book.shape[:2], 1)), np.cumsum(book, axis=2)], axis=2
    ).astype(np.float32)  # [D, days, LEAD_BUCKETS + 1]
    doctors = np.arange(history.n_doctors)
    n_d, n_o, steps = history.n_doctors, len(origins), np.arange(1, horizon + 1)

    past_days = origins[:, None] - np.arange(HISTORY_DAYS - 1, -1, -1)  # [O, L]
    past_valid = past_days >= 0
    past_clip = np.clip(past_days, 0, None)
    target_days = origins[:, None] + steps  # [O, H]

    # Scale each sample by the doctor's recent typical capacity so one network
    # serves small and large practices alike.
    recent_cap = history.capacity[:, past_clip] * past_valid  # [D, O, L]
    working = (recent_cap > 0).sum(axis=2)
    scale = np.maximum(recent_cap.sum(axis=2) / np.maximum(working, 1), 1.0)

    past_counts = counts[:, past_clip] * past_valid  # [D, O, L]
    past_weekday = np.eye(7, dtype=np.float32)[_weekday_of(history, past_clip)]
    past = np.concatenate(
        [
            (past_counts / scale[..., None])[..., None],
            (recent_cap / scale[..., None])[..., None],
            np.broadcast_to(
                (history.holiday[past_clip] & past_valid)[None, ..., None],
                (n_d, n_o, HISTORY_DAYS, 1),
            ),
            np.broadcast_to(past_weekday[None], (n_d, n_o, HISTORY_DAYS, 7)),
        ],
        axis=3,
    )

    lead_index = np.broadcast_to(steps, (n_o, horizon))
    on_books = counts[:, target_days] - later[:, target_days, lead_index]  # [D, O, H]
    capacity = history.capacity[:, target_days]

    # Same weekday of the last complete week: the 7 days ending at the origin.
    naive_days = target_days - 7 * ((steps + 6) // 7)
    seasonal = counts[:, np.clip(naive_days, 0, None)] * (naive_days >= 0)

    mean_later = np.zeros((n_d, n_o, horizon), dtype=np.float32)
    target_weekday = _weekday_of(history, target_days)
    for k, origin in enumerate(origins):
        first = max(0, origin - PICKUP_WINDOW_DAYS + 1)
        window = later[:, first : origin + 1, 1 : horizon + 1]  # [D, W, H]
        window_weekday = _weekday_of(history, np.arange(first, origin + 1))
        for step in range(horizon):
            same = window_weekday == target_weekday[k, step]
            if same.any():
                mean_later[:, k, step] = window[:, same, step].mean(axis=1)
    pickup = on_books + mean_later

    angle = _month_angle(history, target_days)
    calendar = np.concatenate(
        [
            history.holiday[target_days][..., None],
            np.broadcast_to((steps / MAX_HORIZON)[None, :, None], (n_o, horizon, 1)),
            np.sin(angle)[..., None],
            np.cos(angle)[..., None],
            np.eye(7)[target_weekday],
        ],
        axis=2,
    )  # [O, H, 11]
    per_doctor = (
        np.stack(
            [on_books, capacity, capacity - on_books, mean_later, seasonal], axis=3
        )
        / scale[..., None, None]
    )
    future = np.concatenate(
        [per_doctor, np.broadcast_to(calendar[None], (n_d, *calendar.shape))], axis=3
    )

    actual = np.where(target_days <= cutoff, counts[:, target_days], np.nan)

    def flat(array: np.ndarray, dtype=np.float32) -> np.ndarray:
        return np.ascontiguousarray(
            array.reshape(n_d * n_o, *array.shape[2:]), dtype=dtype
        )

    return Samples(
        doctor=flat(np.broadcast_to(doctors[:, None], (n_d, n_o)), np.int64),
        origin=flat(np.broadcast_to(origins[None], (n_d, n_o)), np.int64),
        past=flat(past),
        future=flat(future),
        scale=flat(scale),
        on_books=flat(on_books),
        capacity=flat(capacity),
        seasonal_naive=flat(seasonal),
        pickup=flat(pickup),
        actual=flat(actual),
    )
