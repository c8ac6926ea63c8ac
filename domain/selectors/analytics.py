"""Clinic figures for the dashboard and the analytics API.

Every figure is computed by the database (``aggregate``/``annotate``); Python
only fills in empty days and turns counts into rates. Capacity is the one
exception: it is the slot engine's working time, added up per doctor.

Days, weekdays and hours are each doctor's local ones: an appointment belongs
to the calendar day its start falls on in its doctor's time zone, so a
doctor's 23:30 visit in New York counts on that evening's date, not on the
next UTC day, and a 09:00 visit counts at hour 9 in summer and winter alike.
A scope's dates are calendar dates read that way for every doctor; there is
no clinic-wide zone (doctors of one clinic may work in several zones).

Definitions used throughout:

- an appointment belongs to the local day it starts on;
- *booked* counts appointments that were not cancelled (pending, confirmed,
  completed and no-shows): the load the clinic carried that day;
- cancellation rate = cancelled / all appointments of the period;
- no-show rate = no-shows / (completed + no-shows), the visits that were due;
- lead time = start - booked_at, in whole days of 24 hours;
- capacity = the slot engine's grid of working time (dated windows and valid
  weekly hours merged per local day, walked in slots of the doctor's
  length, DST-aware) less the slots time off touches; bookings, notice and
  horizon do not reduce it, and the daily patient cap is not applied.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    Field,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from domain.errors import InvalidInput
from domain.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    DoctorProfile,
    WaitlistEntry,
    WaitlistStatus,
)
from domain.scheduling.slots import working_slots
from domain.selectors.slots import working_schedules_for

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


class _LocalStart(Func):
    """An appointment's start on its doctor's wall clock, cut to the hour or day.

    PostgreSQL converts with its own zone database (``AT TIME ZONE``, given the
    zone name per row) and returns a naive timestamp; ``date_trunc`` is about a
    third cheaper there than ``to_char``. SQLite has no zone database, so it is
    given the UTC offset each row's zone had at its start, as a date modifier
    such as '+3600 seconds', and returns text. ``_wall_clock`` reads both.
    """

    # No converter: the raw value is a local time, not a UTC instant.
    output_field = Field()

    def __init__(self, zone_name, offset_modifier, *, unit: str):
        super().__init__(F("start"), zone_name, offset_modifier)
        self.unit = unit

    def _compile(self, compiler, indexes):
        expressions = self.get_source_expressions()
        compiled = [compiler.compile(expressions[index]) for index in indexes]
        return [sql for sql, _ in compiled], [p for _, ps in compiled for p in ps]

    def as_sql(self, compiler, connection, **extra):
        (start, zone), params = self._compile(compiler, (0, 1))
        return f"date_trunc(%s, {start} AT TIME ZONE {zone})", (self.unit, *params)

    def as_sqlite(self, compiler, connection, **extra):
        (start, modifier), params = self._compile(compiler, (0, 2))
        pattern = "%Y-%m-%d %H:00:00" if self.unit == "hour" else "%Y-%m-%d 00:00:00"
        return f"strftime(%s, {start}, {modifier})", (pattern, *params)


def _wall_clock(value: str | datetime) -> datetime:
    """A ``_LocalStart`` value as a naive local datetime."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


# Counts are COUNT(*) or COUNT(status), never COUNT(id): the id is not in the
# (start, status, doctor) index, and counting it would read every row of the
# range from the table instead of the index alone. Django refuses a filtered
# COUNT(*), and status is never null.
_NOT_CANCELLED = ~Q(status=AppointmentStatus.CANCELLED)
_DURATION = _Seconds(F("end"), F("start"))


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


@dataclass(frozen=True)
class _Doctors:
    """The doctors a scope covers, grouped by time zone.

    Knowing them up front lets every figure filter appointments by doctor id
    (no join) and turn each start into its doctor's local time.
    """

    profiles: Sequence[DoctorProfile]
    zones: dict[str, list[int]]
    narrowed: bool  # the scope picks a doctor or a specialization

    @property
    def ids(self) -> list[int]:
        return [doctor.pk for doctor in self.profiles]


def _doctors_of(scope: Scope) -> _Doctors:
    doctors = DoctorProfile.objects.order_by("pk").only(
        "pk",
        "time_zone",
        "slot_minutes",
        "buffer_minutes",
        "min_notice_minutes",
        "booking_horizon_days",
        "max_patients_per_day",
    )
    if scope.doctor_id is not None:
        doctors = doctors.filter(pk=scope.doctor_id)
    if scope.specialization_id is not None:
        doctors = doctors.filter(specialization_id=scope.specialization_id)
    profiles = list(doctors)
    zones: dict[str, list[int]] = defaultdict(list)
    for doctor in profiles:
        zones[doctor.time_zone].append(doctor.pk)
    narrowed = scope.doctor_id is not None or scope.specialization_id is not None
    return _Doctors(profiles=profiles, zones=dict(zones), narrowed=narrowed)


