"""Patients rating a visit, and the doctor's average that follows from it."""

import logging
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count

from domain.context import RequestContext
from domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from domain.models import (
    Appointment,
    AppointmentStatus,
    DoctorProfile,
    Feedback,
    Role,
    User,
)
from domain.services.audit import audit_record

logger = logging.getLogger(__name__)


def _refresh_rating(doctor: DoctorProfile) -> None:
    totals = Feedback.objects.filter(doctor=doctor).aggregate(
        average=Avg("rating"), count=Count("id")
    )
    average = Decimal(str(totals["average"] or 0)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    doctor.rating = average
    doctor.rating_count = totals["count"]
    doctor.save(update_fields=["rating", "rating_count", "updated_at"])


def feedback_submit(
    patient: User,
    *,
    appointment_id: object,
    rating: int,
    comments: str = "",
    anonymous: bool = False,
    context: RequestContext,
) -> Feedback:
    """Rate a completed visit once; the doctor's rating is recomputed with it."""
    if patient.role != Role.PATIENT:
        raise PermissionDenied("Only patients leave feedback.")
    if not 1 <= rating <= 5:
        raise InvalidInput("The rating is from 1 to 5.", field="rating")
    try:
        with transaction.atomic():
            appointment = (
                Appointment.objects.filter(pk=appointment_id, patient=patient)
                .select_related("doctor")
                .first()
            )
            if appointment is None:
                raise NotFound("Appointment")
            if appointment.status != AppointmentStatus.COMPLETED:
                raise PermissionDenied(
                    "Feedback is possible once the visit has taken place.",
                    code="appointment_not_completed",
                )
            if Feedback.objects.filter(appointment=appointment).exists():
                raise Conflict(
                    "You have already rated this visit.", code="feedback_exists"
                )
            # Locking the doctor serialises concurrent ratings of one doctor,
            # so the average never misses a row.
            doctor = DoctorProfile.objects.select_for_update().get(
                pk=appointment.doctor_id
            )
            feedback = Feedback.objects.create(
                appointment=appointment,
                patient=patient,
                doctor=doctor,
                rating=rating,
                comments=comments.strip(),
                anonymous=anonymous,
            )
            _refresh_rating(doctor)
            audit_record(
                "feedback.submitted",
                actor=patient,
                context=context,
                target=feedback,
                detail={"appointment_id": str(appointment.pk), "rating": rating},
            )
    except IntegrityError as exc:
        # Two submissions raced past the check; the one-to-one refused the second.
        raise Conflict(
            "You have already rated this visit.", code="feedback_exists"
        ) from exc
    logger.info("feedback submitted doctor_id=%s rating=%s", doctor.pk, rating)
    return feedback
