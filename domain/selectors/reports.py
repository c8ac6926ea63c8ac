"""Which reports a caller may see."""

from django.db.models import Q, QuerySet

from domain.models import Appointment, AppointmentStatus, Report, Role, User


def reports_visible_to(user: User, *, patient_id: object = None) -> QuerySet[Report]:
    """Reports the caller may see (the same rule as the download), newest first."""
    reports = Report.objects.select_related("doctor__user", "uploaded_by")
    if user.role == Role.PATIENT:
        reports = reports.filter(patient=user)
    elif user.role == Role.DOCTOR:
        treated = (
            Appointment.objects.filter(doctor__user=user)
            .exclude(status=AppointmentStatus.CANCELLED)
            .values("patient_id")
        )
        reports = reports.filter(Q(uploaded_by=user) | Q(patient_id__in=treated))
    elif user.role != Role.ADMIN:
        return Report.objects.none()
    if patient_id is not None:
        reports = reports.filter(patient_id=patient_id)
    return reports.order_by("-created_at", "-pk")
