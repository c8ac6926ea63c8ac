"""Reading a doctor's working time (for that doctor and admins)."""

from datetime import date

from django.utils import timezone

from domain.errors import NotFound
from domain.models import Availability, DoctorProfile, TimeOff, User, WeeklyHours
from domain.permissions import require_doctor_manager


def _managed_doctor(doctor_id: int, actor: User) -> DoctorProfile:
    doctor = DoctorProfile.objects.filter(pk=doctor_id).first()
    if doctor is None:
        raise NotFound("Doctor")
    require_doctor_manager(actor, doctor)
    return doctor


def availability_list(
    doctor_id: int,
    *,
    actor: User,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[Availability]:
    """Dated windows in order, optionally between two local days."""
    doctor = _managed_doctor(doctor_id, actor)
    windows = Availability.objects.filter(doctor=doctor)
    if date_from is not None:
        windows = windows.filter(date__gte=date_from)
    if date_to is not None:
        windows = windows.filter(date__lte=date_to)
    return list(windows.order_by("date", "start_time")[:1000])


def weekly_hours_list(doctor_id: int, *, actor: User) -> list[WeeklyHours]:
    doctor = _managed_doctor(doctor_id, actor)
    return list(
        WeeklyHours.objects.filter(doctor=doctor).order_by("weekday", "start_time")
    )


def time_off_list(doctor_id: int, *, actor: User) -> list[TimeOff]:
    """Time off that has not ended yet, in order."""
    doctor = _managed_doctor(doctor_id, actor)
    return list(
        TimeOff.objects.filter(doctor=doctor, end__gt=timezone.now()).order_by("start")
    )
