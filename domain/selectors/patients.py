"""Which patient records a user may see."""

from django.db.models import Exists, OuterRef, QuerySet

from domain.models import Appointment, Role, User


def patients_visible_to(user: User) -> QuerySet[User]:
    """Patients an admin sees (all), a doctor sees (those booked with them), or self."""
    patients = User.objects.filter(role=Role.PATIENT)
    if user.role == Role.ADMIN:
        return patients
    if user.role == Role.DOCTOR:
        booked_with_me = Appointment.objects.filter(
            patient=OuterRef("pk"), doctor__user=user
        )
        return patients.filter(Exists(booked_with_me))
    return patients.filter(pk=user.pk)
