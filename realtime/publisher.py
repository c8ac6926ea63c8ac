"""Turns domain events into channel-layer group messages.

Events arrive only after the writing transaction committed (``domain.events``),
so no client hears of a rolled-back booking. Slot messages state what the
database says now (booked, held or free) rather than replaying the event, so
events that arrive close together, such as a cancellation and the waitlist
offer it triggers, cannot leave listeners with a stale picture.

The database is the truth: if the channel layer is unreachable the message is
logged and dropped, the write that caused it stands, and clients resynchronise
from a snapshot when they reconnect.
"""

import asyncio
import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from domain import events
from domain.models import DoctorProfile
from domain.selectors.queue import doctor_today, queue_for_doctor
from domain.selectors.waitlist import slot_state
from realtime.groups import availability_group, queue_group, user_group

logger = logging.getLogger(__name__)

# A publish must never hold a request for long when Redis is slow or gone.
PUBLISH_TIMEOUT_SECONDS = 2.0

SLOT_MESSAGE = {"booked": "slot.booked", "held": "slot.held", "free": "slot.released"}

Message = tuple[str, dict[str, Any]]


async def _send_all(messages: list[Message]) -> None:
    layer = get_channel_layer()
    # One deadline for the whole batch, so a silent Redis costs a request at
    # most this long however many groups an event reaches.
    async with asyncio.timeout(PUBLISH_TIMEOUT_SECONDS):
        for group, payload in messages:
            await layer.group_send(group, {"type": "push", "payload": payload})


def publish(messages: list[Message], *, reason: str) -> None:
    """Send each (group, payload) through the layer; on failure log and go on."""
    if not messages or get_channel_layer() is None:
        return
    try:
        async_to_sync(_send_all)(messages)
    except Exception as exc:
        logger.warning(
            "realtime publish for %s failed (%s); clients resync on reconnect",
            reason,
            exc.__class__.__name__,
        )


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _slot_message(
    doctor_id: int, start: str, end: str, *, announces_hold: bool = False
) -> Message | None:
    """The current state of one slot for the doctor's availability listeners.

    A held slot is announced only by the event of the offer that holds it
    (``announces_hold``). The cancellation, move or ended offer that let the
    slot be offered again finds it held too, when the waitlist reacted first,
    and stays quiet, so each hold is one ``slot.held`` whatever the order.
    """
    if _instant(end) <= timezone.now():
        return None
    state = slot_state(doctor_id, start=_instant(start), end=_instant(end))
    if state == "held" and not announces_hold:
        return None
    payload = {
        "type": SLOT_MESSAGE[state],
        "doctor_id": doctor_id,
        "start": start,
        "end": end,
    }
    return availability_group(doctor_id), payload


def _queue_messages(doctor_id: int) -> list[Message]:
    """Today's queue to the doctor's queue group, and each waiting patient's place."""
    doctor = DoctorProfile.objects.filter(pk=doctor_id).first()
    if doctor is None:
        return []
    queue = queue_for_doctor(doctor)
    messages: list[Message] = [
        (queue_group(doctor_id), {"type": "queue.updated", **queue})
    ]
    for item in queue["items"]:
        if item["position"] is None:
            continue
        messages.append(
            (
                user_group(item["patient_id"]),
                {
                    "type": "queue.position",
                    "appointment_id": item["appointment_id"],
                    "doctor_id": doctor_id,
                    "date": queue["date"],
                    "position": item["position"],
                    "estimated_wait_minutes": item["estimated_wait_minutes"],
                },
            )
        )
    return messages


def _is_today(doctor: DoctorProfile, *instants: str) -> bool:
    today = doctor_today(doctor)
    zone = ZoneInfo(doctor.time_zone)
    return any(_instant(value).astimezone(zone).date() == today for value in instants)


def _appointment_messages(event: events.Event) -> list[Message]:
    """A booking change: slot states, both parties' personal channels, the queue."""
    data = event.payload
    doctor_id = int(data["doctor_id"])
    messages: list[Message] = []
    instants = [data["start"]]
    if event.name != events.APPOINTMENT_STATUS_CHANGED:
        messages.append(_slot_message(doctor_id, data["start"], data["end"]))
    if event.name == events.APPOINTMENT_RESCHEDULED:
        messages.append(
            _slot_message(doctor_id, data["previous_start"], data["previous_end"])
        )
        instants.append(data["previous_start"])

    personal = {"type": event.name, **data}
    messages.append((user_group(data["patient_id"]), personal))
    # One read of the doctor serves both the personal channel and the queue
    # check (every booking pays for this lookup).
    doctor = (
        DoctorProfile.objects.filter(pk=doctor_id).only("user_id", "time_zone").first()
    )
    if doctor is not None:
        messages.append((user_group(doctor.user_id), personal))
        if _is_today(doctor, *instants):
            messages.extend(_queue_messages(doctor_id))
    return [message for message in messages if message is not None]


def on_appointment_event(event: events.Event) -> None:
    publish(_appointment_messages(event), reason=event.name)


def on_availability_changed(event: events.Event) -> None:
    data = event.payload
    doctor_id = int(data["doctor_id"])
    payload = {
        "type": "availability.changed",
        "doctor_id": doctor_id,
        "date_from": data["date_from"],
        "date_to": data["date_to"],
    }
    publish([(availability_group(doctor_id), payload)], reason=event.name)


def on_offer_made(event: events.Event) -> None:
    data = event.payload
    doctor_id = int(data["doctor_id"])
    offer = {
        "type": "waitlist.offer",
        "offer_id": data["offer_id"],
        "doctor_id": doctor_id,
        "start": data["start"],
        "end": data["end"],
        "expires_at": data["expires_at"],
    }
    messages = [(user_group(data["patient_id"]), offer)]
    slot = _slot_message(doctor_id, data["start"], data["end"], announces_hold=True)
    if slot:
        messages.append(slot)
    publish(messages, reason=event.name)


def on_offer_ended(event: events.Event) -> None:
    data = event.payload
    doctor_id = int(data["doctor_id"])
    ended = {
        "type": "waitlist.offer_ended",
        "offer_id": data["offer_id"],
        "doctor_id": doctor_id,
        "start": data["start"],
        "end": data["end"],
        "status": data["status"],
    }
    messages = [(user_group(data["patient_id"]), ended)]
    # An accepted offer became a booking, whose own event states the slot.
    slot = None
    if data["status"] != "accepted":
        slot = _slot_message(doctor_id, data["start"], data["end"])
    if slot:
        messages.append(slot)
    publish(messages, reason=event.name)


def on_queue_changed(event: events.Event) -> None:
    publish(_queue_messages(int(event.payload["doctor_id"])), reason=event.name)


HANDLERS = {
    events.APPOINTMENT_BOOKED: on_appointment_event,
    events.APPOINTMENT_CANCELLED: on_appointment_event,
    events.APPOINTMENT_RESCHEDULED: on_appointment_event,
    events.APPOINTMENT_STATUS_CHANGED: on_appointment_event,
    events.AVAILABILITY_CHANGED: on_availability_changed,
    events.OFFER_MADE: on_offer_made,
    events.OFFER_ENDED: on_offer_ended,
    events.QUEUE_CHANGED: on_queue_changed,
}


def connect() -> None:
    """Subscribe the publisher to the domain events it turns into messages."""
    for name, handler in HANDLERS.items():
        events.subscribe(name, handler)
