"""Sending each appointment's reminder exactly once."""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from domain.models import Appointment
from domain.notifications.emails import appointment_mail
from domain.selectors.reminders import appointments_due_for_reminder

logger = logging.getLogger(__name__)


def appointment_reminder_send(
    appointment_id: str, *, now: datetime | None = None
) -> bool:
    """Send the reminder if it is due and nobody has sent it; True when this call did.

    The flag is claimed with a conditional UPDATE, so of two workers racing
    for the same appointment exactly one sees a changed row. The mail goes out
    inside the same transaction: if sending fails the claim rolls back and the
    next sweep tries again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = (
            appointments_due_for_reminder(now=now)
            .filter(pk=appointment_id)
            .update(reminder_sent=True)
        )
        if not claimed:
            return False
        appointment = Appointment.objects.select_related(
            "patient", "doctor__user", "doctor__specialization"
        ).get(pk=appointment_id)
        appointment_mail(appointment, kind="reminder").send()
    logger.info("reminder sent appointment_id=%s", appointment_id)
    return True
