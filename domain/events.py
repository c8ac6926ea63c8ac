"""Domain events, delivered to subscribers only after the transaction commits.

Services call ``emit`` inside their transaction. Other packages (``realtime``,
notifications) subscribe at start-up, so ``domain`` never imports them. If the
transaction rolls back, nothing is delivered: no client hears of a booking that
did not happen. A failing subscriber is logged and does not affect the others.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

# Event names used by the services. Subscribers may listen to any of them.
# Payloads are JSON-ready (ids and ISO 8601 instants as strings):
#   appointment.booked          appointment_id, doctor_id, patient_id, start, end,
#                               status, offer_accepted (it consumed a held slot)
#   appointment.cancelled       the same, plus cancelled_by_id, reason
#   appointment.rescheduled     appointment_id, previous_id, doctor_id, patient_id,
#                               start, end, previous_start, previous_end, status
#   appointment.status_changed  appointment_id, doctor_id, patient_id, start, end,
#                               status, previous_status
#   availability.changed        doctor_id, date_from, date_to (doctor-local dates)
#   waitlist.offer_made         offer_id, doctor_id, patient_id, start, end,
#                               expires_at
#   waitlist.offer_ended        offer_id, doctor_id, patient_id, start, end, status
#   queue.changed               doctor_id, date (doctor-local date)
#   user.registered             user_id
#   user.verification_requested user_id (a re-sent verification mail)
#   user.password_reset_requested user_id
APPOINTMENT_BOOKED = "appointment.booked"
APPOINTMENT_CANCELLED = "appointment.cancelled"
APPOINTMENT_RESCHEDULED = "appointment.rescheduled"
APPOINTMENT_STATUS_CHANGED = "appointment.status_changed"
AVAILABILITY_CHANGED = "availability.changed"
OFFER_MADE = "waitlist.offer_made"
OFFER_ENDED = "waitlist.offer_ended"
QUEUE_CHANGED = "queue.changed"
USER_REGISTERED = "user.registered"
VERIFICATION_REQUESTED = "user.verification_requested"
PASSWORD_RESET_REQUESTED = "user.password_reset_requested"


@dataclass(frozen=True)
class Event:
    name: str
    payload: dict[str, Any] = field(default_factory=dict)


Subscriber = Callable[[Event], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)


def subscribe(name: str, handler: Subscriber) -> None:
    """Register ``handler`` for events called ``name`` (idempotent)."""
    if handler not in _subscribers[name]:
        _subscribers[name].append(handler)


def unsubscribe(name: str, handler: Subscriber) -> None:
    if handler in _subscribers[name]:
        _subscribers[name].remove(handler)


def emit(name: str, **payload: Any) -> None:
    """Queue an event for delivery when the current transaction commits."""
    event = Event(name=name, payload=payload)
    transaction.on_commit(lambda: _deliver(event), robust=True)


def _deliver(event: Event) -> None:
    for handler in list(_subscribers.get(event.name, ())):
        try:
            handler(event)
        except Exception:
            logger.exception("event handler %s failed for %s", handler, event.name)
