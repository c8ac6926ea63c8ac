"""Who may do what, in one place.

Each check takes the acting user and the object, and either returns quietly or
raises. Records a caller may not see raise ``NotFound`` rather than a 403, so
that their existence is not revealed.
"""

from domain.errors import NotFound, PermissionDenied
from domain.models import Appointment, DoctorProfile, Role, User


def require_role(user: User, *roles: Role) -> None:
    """Refuse users whose role is not one of ``roles``."""
    if user.role not in roles:
        raise PermissionDenied()


def require_admin(user: User) -> None:
    require_role(user, Role.ADMIN)


def is_own_doctor_profile(user: User, doctor: DoctorProfile) -> bool:
    return user.role == Role.DOCTOR and doctor.user_id == user.pk


def require_doctor_manager(user: User, doctor: DoctorProfile) -> None:
    """The doctor themself or an admin may manage a doctor's schedule and profile."""
    if user.role == Role.ADMIN or is_own_doctor_profile(user, doctor):
        return
    raise PermissionDenied("Only this doctor or an admin may do this.")


def can_view_appointment(user: User, appointment: Appointment) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.DOCTOR:
        return appointment.doctor.user_id == user.pk
    return appointment.patient_id == user.pk


def require_appointment_visible(user: User, appointment: Appointment) -> None:
    if not can_view_appointment(user, appointment):
        raise NotFound("Appointment")
