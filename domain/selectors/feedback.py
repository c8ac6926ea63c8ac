"""Reading a doctor's feedback."""

from django.db.models import QuerySet

from domain.errors import NotFound
from domain.models import Feedback
from domain.selectors.doctors import doctor_queryset


def doctor_feedback(doctor_id: int) -> QuerySet[Feedback]:
    """Feedback on an active doctor, newest first; NotFound for unknown doctors."""
    if not doctor_queryset().filter(pk=doctor_id).exists():
        raise NotFound("Doctor")
    return (
        Feedback.objects.filter(doctor_id=doctor_id)
        .select_related("patient")
        .order_by("-created_at", "-pk")
    )


def feedback_author(feedback: Feedback) -> str | None:
    """How a review is signed in public: first name and initial, or nobody."""
    if feedback.anonymous:
        return None
    patient = feedback.patient
    if patient.first_name:
        initial = f" {patient.last_name[:1]}." if patient.last_name else ""
        return f"{patient.first_name}{initial}"
    return "A patient"
