"""The domain's own reactions to its events: freed time goes to the waitlist.

Connected in ``DomainConfig.ready()``. Events arrive after the transaction that
emitted them committed; each reaction is a service call with its own
transaction, so a failed reaction never undoes the change that caused it (it is
logged by ``domain.events``).
"""

import logging
from datetime import date, datetime

from django.utils import timezone

from domain import events
from domain.models import AppointmentStatus, DoctorProfile
from domain.selectors.queue import doctor_today
from domain.services.waitlist import (
    waitlist_offer_free_slots,
    waitlist_offer_next,
    waitlist_settle_booking,
)

logger = logging.getLogger(__name__)


def _offer_freed(doctor_id: int, start: str, end: str) -> None:
    start_at, end_at = datetime.fromisoformat(start), datetime.fromisoformat(end)
    if start_at <= timezone.now():
        return
    waitlist_offer_next(doctor_id, start=start_at, end=end_at)


def on_appointment_booked(event: events.Event) -> None:
    """A patient who booked their held slot directly leaves the waitlist too."""
    # Only a booking that consumed a hold has an entry to settle; the others
    # skip the locking transaction.
    if event.payload.get("offer_accepted") is False:
        return
    waitlist_settle_booking(event.payload["appointment_id"])


def on_appointment_cancelled(event: events.Event) -> None:
    data = event.payload
    _offer_freed(int(data["doctor_id"]), data["start"], data["end"])


def on_appointment_rescheduled(event: events.Event) -> None:
    data = event.payload
    _offer_freed(int(data["doctor_id"]), data["previous_start"], data["previous_end"])


def on_appointment_status_changed(event: events.Event) -> None:
    """A no-show may let the doctor see later patients sooner: offer today's rest."""
    data = event.payload
    if data["status"] != AppointmentStatus.NO_SHOW:
        return
    doctor = DoctorProfile.objects.filter(pk=int(data["doctor_id"])).first()
    if doctor is None:
        return
    today = doctor_today(doctor)
    waitlist_offer_free_slots(doctor.pk, date_from=today, date_to=today)


def on_availability_changed(event: events.Event) -> None:
    data = event.payload
    waitlist_offer_free_slots(
        int(data["doctor_id"]),
        date_from=date.fromisoformat(data["date_from"]),
        date_to=date.fromisoformat(data["date_to"]),
    )


def connect() -> None:
    """Subscribe the domain's reactions (idempotent)."""
    events.subscribe(events.APPOINTMENT_BOOKED, on_appointment_booked)
    events.subscribe(events.APPOINTMENT_CANCELLED, on_appointment_cancelled)
    events.subscribe(events.APPOINTMENT_RESCHEDULED, on_appointment_rescheduled)
    events.subscribe(events.APPOINTMENT_STATUS_CHANGED, on_appointment_status_changed)
    events.subscribe(events.AVAILABILITY_CHANGED, on_availability_changed)
