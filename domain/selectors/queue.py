"""A doctor's queue for one day, with each waiting patient's place and wait.

The queue lists the day's appointments (doctor-local day) in order of start,
cancelled ones left out. Each reads with a live ``state``: ``scheduled``,
``checked_in``, ``in_consultation``, ``completed`` or ``no_show``.

The estimated wait walks the queue from now: a consultation in progress is
expected to last the doctor's slot length from when it started (at least until
now); each waiting patient begins when the one before is expected to finish,
but not before their own booked start, and takes one slot length.
"""

import math
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from domain.models import Appointment, AppointmentStatus, DoctorProfile

WAITING_STATES = ("scheduled", "checked_in")


def appointment_state(appointment: Appointment) -> str:
    """The live queue state of one appointment."""
    if appointment.status == AppointmentStatus.COMPLETED:
        return "completed"
    if appointment.status == AppointmentStatus.NO_SHOW:
        return "no_show"
    if appointment.consultation_started_at:
        return "in_consultation"
    if appointment.checked_in_at:
        return "checked_in"
    return "scheduled"


def local_date(doctor: DoctorProfile, instant: datetime) -> date:
    """The date on the doctor's wall clock at ``instant``."""
    return instant.astimezone(ZoneInfo(doctor.time_zone)).date()


def doctor_today(doctor: DoctorProfile, *, now: datetime | None = None) -> date:
    """Today's date on the doctor's wall clock."""
    return local_date(doctor, now or timezone.now())


def _day_bounds(doctor: DoctorProfile, day: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(doctor.time_zone)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def queue_for_doctor(
    doctor: DoctorProfile, *, day: date | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The JSON-ready queue of ``doctor`` on ``day`` (default: the doctor's today)."""
    now = now or timezone.now()
    day = day or doctor_today(doctor, now=now)
    day_start, day_end = _day_bounds(doctor, day)
    appointments = (
        Appointment.objects.filter(
            doctor=doctor, start__gte=day_start, start__lt=day_end
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("patient")
        .order_by("start")
    )
    slot = timedelta(minutes=doctor.slot_minutes)

    # When the doctor is expected to be free for the next waiting patient.
    free_at = now
    items = []
    for appointment in appointments:
        state = appointment_state(appointment)
        if state == "in_consultation":
            free_at = max(free_at, appointment.consultation_started_at + slot)
        items.append((appointment, state))

    position = 0
    rows = []
    for appointment, state in items:
        row = {
            "appointment_id": str(appointment.pk),
            "patient_id": str(appointment.patient_id),
            "patient_name": appointment.patient.get_full_name()
            or appointment.patient.username,
            "start": appointment.start.isoformat(),
            "end": appointment.end.isoformat(),
            "status": appointment.status,
            "state": state,
            "checked_in_at": _iso(appointment.checked_in_at),
            "consultation_started_at": _iso(appointment.consultation_started_at),
            "finished_at": _iso(appointment.finished_at),
            "position": None,
            "estimated_wait_minutes": None,
        }
        if state in WAITING_STATES:
            position += 1
            begins = max(free_at, appointment.start)
            row["position"] = position
            row["estimated_wait_minutes"] = max(
                0, math.ceil((begins - now).total_seconds() / 60)
            )
            free_at = begins + slot
        rows.append(row)
    return {
        "doctor_id": doctor.pk,
        "date": day.isoformat(),
        "time_zone": doctor.time_zone,
        "items": rows,
    }
