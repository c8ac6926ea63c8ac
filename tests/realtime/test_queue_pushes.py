"""What the queue services' events become on the sockets."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from channels.db import database_sync_to_async as db_async
from django.test import Client

from domain.context import SYSTEM
from domain.services.booking import appointment_complete, appointment_no_show
from domain.services.queue import appointment_check_in, appointment_start
from tests.factories import make_appointment, make_doctor, make_patient
from tests.realtime.conftest import communicator

pytestmark = pytest.mark.django_db(transaction=True)


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


MORNING = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def _todays_queue():
    doctor = make_doctor(time_zone="UTC")
    first = make_appointment(
        doctor=doctor, patient=make_patient(), start=MORNING + timedelta(hours=1)
    )
    second = make_appointment(
        doctor=doctor, patient=make_patient(), start=MORNING + timedelta(hours=2)
    )
    return doctor, first, second


@time_machine.travel(MORNING, tick=False)
async def test_check_in_pushes_the_queue_to_the_doctor_and_places_to_patients():
    doctor, first, second = await db_async(_todays_queue)()
    queue = await _connect(f"/ws/doctors/{doctor.pk}/queue/", doctor.user)
    me = await _connect("/ws/me/", second.patient)

    await db_async(appointment_check_in)(first.pk, actor=doctor.user, context=SYSTEM)

    updated = await _next(queue, "queue.updated")
    assert [item["state"] for item in updated["items"]] == ["checked_in", "scheduled"]
    place = await _next(me, "queue.position")
    assert place["appointment_id"] == str(second.pk)
    assert place["position"] == 2
    # 09:00 and 10:00 starts, 30-minute slots: the second goes in at 10:00.
    assert place["estimated_wait_minutes"] == 120
    await queue.disconnect()
    await me.disconnect()


@time_machine.travel(MORNING + timedelta(hours=1, minutes=20), tick=False)
async def test_completing_a_visit_pushes_the_queue_with_its_new_state():
    doctor, first, _second = await db_async(_todays_queue)()
    queue = await _connect(f"/ws/doctors/{doctor.pk}/queue/", doctor.user)

    await db_async(appointment_complete)(first.pk, actor=doctor.user, context=SYSTEM)

    updated = await _next(queue, "queue.updated")
    assert [item["state"] for item in updated["items"]] == ["completed", "scheduled"]
    assert updated["items"][1]["position"] == 1
    await queue.disconnect()


@time_machine.travel(MORNING + timedelta(minutes=30), tick=False)
async def test_starting_a_consultation_moves_the_next_patient_up():
    doctor, first, second = await db_async(_todays_queue)()
    await db_async(appointment_check_in)(first.pk, actor=doctor.user, context=SYSTEM)
    queue = await _connect(f"/ws/doctors/{doctor.pk}/queue/", doctor.user)
    me = await _connect("/ws/me/", second.patient)

    await db_async(appointment_start)(first.pk, actor=doctor.user, context=SYSTEM)

    updated = await _next(queue, "queue.updated")
    assert [item["state"] for item in updated["items"]] == [
        "in_consultation",
        "scheduled",
    ]
    place = await _next(me, "queue.position")
    assert (place["appointment_id"], place["position"]) == (str(second.pk), 1)
    await queue.disconnect()
    await me.disconnect()


@time_machine.travel(MORNING + timedelta(hours=1, minutes=20), tick=False)
async def test_a_no_show_pushes_the_queue_with_its_new_state():
    doctor, first, _second = await db_async(_todays_queue)()
    queue = await _connect(f"/ws/doctors/{doctor.pk}/queue/", doctor.user)

    await db_async(appointment_no_show)(first.pk, actor=doctor.user, context=SYSTEM)

    updated = await _next(queue, "queue.updated")
    assert [item["state"] for item in updated["items"]] == ["no_show", "scheduled"]
    await queue.disconnect()
