"""Reading appointments, each caller seeing only what they may see."""

from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from django.db.models import QuerySet

from domain.errors import NotFound
from domain.models import Appointment, Role, User


def appointments_visible_to(user: User) -> QuerySet[Appointment]:
    """A patient's own, a doctor's schedule, or everything for an admin."""
    appointments = Appointment.objects.select_related("doctor", "patient")
    if user.role == Role.ADMIN:
        return appointments
    if user.role == Role.DOCTOR:
        return appointments.filter(doctor__user=user)
    return appointments.filter(patient=user)


def appointment_list(
    user: User,
    *,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    doctor_id: int | None = None,
) -> QuerySet[Appointment]:
    """Visible appointments, filtered, ordered by start.

    Dates are calendar days in UTC; ``date_to`` is included.
    """
    appointments = appointments_visible_to(user)
    if status:
        appointments = appointments.filter(status=status)
    if doctor_id is not None:
        appointments = appointments.filter(doctor_id=doctor_id)
    if date_from is not None:
        appointments = appointments.filter(start__gte=_midnight(date_from))
    if date_to is not None:
        appointments = appointments.filter(
            start__lt=_midnight(date_to + timedelta(days=1))
        )
    return appointments.order_by("start", "pk")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def appointment_get(user: User, appointment_id: UUID | str) -> Appointment:
    """One appointment the caller may see; 404 otherwise."""
    appointment = appointments_visible_to(user).filter(pk=appointment_id).first()
    if appointment is None:
        raise NotFound("Appointment")
    return appointment
