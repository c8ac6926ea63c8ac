"""The day's queue at the practice: checking patients in and calling them in.

Completing and recording no-shows belong to ``domain.services.booking``; their
status events reach the queue through the publisher. Each change here emits
``queue.changed`` so the doctor's queue and each waiting patient's place are
pushed again.
"""

import logging
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from domain import events
from domain.context import RequestContext
from domain.errors import Conflict, NotFound, PermissionDenied
from domain.models import ACTIVE_STATUSES, Appointment, DoctorProfile, Role, User
from domain.permissions import can_view_appointment, is_own_doctor_profile
from domain.selectors.queue import doctor_today, local_date
from domain.services.audit import audit_record

logger = logging.getLogger(__name__)


def _lock_for_queue(appointment_id: UUID | str, actor: User) -> Appointment:
    """Lock the doctor row, then today's active appointment; its doctor or admin."""
    try:
        found = Appointment.objects.filter(pk=appointment_id).first()
    except ValidationError:
        found = None
    if found is None or not can_view_appointment(actor, found):
        raise NotFound("Appointment")
    doctor = DoctorProfile.objects.select_for_update().get(pk=found.doctor_id)
    if actor.role != Role.ADMIN and not is_own_doctor_profile(actor, doctor):
        raise PermissionDenied("Only the doctor or an admin may run the queue.")
    appointment = Appointment.objects.select_for_update().get(pk=found.pk)
    appointment.doctor = doctor
    if appointment.status not in ACTIVE_STATUSES:
        raise Conflict(
            f"A {appointment.status} appointment is not in the queue.",
            code="invalid_transition",
        )
    if local_date(doctor, appointment.start) != doctor_today(doctor):
        raise Conflict("Only today's appointments are in the queue.", code="not_today")
    return appointment


def _queue_changed(appointment: Appointment, action: str, actor, context) -> None:
    audit_record(
        f"appointment.{action}", actor=actor, context=context, target=appointment
    )
    events.emit(
        events.QUEUE_CHANGED,
        doctor_id=appointment.doctor_id,
        date=local_date(appointment.doctor, appointment.start).isoformat(),
    )


def appointment_check_in(
    appointment_id: UUID | str, *, actor: User, context: RequestContext
) -> Appointment:
    """Record that the patient of one of today's appointments has arrived."""
    with transaction.atomic():
        appointment = _lock_for_queue(appointment_id, actor)
        if appointment.checked_in_at:
            raise Conflict("The patient is already checked in.", code="checked_in")
        appointment.checked_in_at = timezone.now()
        appointment.save(update_fields=["checked_in_at", "updated_at"])
        _queue_changed(appointment, "checked_in", actor, context)
    logger.info("appointment checked in id=%s", appointment.pk)
    return appointment


def appointment_start(
    appointment_id: UUID | str, *, actor: User, context: RequestContext
) -> Appointment:
    """Call a checked-in patient in: the consultation starts now."""
    with transaction.atomic():
        appointment = _lock_for_queue(appointment_id, actor)
        if not appointment.checked_in_at:
            raise Conflict(
                "Check the patient in before starting.", code="not_checked_in"
            )
        if appointment.consultation_started_at:
            raise Conflict("The consultation has already started.", code="started")
        appointment.consultation_started_at = timezone.now()
        appointment.save(update_fields=["consultation_started_at", "updated_at"])
        _queue_changed(appointment, "consultation_started", actor, context)
    logger.info("consultation started id=%s", appointment.pk)
    return appointment