def _midnight(day: date, zone: str) -> datetime:
    """The instant a local day begins (after the gap if midnight is skipped)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _offsets(zone: str, lo: datetime, hi: datetime) -> list[tuple[datetime, int]]:
    """The zone's UTC offsets over ``lo..hi``: (from instant, seconds), in order.

    Steps a day at a time and bisects each change to the second; no zone
    changes its offset twice within one day.
    """
    info = ZoneInfo(zone)

    def offset(stamp: int) -> int:
        local = datetime.fromtimestamp(stamp, UTC).astimezone(info)
        return int(local.utcoffset().total_seconds())

    first, last = int(lo.timestamp()), int(hi.timestamp())
    changes = [(first, offset(first))]
    for day_start in range(first, last, 86400):
        day_end = min(day_start + 86400, last)
        if offset(day_end) == changes[-1][1]:
            continue
        before, after = day_start, day_end
        while after - before > 1:
            middle = (before + after) // 2
            if offset(middle) == changes[-1][1]:
                before = middle
            else:
                after = middle
        changes.append((after, offset(after)))
    return [(datetime.fromtimestamp(stamp, UTC), off) for stamp, off in changes]


@dataclass(frozen=True)
class _LocalDays:
    """The local calendar days ``date_from..date_to`` of each doctor in scope."""

    doctors: _Doctors
    date_from: date
    date_to: date

    def bounds(self, zone: str) -> tuple[datetime, datetime]:
        return (
            _midnight(self.date_from, zone),
            _midnight(self.date_to + timedelta(days=1), zone),
        )

    def appointments(self, *, exact: bool = True) -> QuerySet:
        """Appointments starting on these days, each in its doctor's zone.

        With ``exact=False`` the rows are those of the range that covers every
        zone's days, and the caller drops what falls outside by local date
        (cheaper when it groups by local day anyway).

        One range over ``start`` covers every zone, so the (start, status,
        doctor) index serves the scan; when zones disagree on where the days
        begin, each row is also checked against its doctor's own bounds. Those
        are a ``CASE`` by doctor id rather than an OR of ranges, which SQLite
        would run as one index search per zone with a table lookup per row.
        """
        zones = self.doctors.zones
        if not zones:
            return Appointment.objects.none()
        bounds = {zone: self.bounds(zone) for zone in zones}
        appointments = Appointment.objects.filter(
            start__gte=min(lo for lo, _ in bounds.values()),
            start__lt=max(hi for _, hi in bounds.values()),
        )
        if not exact:
            return self._narrowed(appointments)
        if len(set(bounds.values())) > 1:
            return appointments.alias(
                local_from=self._per_zone(
                    {zone: Value(lo) for zone, (lo, _) in bounds.items()},
                    DateTimeField(),
                ),
                local_until=self._per_zone(
                    {zone: Value(hi) for zone, (_, hi) in bounds.items()},
                    DateTimeField(),
                ),
            ).filter(start__gte=F("local_from"), start__lt=F("local_until"))
        return self._narrowed(appointments)

    def _narrowed(self, appointments: QuerySet) -> QuerySet:
        if self.doctors.narrowed:
            return appointments.filter(doctor_id__in=self.doctors.ids)
        return appointments

    def _per_zone(self, values: dict[str, Any], output_field=None) -> Any:
        """One expression per zone, chosen by doctor id (a Case when needed)."""
        if len(values) == 1:
            return next(iter(values.values()))
        return Case(
            *(
                When(doctor_id__in=self.doctors.zones[zone], then=value)
                for zone, value in values.items()
            ),
            output_field=output_field or CharField(),
        )

    def _offset_modifier(self, zone: str) -> Any:
        lo = min(self.bounds(name)[0] for name in self.doctors.zones)
        hi = max(self.bounds(name)[1] for name in self.doctors.zones)
        changes = _offsets(zone, lo, hi)
        modifiers = [Value(f"{offset:+d} seconds") for _, offset in changes]
        if len(changes) == 1:
            return modifiers[0]
        return Case(
            *(
                When(start__lt=since, then=modifier)
                for (since, _), modifier in zip(
                    changes[1:], modifiers[:-1], strict=True
                )
            ),
            default=modifiers[-1],
            output_field=CharField(),
        )

    def local_start(self, unit: str) -> _LocalStart:
        """Each appointment's local start cut to ``unit`` ("hour" or "day")."""
        zones = self.doctors.zones
        return _LocalStart(
            self._per_zone({zone: Value(zone) for zone in zones}),
            self._per_zone({zone: self._offset_modifier(zone) for zone in zones}),
            unit=unit,
        )


