"""Clinic figures for the dashboard and the analytics API.

Every figure is computed by the database (``aggregate``/``annotate``); Python
only fills in empty days and turns counts into rates. Days are clinic days in
the project time zone (UTC): a doctor's local evening may fall on the next
clinic day, which is fine for clinic-wide trends.

Definitions used throughout:

- an appointment belongs to the day it starts on;
- *booked* counts appointments that were not cancelled (pending, confirmed,
  completed and no-shows): the load the clinic carried that day;
- cancellation rate = cancelled / all appointments of the period;
- no-show rate = no-shows / (completed + no-shows), the visits that were due;
- lead time = start - booked_at;
- capacity = hours of dated availability windows plus weekly hours valid on
  each day, without subtracting time off (overlapping windows count twice).
"""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    CharField,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate

from domain.errors import InvalidInput
from domain.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    Availability,
    DoctorProfile,
    WaitlistEntry,
    WaitlistStatus,
    WeeklyHours,
)

# The longest range the figures accept: two years of history plus a margin.
MAX_RANGE_DAYS = 800
RATE_WINDOW_DAYS = 30
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Upper bounds (days) of the lead-time buckets; the last one is open-ended.
LEAD_TIME_BUCKETS = (
    ("same day", 0, 1),
    ("1-2 days", 1, 3),
    ("3-7 days", 3, 8),
    ("8-14 days", 8, 15),
    ("15-30 days", 15, 31),
    ("over 30 days", 31, None),
)


