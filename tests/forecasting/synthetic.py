"""Synthetic booking histories for the forecasting tests, with known structure."""

from datetime import date, timedelta

import numpy as np
import pandas as pd

from forecasting.core.features import History, history_from_frames


def clinic_frames(
    *,
    doctors: int = 3,
    days: int = 300,
    start: date = date(2025, 1, 6),
    capacity: int = 10,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Doctors working Monday to Friday; requests arrive with random lead times
    and are refused once the day is full, so pickup saturates at capacity."""
    rng = np.random.default_rng(seed)
    weekday_load = np.array([1.1, 0.9, 0.8, 0.9, 0.7, 0.0, 0.0])
    rows, caps = [], []
    for doctor in range(1, doctors + 1):
        base = capacity * rng.uniform(0.5, 0.9)
        for offset in range(days):
            day = start + timedelta(days=offset)
            works = day.weekday() < 5
            caps.append((doctor, day, capacity if works else 0))
            if not works:
                continue
            season = 1 + 0.2 * np.sin(2 * np.pi * offset / 365)
            requests = rng.poisson(base * weekday_load[day.weekday()] * season * 1.1)
            leads = np.sort(rng.geometric(1 / 6, size=requests) - 1)[::-1]
            for lead in leads[:capacity]:
                rows.append((doctor, day, day - timedelta(days=int(lead))))
    appointments = pd.DataFrame(
        rows, columns=["doctor_id", "scheduled_date", "booked_date"]
    )
    capacity_frame = pd.DataFrame(caps, columns=["doctor_id", "date", "capacity"])
    return appointments, capacity_frame


def clinic_history(*, days: int = 300, **options) -> History:
    start = options.pop("start", date(2025, 1, 6))
    appointments, capacity = clinic_frames(days=days + 28, start=start, **options)
    return history_from_frames(
        appointments,
        capacity,
        start=start,
        last_day=start + timedelta(days=days - 1),
    )
