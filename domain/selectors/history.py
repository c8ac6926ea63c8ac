"""Bulk reads of the appointment history, for the forecaster and exports."""

from collections.abc import Iterator
from datetime import datetime

from django.db.models import QuerySet

from domain.models import (
    Appointment,
    Availability,
    DoctorProfile,
    PatientProfile,
    TimeOff,
    WeeklyHours,
)

HISTORY_FIELDS = (
    "doctor_id",
    "patient_id",
    "start",
    "booked_at",
    "status",
    "cancelled_at",
)
# Rows fetched per round trip; on PostgreSQL ``iterator`` streams them through a
# server-side cursor, so memory stays flat however long the history is.
CHUNK_ROWS = 20_000


def appointment_history(
    *, since: datetime | None = None, until: datetime | None = None
) -> Iterator[tuple]:
    """Every appointment (any status) starting in ``[since, until)`` as tuples
    of ``HISTORY_FIELDS``, in no particular order."""
    rows = Appointment.objects.all()
    if since is not None:
        rows = rows.filter(start__gte=since)
    if until is not None:
        rows = rows.filter(start__lt=until)
    return rows.order_by().values_list(*HISTORY_FIELDS).iterator(CHUNK_ROWS)


def doctor_capacity_rules() -> QuerySet[DoctorProfile]:
    """Doctors with what bounds a day's bookings: daily cap, slot length, zone."""
    return DoctorProfile.objects.order_by("pk").only(
        "pk",
        "is_active",
        "time_zone",
        "slot_minutes",
        "buffer_minutes",
        "max_patients_per_day",
    )


def weekly_hours_rows() -> list[tuple]:
    return list(
        WeeklyHours.objects.order_by().values_list(
            "doctor_id",
            "weekday",
            "start_time",
            "end_time",
            "valid_from",
            "valid_until",
        )
    )


def availability_rows(*, date_from, date_to) -> list[tuple]:
    return list(
        Availability.objects.filter(date__gte=date_from, date__lte=date_to)
        .order_by()
        .values_list("doctor_id", "date", "start_time", "end_time")
    )


def time_off_rows(*, since: datetime, until: datetime) -> list[tuple]:
    return list(
        TimeOff.objects.filter(end__gt=since, start__lt=until)
        .order_by()
        .values_list("doctor_id", "start", "end")
    )


def patient_birth_dates() -> dict:
    """Date of birth by patient user id."""
    return dict(PatientProfile.objects.values_list("user_id", "date_of_birth"))
