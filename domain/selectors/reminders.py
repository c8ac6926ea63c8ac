"""Which appointments are due a reminder."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, QuerySet

from domain.models import ACTIVE_STATUSES, Appointment


def reminder_lead() -> timedelta:
    return timedelta(hours=settings.REMINDER_LEAD_HOURS)


def appointments_due_for_reminder(*, now: datetime) -> QuerySet[Appointment]:
    """Active visits starting within the lead time whose reminder has not gone out.

    Visits booked inside the lead time are left out: their confirmation mail
    arrived moments ago and says the same.
    """
    lead = reminder_lead()
    return Appointment.objects.filter(
        status__in=ACTIVE_STATUSES,
        reminder_sent=False,
        start__gt=now,
        start__lte=now + lead,
        booked_at__lte=F("start") - lead,
    ).order_by("start")
