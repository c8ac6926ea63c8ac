"""Read side of the waitlist: a patient's entries and offers, and slot holds."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from domain.models import (
    ACTIVE_STATUSES,
    Appointment,
    OfferStatus,
    User,
    WaitlistEntry,
    WaitlistOffer,
)


def slot_state(doctor_id: int, *, start: datetime, end: datetime) -> str:
    """``booked``, ``held`` (pending, unexpired offer) or ``free``, per the database."""
    if Appointment.objects.filter(
        doctor_id=doctor_id, status__in=ACTIVE_STATUSES, start__lt=end, end__gt=start
    ).exists():
        return "booked"
    if WaitlistOffer.objects.filter(
        doctor_id=doctor_id,
        status=OfferStatus.PENDING,
        expires_at__gt=timezone.now(),
        start__lt=end,
        end__gt=start,
    ).exists():
        return "held"
    return "free"


def waitlist_entries_of(patient: User) -> QuerySet[WaitlistEntry]:
    """The patient's entries, newest first, with their pending offer if any."""
    return WaitlistEntry.objects.filter(patient=patient).order_by("-created_at")


def pending_offers_of(patient: User) -> QuerySet[WaitlistOffer]:
    """The patient's offers still open (expiry is applied before reading)."""
    return WaitlistOffer.objects.filter(
        patient=patient, status=OfferStatus.PENDING, expires_at__gt=timezone.now()
    ).order_by("start")
