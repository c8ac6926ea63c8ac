"""Reads the clinic's history through the domain selectors into pandas frames.

Dates are each doctor's local calendar dates. A doctor's capacity on a date is
the number of slots in their working windows that day (weekly hours plus dated
availability, less time off), capped by their daily maximum. A doctor who keeps
only dated windows is assumed, before the first of them, to have worked the
weekly pattern they show; a doctor with no schedule on record at all (imported
history) gets the daily maximum every day.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from django.conf import settings

from domain.selectors.history import (
    HISTORY_FIELDS,
    appointment_history,
    availability_rows,
    doctor_capacity_rules,
    time_off_rows,
    weekly_hours_rows,
)
from forecasting.core.features import MAX_HORIZON, History, history_from_frames


@dataclass
class ClinicHistory:
    history: History
    appointments: pd.DataFrame  # one row per appointment, local times
    capacity: pd.DataFrame  # doctor_id, date, capacity


def appointment_frame(*, since: datetime | None = None) -> pd.DataFrame:
    """Every appointment with local scheduled and booking dates, hour and weekday."""
    frame = pd.DataFrame.from_records(
        appointment_history(since=since), columns=list(HISTORY_FIELDS)
    )
    zones = dict(doctor_capacity_rules().values_list("pk", "time_zone"))
    frame["start"] = pd.to_datetime(frame["start"], utc=True)
    frame["booked_at"] = pd.to_datetime(frame["booked_at"], utc=True)
    frame["cancelled_at"] = pd.to_datetime(frame["cancelled_at"], utc=True)
    local_start = pd.Series(index=frame.index, dtype="datetime64[ns]")
    local_booked = pd.Series(index=frame.index, dtype="datetime64[ns]")
    for doctor_id, rows in frame.groupby("doctor_id").groups.items():
        zone = zones.get(doctor_id, "UTC")
        local_start[rows] = (
            frame.loc[rows, "start"].dt.tz_convert(zone).dt.tz_localize(None)
        )
        local_booked[rows] = (
            frame.loc[rows, "booked_at"].dt.tz_convert(zone).dt.tz_localize(None)
        )
    frame["scheduled_date"] = local_start.dt.normalize()
    frame["booked_date"] = local_booked.dt.normalize()
    frame["hour"] = local_start.dt.hour
    frame["weekday"] = local_start.dt.day_of_week
    return frame


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def capacity_frame(first: date, last: date) -> pd.DataFrame:
    """Each doctor's bookable slots per local date from ``first`` to ``last``."""
    dates = pd.date_range(first, last, freq="D")
    weekdays = dates.day_of_week.to_numpy()
    n = len(dates)
    minutes: dict[int, np.ndarray] = {}
    scheduled: set[int] = set()

    for doctor_id, weekday, start, end, valid_from, valid_until in weekly_hours_rows():
        scheduled.add(doctor_id)
        day_minutes = minutes.setdefault(doctor_id, np.zeros(n))
        active = weekdays == weekday
        if valid_from:
            active &= dates.date >= valid_from
        if valid_until:
            active &= dates.date <= valid_until
        day_minutes[active] += _minutes(start, end)
    weekly = set(minutes)
    dated: dict[int, np.ndarray] = {}
    for doctor_id, on, start, end in availability_rows(date_from=first, date_to=last):
        scheduled.add(doctor_id)
        minutes.setdefault(doctor_id, np.zeros(n))[(on - first).days] += _minutes(
            start, end
        )
        dated.setdefault(doctor_id, np.zeros(n, dtype=bool))[(on - first).days] = True
    # Doctors who keep only dated windows: before their first window, assume
    # the weekly pattern those windows show (the usual minutes per weekday).
    for doctor_id in set(dated) - weekly:
        has_window = dated[doctor_id]
        day_minutes = minutes[doctor_id]
        pattern = np.zeros(7)
        for weekday in range(7):
            seen = day_minutes[has_window & (weekdays == weekday)]
            if len(seen):
                values, counts = np.unique(seen, return_counts=True)
                pattern[weekday] = values[np.argmax(counts)]
        before = np.arange(n) < np.argmax(has_window)
        day_minutes[before] = pattern[weekdays[before]]

    doctors = list(doctor_capacity_rules())
    zones = {doctor.pk: ZoneInfo(doctor.time_zone) for doctor in doctors}
    window_start = datetime.combine(first, time.min, tzinfo=ZoneInfo("UTC"))
    window_end = datetime.combine(last, time.max, tzinfo=ZoneInfo("UTC"))
    for doctor_id, off_start, off_end in time_off_rows(
        since=window_start - timedelta(days=1), until=window_end + timedelta(days=1)
    ):
        if doctor_id not in minutes:
            continue
        zone = zones[doctor_id]
        local_start = off_start.astimezone(zone).replace(tzinfo=None)
        local_end = off_end.astimezone(zone).replace(tzinfo=None)
        day = local_start.date()
        while day <= local_end.date():
            offset = (day - first).days
            if 0 <= offset < n:
                day_start = datetime.combine(day, time.min)
                overlap = min(local_end, day_start + timedelta(days=1)) - max(
                    local_start, day_start
                )
                minutes[doctor_id][offset] -= overlap.total_seconds() / 60
            day += timedelta(days=1)

    frames = []
    for doctor in doctors:
        if doctor.pk in scheduled:
            slot = doctor.slot_minutes + doctor.buffer_minutes
            slots = np.floor(np.clip(minutes[doctor.pk], 0, None) / slot)
            capacity = np.minimum(slots, doctor.max_patients_per_day)
        else:
            capacity = np.full(n, doctor.max_patients_per_day)
        frames.append(
            pd.DataFrame({"doctor_id": doctor.pk, "date": dates, "capacity": capacity})
        )
    if not frames:
        return pd.DataFrame(columns=["doctor_id", "date", "capacity"])
    return pd.concat(frames, ignore_index=True)


def load_history(*, last_day: date, horizon: int = MAX_HORIZON) -> ClinicHistory:
    """All history up to ``last_day`` (the last fully known day) plus the bookings
    and capacity of the ``horizon`` days after it."""
    appointments = appointment_frame()
    if appointments.empty:
        raise ValueError("there is no appointment history to learn from")
    first = appointments["scheduled_date"].min().date()
    capacity = capacity_frame(first, last_day + timedelta(days=horizon))
    history = history_from_frames(
        appointments,
        capacity,
        start=first,
        last_day=last_day,
        horizon=horizon,
        holidays=frozenset(settings.FORECAST_HOLIDAYS),
    )
    return ClinicHistory(history=history, appointments=appointments, capacity=capacity)
