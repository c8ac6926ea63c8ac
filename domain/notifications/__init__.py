"""E-mail notifications: domain events in, background mail jobs out.

``connect`` runs once at start-up (``DomainConfig.ready``). Event subscribers
are called after the transaction commits, and only enqueue jobs; the worker
renders and sends the mail, so a slow mail server never delays a request.
Imports of the jobs are deferred because the jobs import services that import
this package's e-mail builders.
"""

import logging

from domain import events

logger = logging.getLogger(__name__)


def _on_booked(event: events.Event) -> None:
    from domain.notifications.tasks import reminder_schedule, send_appointment_mail

    payload = event.payload
    send_appointment_mail.enqueue("booked", payload["appointment_id"])
    reminder_schedule(payload["appointment_id"], start_iso=payload["start"])


def _on_cancelled(event: events.Event) -> None:
    from domain.notifications.tasks import send_appointment_mail

    send_appointment_mail.enqueue("cancelled", event.payload["appointment_id"])


def _on_rescheduled(event: events.Event) -> None:
    from domain.notifications.tasks import reminder_schedule, send_appointment_mail

    payload = event.payload
    send_appointment_mail.enqueue(
        "rescheduled", payload["appointment_id"], payload.get("previous_id")
    )
    reminder_schedule(payload["appointment_id"], start_iso=payload["start"])


def _on_status_changed(event: events.Event) -> None:
    from domain.notifications.tasks import send_appointment_mail

    payload = event.payload
    if payload.get("previous_status") == "pending" and payload["status"] == "confirmed":
        send_appointment_mail.enqueue("confirmed", payload["appointment_id"])


def _on_verification_needed(event: events.Event) -> None:
    from domain.notifications.tasks import send_verification_mail

    send_verification_mail.enqueue(event.payload["user_id"])


def _on_password_reset_requested(event: events.Event) -> None:
    from domain.notifications.tasks import send_password_reset_mail

    send_password_reset_mail.enqueue(event.payload["user_id"])


def _on_offer_made(event: events.Event) -> None:
    from domain.notifications.tasks import send_waitlist_offer_mail

    send_waitlist_offer_mail.enqueue(str(event.payload["offer_id"]))


def connect() -> None:
    """Subscribe the mail jobs to the domain events (idempotent)."""
    events.subscribe(events.APPOINTMENT_BOOKED, _on_booked)
    events.subscribe(events.APPOINTMENT_CANCELLED, _on_cancelled)
    events.subscribe(events.APPOINTMENT_RESCHEDULED, _on_rescheduled)
    events.subscribe(events.APPOINTMENT_STATUS_CHANGED, _on_status_changed)
    events.subscribe(events.USER_REGISTERED, _on_verification_needed)
    events.subscribe(events.VERIFICATION_REQUESTED, _on_verification_needed)
    events.subscribe(events.PASSWORD_RESET_REQUESTED, _on_password_reset_requested)
    events.subscribe(events.OFFER_MADE, _on_offer_made)