# Django's portable date arithmetic runs as a Python function per row on
# SQLite, which is far too slow over years of history. These expressions use
# each database's native functions instead; instants are stored in UTC.
class _Seconds(Func):
    """Seconds from the second expression to the first (datetimes or times)."""

    arity = 2
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        return self.as_sql_template(
            compiler, connection, "EXTRACT(EPOCH FROM (%(a)s - %(b)s))"
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql_template(
            compiler, connection, "((julianday(%(a)s) - julianday(%(b)s)) * 86400.0)"
        )

    def as_sql_template(self, compiler, connection, template):
        (a_sql, a_params), (b_sql, b_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return template % {"a": a_sql, "b": b_sql}, (*a_params, *b_params)


def _native_utc(expression) -> bool:
    return expression.get_tzname() == "UTC"


class _WholeDays(_Seconds):
    """Whole days from the second instant to the first (not before it)."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        return self.as_sql_template(
            compiler,
            connection,
            "CAST(FLOOR(EXTRACT(EPOCH FROM (%(a)s - %(b)s)) / 86400) AS INTEGER)",
        )

    def as_sqlite(self, compiler, connection, **extra):
        # CAST truncates, which is the floor for the non-negative spans asked.
        return self.as_sql_template(
            compiler, connection, "CAST(julianday(%(a)s) - julianday(%(b)s) AS INTEGER)"
        )


class _UtcDayHour(Func):
    """The UTC day and hour of an instant as text: ``YYYY-MM-DD HH``."""

    arity = 1
    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"to_char({sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')", params

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite holds instants as UTC text ("YYYY-MM-DD HH:MM:SS..."): a
        # prefix is the day and hour, far cheaper than parsing each row.
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"substr({sql}, 1, 13)", params


class _UtcDate(TruncDate):
    def as_sqlite(self, compiler, connection, **extra):
        if not _native_utc(self):
            return super().as_sqlite(compiler, connection, **extra)
        sql, params = compiler.compile(self.lhs)
        return f"date({sql})", params


_NOT_CANCELLED = ~Q(status=AppointmentStatus.CANCELLED)
_DURATION = _Seconds(F("end"), F("start"))
_WINDOW = _Seconds(F("end_time"), F("start_time"))


@dataclass(frozen=True)
class Scope:
    """Which part of the clinic and which days a figure covers.

    ``date_to`` is also the reference day: "today", "this week" and "ahead" are
    read from it, so a past range shows the clinic as it stood then.
    """

    date_from: date
    date_to: date
    specialization_id: int | None = None
    doctor_id: int | None = None

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def shifted(self, *, date_from: date, date_to: date) -> "Scope":
        return replace(self, date_from=date_from, date_to=date_to)


def scope_default(today: date, **filters: Any) -> Scope:
    """The last 90 days up to ``today``, with optional doctor filters."""
    return Scope(date_from=today - timedelta(days=89), date_to=today, **filters)


def scope_build(
    today: date,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    specialization_id: int | None = None,
    doctor_id: int | None = None,
) -> Scope:
    """A scope from optional filters; a missing end is today, a missing start 89
    days before the end. Raises ``InvalidInput`` for a reversed or too long range.
    """
    date_to = date_to or today
    date_from = date_from or date_to - timedelta(days=89)
    if date_from > date_to:
        raise InvalidInput("The range ends before it starts.", field="date_from")
    if (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
        raise InvalidInput(
            f"The range may cover at most {MAX_RANGE_DAYS} days.", field="date_from"
        )
    return Scope(
        date_from=date_from,
        date_to=date_to,
        specialization_id=specialization_id,
        doctor_id=doctor_id,
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _hours(seconds: float | None) -> float:
    return round((seconds or 0) / 3600, 1)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _doctor_filter(queryset: QuerySet, scope: Scope, prefix: str = "doctor") -> Any:
    if scope.doctor_id is not None:
        queryset = queryset.filter(**{f"{prefix}_id": scope.doctor_id})
    if scope.specialization_id is not None:
        queryset = queryset.filter(
            **{f"{prefix}__specialization_id": scope.specialization_id}
        )
    return queryset


def _appointments(scope: Scope, date_from: date, date_to: date) -> QuerySet:
    """Appointments starting on the clinic days ``date_from..date_to``."""
    appointments = Appointment.objects.filter(
        start__gte=_start_of(date_from),
        start__lt=_start_of(date_to + timedelta(days=1)),
    )
    return _doctor_filter(appointments, scope)


def _status_counts(queryset: QuerySet) -> dict[str, int]:
    return queryset.aggregate(
        total=Count("pk"),
        booked=Count("pk", filter=_NOT_CANCELLED),
        cancelled=Count("pk", filter=Q(status=AppointmentStatus.CANCELLED)),
        completed=Count("pk", filter=Q(status=AppointmentStatus.COMPLETED)),
        no_show=Count("pk", filter=Q(status=AppointmentStatus.NO_SHOW)),
        upcoming=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)),
    )


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the ISO week holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


# --- Cards ------------------------------------------------------------------


def analytics_day(scope: Scope) -> dict[str, Any]:
    """Appointments on the reference day, by outcome."""
    counts = _status_counts(_appointments(scope, scope.date_to, scope.date_to))
    return {"date": scope.date_to, **counts}


def _capacity_by_doctor(scope: Scope, date_from: date, date_to: date) -> dict:
    """Hours of availability per doctor id over the days ``date_from..date_to``."""
    windows = _doctor_filter(
        Availability.objects.filter(date__gte=date_from, date__lte=date_to), scope
    )
    per_doctor: dict[int, float] = {}
    for row in windows.values("doctor_id").annotate(seconds=Sum(_WINDOW)):
        per_doctor[row["doctor_id"]] = row["seconds"] or 0

    # Each weekly row counts once for every day of the range on its weekday
    # that lies inside its validity; one query covers all seven weekdays.
    days_by_weekday: dict[int, list[date]] = {}
    for offset in range((date_to - date_from).days + 1):
        day = date_from + timedelta(days=offset)
        days_by_weekday.setdefault(day.weekday(), []).append(day)
    weekly = _doctor_filter(WeeklyHours.objects.all(), scope)
    occurrences = {}
    for weekday, days in days_by_weekday.items():
        for index, day in enumerate(days):
            valid = (
                Q(weekday=weekday)
                & (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
                & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            )
            occurrences[f"w{weekday}_{index}"] = Sum(_WINDOW, filter=valid)
    if occurrences:
        for row in weekly.values("doctor_id").annotate(**occurrences):
            total = sum(row[key] or 0 for key in occurrences)
            per_doctor[row["doctor_id"]] = per_doctor.get(row["doctor_id"], 0) + total
    return per_doctor


def _booked_by_doctor(scope: Scope, date_from: date, date_to: date) -> dict:
    rows = (
        _appointments(scope, date_from, date_to)
        # "Not cancelled" rather than a list of statuses: SQLite would
        # otherwise walk the status index instead of the date range.
        .filter(_NOT_CANCELLED)
        .values("doctor_id")
        .annotate(seconds=Sum(_DURATION))
    )
    return {row["doctor_id"]: row["seconds"] or 0 for row in rows}


def analytics_utilisation(scope: Scope) -> dict[str, Any]:
    """Booked hours against capacity over the week holding the reference day."""
    monday, sunday = week_of(scope.date_to)
    booked = sum(_booked_by_doctor(scope, monday, sunday).values())
    capacity = sum(_capacity_by_doctor(scope, monday, sunday).values())
    return {
        "week_start": monday,
        "booked_hours": _hours(booked),
        "capacity_hours": _hours(capacity),
        "utilisation": _rate(booked, capacity),
    }


def analytics_rates(scope: Scope) -> dict[str, Any]:
    """Cancellation and no-show rates over the last 30 days of the range.

    The window is shorter when the range is; it is compared with the window of
    the same length just before it.
    """
    length = min(RATE_WINDOW_DAYS, scope.days)
    current_from = scope.date_to - timedelta(days=length - 1)
    previous_to = current_from - timedelta(days=1)
    previous_from = previous_to - timedelta(days=length - 1)

    def window(date_from: date, date_to: date) -> dict[str, Any]:
        counts = _status_counts(_appointments(scope, date_from, date_to))
        return {
            "date_from": date_from,
            "date_to": date_to,
            "appointments": counts["total"],
            "cancellation_rate": _rate(counts["cancelled"], counts["total"]),
            "no_show_rate": _rate(
                counts["no_show"], counts["completed"] + counts["no_show"]
            ),
        }

    current = window(current_from, scope.date_to)
    previous = window(previous_from, previous_to)

    def change(name: str) -> float | None:
        if current[name] is None or previous[name] is None:
            return None
        return round(current[name] - previous[name], 4)

    return {
        "days": length,
        "current": current,
        "previous": previous,
        "cancellation_change": change("cancellation_rate"),
        "no_show_change": change("no_show_rate"),
    }


def analytics_waitlist(scope: Scope) -> dict[str, Any]:
    """Waitlist entries still waiting or holding an offer, for days not yet past."""
    entries = _doctor_filter(
        WaitlistEntry.objects.filter(
            status__in=(WaitlistStatus.WAITING, WaitlistStatus.OFFERED),
            date_to__gte=scope.date_to,
        ),
        scope,
    )
    return entries.aggregate(
        active=Count("pk"),
        offered=Count("pk", filter=Q(status=WaitlistStatus.OFFERED)),
    )


# --- Charts -----------------------------------------------------------------


def analytics_trend(scope: Scope) -> list[dict[str, Any]]:
    """Per day of the range: appointments booked (not cancelled) and completed."""
    rows = (
        _appointments(scope, scope.date_from, scope.date_to)
        .annotate(day=_UtcDate("start"))
        .values("day")
        .annotate(
            booked=Count("pk", filter=_NOT_CANCELLED),
            completed=Count("pk", filter=Q(status=AppointmentStatus.COMPLETED)),
            cancelled=Count("pk", filter=Q(status=AppointmentStatus.CANCELLED)),
        )
    )
    by_day = {row["day"]: row for row in rows}
    series = []
    for offset in range(scope.days):
        day = scope.date_from + timedelta(days=offset)
        row = by_day.get(day, {})
        series.append(
            {
                "date": day,
                "booked": row.get("booked", 0),
                "completed": row.get("completed", 0),
                "cancelled": row.get("cancelled", 0),
            }
        )
    return series


def analytics_workload(scope: Scope) -> list[dict[str, Any]]:
    """Per doctor: booked and available hours this week and next, busiest first."""
    this_monday, this_sunday = week_of(scope.date_to)
    next_monday = this_monday + timedelta(days=7)
    next_sunday = this_sunday + timedelta(days=7)
    figures = {
        "booked_this_week": _booked_by_doctor(scope, this_monday, this_sunday),
        "capacity_this_week": _capacity_by_doctor(scope, this_monday, this_sunday),
        "booked_next_week": _booked_by_doctor(scope, next_monday, next_sunday),
        "capacity_next_week": _capacity_by_doctor(scope, next_monday, next_sunday),
    }
    doctor_ids = set().union(*figures.values())
    names = _doctor_names(doctor_ids)
    rows = [
        {
            "doctor_id": doctor_id,
            "doctor": names.get(doctor_id, str(doctor_id)),
            **{name: _hours(values.get(doctor_id)) for name, values in figures.items()},
        }
        for doctor_id in doctor_ids
    ]
    rows.sort(key=lambda row: (-row["booked_this_week"], row["doctor"]))
    return rows


def _doctor_names(doctor_ids) -> dict[int, str]:
    rows = DoctorProfile.objects.filter(pk__in=doctor_ids).values_list(
        "pk", "user__first_name", "user__last_name", "user__username"
    )
    return {
        pk: f"Dr. {first} {last}".strip() if (first or last) else username
        for pk, first, last, username in rows
    }


def _rate_row(row: dict[str, Any]) -> dict[str, Any]:
    due = row["completed"] + row["no_show"]
    return {
        "appointments": row["total"],
        "cancelled": row["cancelled"],
        "no_show": row["no_show"],
        "cancellation_rate": _rate(row["cancelled"], row["total"]),
        "no_show_rate": _rate(row["no_show"], due),
    }


_RATE_COUNTS = {
    "total": Count("pk"),
    "cancelled": Count("pk", filter=Q(status=AppointmentStatus.CANCELLED)),
    "completed": Count("pk", filter=Q(status=AppointmentStatus.COMPLETED)),
    "no_show": Count("pk", filter=Q(status=AppointmentStatus.NO_SHOW)),
}


def analytics_rates_by_doctor(scope: Scope) -> list[dict[str, Any]]:
    """Cancellation and no-show rates per doctor over the range, busiest first."""
    rows = (
        _appointments(scope, scope.date_from, scope.date_to)
        .values("doctor_id")
        .annotate(**_RATE_COUNTS)
        .order_by("-total", "doctor_id")
    )
    rows = list(rows)
    names = _doctor_names([row["doctor_id"] for row in rows])
    return [
        {
            "doctor_id": row["doctor_id"],
            "doctor": names.get(row["doctor_id"], ""),
            **_rate_row(row),
        }
        for row in rows
    ]


def analytics_rates_by_time(scope: Scope) -> dict[str, list[dict[str, Any]]]:
    """Cancellation and no-show rates by weekday and by hour of the start (UTC).

    One grouped query by day and hour (at most 24 rows a day) feeds both lists;
    adding those counts up is cheaper than scanning the range twice.
    """
    cells = (
        _appointments(scope, scope.date_from, scope.date_to)
        .annotate(day_hour=_UtcDayHour("start"))
        .values("day_hour")
        .annotate(**_RATE_COUNTS)
    )
    keys = tuple(_RATE_COUNTS)
    by_weekday: dict[int, dict[str, int]] = {}
    by_hour: dict[int, dict[str, int]] = {}
    for cell in cells:
        weekday = date.fromisoformat(cell["day_hour"][:10]).isoweekday()
        hour = int(cell["day_hour"][11:13])
        for table, key in ((by_weekday, weekday), (by_hour, hour)):
            sums = table.setdefault(key, dict.fromkeys(keys, 0))
            for name in keys:
                sums[name] += cell[name]
    empty = dict.fromkeys(keys, 0)
    return {
        "weekdays": [
            {"weekday": name, **_rate_row(by_weekday.get(number, empty))}
            for number, name in enumerate(WEEKDAYS, start=1)
        ],
        "hours": [
            {"hour": hour, **_rate_row(by_hour[hour])} for hour in sorted(by_hour)
        ],
    }


def analytics_lead_times(scope: Scope) -> list[dict[str, Any]]:
    """How far ahead appointments of the range were booked, in buckets.

    The database counts appointments per whole day of lead time (a few hundred
    rows at most); those counts are then added into the buckets.
    """
    per_day = (
        _appointments(scope, scope.date_from, scope.date_to)
        .filter(booked_at__lte=F("start"))
        .annotate(lead_days=_WholeDays(F("start"), F("booked_at")))
        .values("lead_days")
        .annotate(appointments=Count("pk"))
    )
    counts = [0] * len(LEAD_TIME_BUCKETS)
    for row in per_day:
        for index, (_label, low, high) in enumerate(LEAD_TIME_BUCKETS):
            if row["lead_days"] >= low and (high is None or row["lead_days"] < high):
                counts[index] += row["appointments"]
                break
    return [
        {"bucket": label, "appointments": count}
        for (label, _low, _high), count in zip(LEAD_TIME_BUCKETS, counts, strict=True)
    ]


def analytics_busiest_days_ahead(scope: Scope, *, days: int = 14) -> list[dict]:
    """Each of the ``days`` days after the reference day, with bookings so far."""
    date_from = scope.date_to + timedelta(days=1)
    date_to = scope.date_to + timedelta(days=days)
    rows = (
        _appointments(scope, date_from, date_to)
        .filter(status__in=ACTIVE_STATUSES)
        .annotate(day=_UtcDate("start"))
        .values("day")
        .annotate(booked=Count("pk"))
    )
    booked = {row["day"]: row["booked"] for row in rows}
    return [
        {
            "date": date_from + timedelta(days=offset),
            "booked": booked.get(date_from + timedelta(days=offset), 0),
        }
        for offset in range(days)
    ]