def _appointments(doctors: _Doctors, date_from: date, date_to: date) -> QuerySet:
    """Appointments starting on the local days ``date_from..date_to``."""
    return _LocalDays(doctors, date_from, date_to).appointments()


def _status_counts(queryset: QuerySet) -> dict[str, int]:
    return queryset.aggregate(
        total=Count("*"),
        booked=Count("status", filter=_NOT_CANCELLED),
        cancelled=Count("status", filter=Q(status=AppointmentStatus.CANCELLED)),
        completed=Count("status", filter=Q(status=AppointmentStatus.COMPLETED)),
        no_show=Count("status", filter=Q(status=AppointmentStatus.NO_SHOW)),
        upcoming=Count("status", filter=Q(status__in=ACTIVE_STATUSES)),
    )


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the ISO week holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


# --- Cards ------------------------------------------------------------------


def analytics_day(scope: Scope) -> dict[str, Any]:
    """Appointments on the reference day, by outcome."""
    doctors = _doctors_of(scope)
    counts = _status_counts(_appointments(doctors, scope.date_to, scope.date_to))
    return {"date": scope.date_to, **counts}


def _capacity_by_week(
    doctors: _Doctors, mondays: Sequence[date]
) -> list[dict[int, float]]:
    """Seconds of working time per doctor id in each week starting on ``mondays``.

    Working time is the slot engine's grid (``working_slots``) on the doctor's
    local days, so capacity agrees with what booking would offer before
    notice, horizon and existing bookings; one load of windows, weekly hours
    and time off (three queries) serves all the weeks.
    """
    if not doctors.profiles:
        return [{} for _ in mondays]
    schedules = working_schedules_for(
        doctors.profiles,
        date_from=min(mondays),
        date_to=max(mondays) + timedelta(days=6),
    )
    return [
        {
            doctor_id: 60.0
            * schedule.rules.slot_minutes
            * len(
                working_slots(
                    schedule, date_from=monday, date_to=monday + timedelta(days=6)
                )
            )
            for doctor_id, schedule in schedules.items()
        }
        for monday in mondays
    ]


def _booked_by_doctor(doctors: _Doctors, date_from: date, date_to: date) -> dict:
    rows = (
        _appointments(doctors, date_from, date_to)
        # "Not cancelled" rather than a list of statuses: SQLite would
        # otherwise walk the status index instead of the date range.
        .filter(_NOT_CANCELLED)
        .values("doctor_id")
        .annotate(seconds=Sum(_DURATION))
    )
    return {row["doctor_id"]: row["seconds"] or 0 for row in rows}


def analytics_utilisation(scope: Scope) -> dict[str, Any]:
    """Booked hours against capacity over the week holding the reference day."""
    doctors = _doctors_of(scope)
    monday, sunday = week_of(scope.date_to)
    booked = sum(_booked_by_doctor(doctors, monday, sunday).values())
    [capacity] = _capacity_by_week(doctors, [monday])
    capacity_seconds = sum(capacity.values())
    return {
        "week_start": monday,
        "booked_hours": _hours(booked),
        "capacity_hours": _hours(capacity_seconds),
        "utilisation": _rate(booked, capacity_seconds),
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
    doctors = _doctors_of(scope)

    def window(date_from: date, date_to: date) -> dict[str, Any]:
        counts = _status_counts(_appointments(doctors, date_from, date_to))
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
        active=Count("*"),
        offered=Count("status", filter=Q(status=WaitlistStatus.OFFERED)),
    )


# --- Charts -----------------------------------------------------------------


def _local_cells(scope: Scope) -> list[dict[str, Any]]:
    """Appointment counts per local hour of the range (``_RATE_COUNTS`` keyed by
    ``hour``, a naive local datetime): at most 24 rows a day.

    The trend and the weekday/hour rates both add these cells up, so one scan
    of the range serves both (``analytics_activity``). The scan covers the
    range in every zone; cells of local days outside it are dropped here,
    which spares the database a per-row check of each doctor's bounds.
    """
    days = _LocalDays(_doctors_of(scope), scope.date_from, scope.date_to)
    cells = (
        days.appointments(exact=False)
        .annotate(hour=days.local_start("hour"))
        .values("hour")
        .annotate(**_RATE_COUNTS)
    )
    kept = []
    for cell in cells:
        cell["hour"] = _wall_clock(cell["hour"])
        if scope.date_from <= cell["hour"].date() <= scope.date_to:
            kept.append(cell)
    return kept


