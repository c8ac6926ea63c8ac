"""Sending each appointment's reminder exactly once."""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from domain.models import Appointment
from domain.notifications.emails import appointment_mail
from domain.selectors.reminders import appointments_due_for_reminder

logger = logging.getLogger(__name__)


def _claim(appointment_id: str, *, now: datetime) -> bool:
    # Of two workers racing here, exactly one sees a changed row: PostgreSQL
    # makes the second wait for the first's row lock and then re-check the
    # WHERE clause; SQLite runs one writer at a time.
    with transaction.atomic():
        return bool(
            appointments_due_for_reminder(now=now)
            .filter(pk=appointment_id)
            .update(reminder_sent=True)
        )


def appointment_reminder_send(
    appointment_id: str, *, now: datetime | None = None
) -> bool:
    """Send the reminder if it is due and nobody has sent it; True when this call did.

    The flag is claimed with a conditional UPDATE and committed before the mail
    goes out, so no lock is held while the mail server answers. A failed send
    gives the claim back for the next sweep.
    """
    now = now or timezone.now()
    if not _claim(appointment_id, now=now):
        return False
    try:
        appointment = Appointment.objects.select_related(
            "patient", "doctor__user", "doctor__specialization"
        ).get(pk=appointment_id)
        appointment_mail(appointment, kind="reminder").send()
    except Exception:
        with transaction.atomic():
            Appointment.objects.filter(pk=appointment_id).update(reminder_sent=False)
        logger.warning(
            "reminder send failed, released appointment_id=%s", appointment_id
        )
        raise
    logger.info("reminder sent appointment_id=%s", appointment_id)
    return True
