"""Who may do what, in one place.

Each check takes the acting user and the object, and either returns quietly or
raises. Records a caller may not see raise ``NotFound`` rather than a 403, so
that their existence is not revealed.
"""

from django.conf import settings

from domain.errors import NotFound, PermissionDenied
from domain.models import (
    Appointment,
    AppointmentStatus,
    DoctorProfile,
    Report,
    Role,
    User,
)


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


def require_email_verified(user: User) -> None:
    """Refuse unverified patients when the clinic requires verified e-mail."""
    if settings.EMAIL_VERIFICATION != "mandatory":
        return
    if user.role == Role.PATIENT and not user.email_verified:
        raise PermissionDenied(
            "Verify your e-mail address before booking.", code="email_not_verified"
        )


def doctor_treats_patient(user: User, patient_id: object) -> bool:
    """A doctor treats a patient when they share an appointment not cancelled."""
    if user.role != Role.DOCTOR:
        return False
    return (
        Appointment.objects.filter(doctor__user=user, patient_id=patient_id)
        .exclude(status=AppointmentStatus.CANCELLED)
        .exists()
    )


def can_view_report(user: User, report: Report) -> bool:
    if user.role == Role.ADMIN:
        return True
    if report.patient_id == user.pk or report.uploaded_by_id == user.pk:
        return True
    return doctor_treats_patient(user, report.patient_id)


def require_report_visible(user: User, report: Report) -> None:
    if not can_view_report(user, report):
        raise NotFound("Report")


def can_upload_report_for(user: User, patient_id: object) -> bool:
    """Patients upload their own reports; doctors those of patients they treat."""
    if user.role == Role.PATIENT:
        return str(user.pk) == str(patient_id)
    return doctor_treats_patient(user, patient_id)


def require_doctor_insight(user: User, doctor: DoctorProfile) -> None:
    """Demand forecasts: admins see every doctor's, a doctor only their own."""
    if user.role == Role.ADMIN or is_own_doctor_profile(user, doctor):
        return
    if user.role == Role.DOCTOR:
        raise NotFound("Doctor")
    raise PermissionDenied("Only doctors and admins may read forecasts.")