def _trend(scope: Scope, cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = ("total", "completed", "cancelled")
    by_day: dict[date, dict[str, int]] = {}
    for cell in cells:
        sums = by_day.setdefault(cell["hour"].date(), dict.fromkeys(keys, 0))
        for name in keys:
            sums[name] += cell[name]
    series = []
    for offset in range(scope.days):
        day = scope.date_from + timedelta(days=offset)
        row = by_day.get(day, dict.fromkeys(keys, 0))
        series.append(
            {
                "date": day,
                "booked": row["total"] - row["cancelled"],
                "completed": row["completed"],
                "cancelled": row["cancelled"],
            }
        )
    return series


def analytics_trend(scope: Scope) -> list[dict[str, Any]]:
    """Per day of the range: appointments booked (not cancelled) and completed."""
    return _trend(scope, _local_cells(scope))


def analytics_workload(scope: Scope) -> list[dict[str, Any]]:
    """Per doctor: booked and available hours this week and next, busiest first."""
    this_monday, this_sunday = week_of(scope.date_to)
    next_monday = this_monday + timedelta(days=7)
    next_sunday = this_sunday + timedelta(days=7)
    doctors = _doctors_of(scope)
    capacity_this, capacity_next = _capacity_by_week(
        doctors, [this_monday, next_monday]
    )
    figures = {
        "booked_this_week": _booked_by_doctor(doctors, this_monday, this_sunday),
        "capacity_this_week": capacity_this,
        "booked_next_week": _booked_by_doctor(doctors, next_monday, next_sunday),
        "capacity_next_week": capacity_next,
    }
    # Doctors without working time or bookings in either week are left out.
    doctor_ids = {
        doctor_id
        for values in figures.values()
        for doctor_id, seconds in values.items()
        if seconds
    }
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
    "total": Count("*"),
    "cancelled": Count("status", filter=Q(status=AppointmentStatus.CANCELLED)),
    "completed": Count("status", filter=Q(status=AppointmentStatus.COMPLETED)),
    "no_show": Count("status", filter=Q(status=AppointmentStatus.NO_SHOW)),
}


def analytics_rates_by_doctor(scope: Scope) -> list[dict[str, Any]]:
    """Cancellation and no-show rates per doctor over the range, busiest first."""
    rows = (
        _appointments(_doctors_of(scope), scope.date_from, scope.date_to)
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


def _rates_by_time(cells: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    keys = tuple(_RATE_COUNTS)
    by_weekday: dict[int, dict[str, int]] = {}
    by_hour: dict[int, dict[str, int]] = {}
    for cell in cells:
        weekday = cell["hour"].isoweekday()
        hour = cell["hour"].hour
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


def analytics_rates_by_time(scope: Scope) -> dict[str, list[dict[str, Any]]]:
    """Cancellation and no-show rates by weekday and by hour of the start, both
    read on the doctor's wall clock."""
    return _rates_by_time(_local_cells(scope))


def analytics_activity(scope: Scope) -> dict[str, Any]:
    """``analytics_trend`` and ``analytics_rates_by_time`` from one scan of the
    range, for callers that show both: ``{"trend": [...], "by_time": {...}}``."""
    cells = _local_cells(scope)
    return {"trend": _trend(scope, cells), "by_time": _rates_by_time(cells)}


def analytics_lead_times(scope: Scope) -> list[dict[str, Any]]:
    """How far ahead appointments of the range were booked, in buckets.

    The database counts appointments per whole day of lead time (a few hundred
    rows at most); those counts are then added into the buckets.
    """
    per_day = (
        _appointments(_doctors_of(scope), scope.date_from, scope.date_to)
        .filter(booked_at__lte=F("start"))
        .annotate(lead_days=_WholeDays(F("start"), F("booked_at")))
        .values("lead_days")
        .annotate(appointments=Count("*"))
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
    ahead = _LocalDays(_doctors_of(scope), date_from, date_to)
    rows = (
        ahead.appointments()
        .filter(status__in=ACTIVE_STATUSES)
        .annotate(day=ahead.local_start("day"))
        .values("day")
        .annotate(booked=Count("*"))
    )
    booked = {_wall_clock(row["day"]).date(): row["booked"] for row in rows}
    return [
        {
            "date": date_from + timedelta(days=offset),
            "booked": booked.get(date_from + timedelta(days=offset), 0),
        }
        for offset in range(days)
    ]
