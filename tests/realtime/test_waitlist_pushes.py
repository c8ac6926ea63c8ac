"""What the waitlist's events become on the sockets: offers and holds."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from channels.db import database_sync_to_async as db_async
from django.test import Client

from domain.context import SYSTEM
from domain.models import OfferStatus, WaitlistEntry, WaitlistOffer
from domain.services.booking import appointment_cancel
from domain.services.waitlist import waitlist_offer_accept, waitlist_offer_decline
from tests.factories import make_appointment, make_doctor, make_patient, make_window
from tests.realtime.conftest import communicator

pytestmark = pytest.mark.django_db(transaction=True)

LONDON = ZoneInfo("Europe/London")


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def _connect(path: str, user=None):
    cookie = await db_async(_session_cookie)(user) if user else None
    ws = communicator(path, cookie=cookie)
    connected, _ = await ws.connect(timeout=3)
    assert connected
    if user:
        await ws.receive_json_from(timeout=3)
    return ws


async def _next(ws, kind: str) -> dict:
    """The next frame of type ``kind``, skipping others (bounded)."""
    for _ in range(10):
        frame = await ws.receive_json_from(timeout=3)
        if frame["type"] == kind:
            return frame
    raise AssertionError(f"no {kind} frame")


async def _drain(ws) -> list[dict]:
    """Every frame the socket receives until it has been quiet for a moment."""
    frames = []
    while not await ws.receive_nothing(timeout=0.5):
        frames.append(await ws.receive_json_from(timeout=1))
    return frames


def _wait(patient, doctor, start):
    day = start.astimezone(LONDON).date()
    WaitlistEntry.objects.create(
        patient=patient, doctor=doctor, date_from=day, date_to=day
    )


def _pending_offer_of(patient) -> WaitlistOffer:
    return WaitlistOffer.objects.get(patient=patient, status=OfferStatus.PENDING)


def _booked_slot_with_a_waiter():
    doctor = make_doctor(time_zone="Europe/London", min_notice_minutes=0)
    day = datetime.now(LONDON).date() + timedelta(days=1)
    make_window(doctor, day, "09:00", "09:30")
    nine = datetime.combine(day, time(9), tzinfo=LONDON).astimezone(UTC)
    booked = make_appointment(doctor=doctor, patient=make_patient(), start=nine)
    waiter = make_patient()
    WaitlistEntry.objects.create(
        patient=waiter, doctor=doctor, date_from=day, date_to=day
    )
    return doctor, booked, waiter


async def test_a_cancellation_pushes_the_offer_and_shows_the_slot_held():
    doctor, booked, waiter = await db_async(_booked_slot_with_a_waiter)()
    me = await _connect("/ws/me/", waiter)
    slots = await _connect(f"/ws/doctors/{doctor.pk}/availability/")

    await db_async(appointment_cancel)(
        booked.pk, actor=doctor.user, reason="", context=SYSTEM
    )

    offer = await _next(me, "waitlist.offer")
    assert set(offer) == {
        "type",
        "offer_id",
        "doctor_id",
        "start",
        "end",
        "expires_at",
    }
    assert datetime.fromisoformat(offer["start"]) == booked.start
    # Held for the waiter: listeners never see it as free, and hear it once.
    assert [frame["type"] for frame in await _drain(slots)] == ["slot.held"]
    await me.disconnect()
    await slots.disconnect()


async def test_a_declined_offer_passed_on_is_one_hold_and_its_end_frees_the_slot():
    doctor, booked, waiter = await db_async(_booked_slot_with_a_waiter)()
    second = await db_async(make_patient)()
    await db_async(_wait)(second, doctor, booked.start)
    await db_async(appointment_cancel)(
        booked.pk, actor=doctor.user, reason="", context=SYSTEM
    )
    slots = await _connect(f"/ws/doctors/{doctor.pk}/availability/")

    first_offer = await db_async(_pending_offer_of)(waiter)
    await db_async(waitlist_offer_decline)(
        waiter, offer_id=first_offer.pk, context=SYSTEM
    )
    passed_on = await _drain(slots)
    second_offer = await db_async(_pending_offer_of)(second)
    await db_async(waitlist_offer_decline)(
        second, offer_id=second_offer.pk, context=SYSTEM
    )
    freed = await _drain(slots)

    assert [frame["type"] for frame in passed_on] == ["slot.held"]
    assert [frame["type"] for frame in freed] == ["slot.released"]
    assert datetime.fromisoformat(freed[0]["start"]) == booked.start
    await slots.disconnect()


async def test_an_accepted_offer_is_heard_once_as_booked():
    doctor, booked, waiter = await db_async(_booked_slot_with_a_waiter)()
    await db_async(appointment_cancel)(
        booked.pk, actor=doctor.user, reason="", context=SYSTEM
    )
    slots = await _connect(f"/ws/doctors/{doctor.pk}/availability/")

    offer = await db_async(_pending_offer_of)(waiter)
    await db_async(waitlist_offer_accept)(waiter, offer_id=offer.pk, context=SYSTEM)

    assert [frame["type"] for frame in await _drain(slots)] == ["slot.booked"]
    await slots.disconnect()
