"""Each websocket route and each way in: who is let in, what they hear."""

import asyncio
from datetime import UTC, datetime, time, timedelta

import pytest
from channels.db import database_sync_to_async as db_async
from django.db import transaction
from django.test import Client
from django.utils import timezone
from ninja_jwt.tokens import AccessToken

from domain import events
from realtime.consumers import AuthenticatedConsumer
from tests.conftest import bearer
from tests.factories import (
    make_appointment,
    make_doctor,
    make_offer,
    make_patient,
    make_user,
    make_window,
)
from tests.realtime.conftest import assert_refused, communicator, tomorrow

pytestmark = pytest.mark.django_db(transaction=True)


def _token(user) -> str:
    return bearer(user)["Authorization"].removeprefix("Bearer ")


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def _book_and_commit(doctor, patient, *, rollback: bool = False):
    """Write an appointment and emit its event the way a service would."""
    try:
        with transaction.atomic():
            appointment = make_appointment(
                doctor=doctor, patient=patient, start=tomorrow()
            )
            events.emit(
                events.APPOINTMENT_BOOKED,
                appointment_id=str(appointment.pk),
                doctor_id=doctor.pk,
                patient_id=str(patient.pk),
                start=appointment.start.isoformat(),
                end=appointment.end.isoformat(),
                status=appointment.status,
            )
            if rollback:
                raise RuntimeError("roll back")
    except RuntimeError:
        return None
    return appointment


async def _connect(path: str, *, cookie: str | None = None):
    ws = communicator(path, cookie=cookie)
    connected, _ = await ws.connect(timeout=3)
    assert connected
    return ws


# --- availability -----------------------------------------------------------


async def test_availability_of_unknown_doctor_closes_with_4404():
    ws = await _connect("/ws/doctors/999999/availability/")

    await assert_refused(ws, code="not_found", close_code=4404)


async def test_availability_listener_hears_a_committed_booking():
    doctor = await db_async(make_doctor)()
    patient = await db_async(make_patient)()
    ws = await _connect(f"/ws/doctors/{doctor.pk}/availability/")

    appointment = await db_async(_book_and_commit)(doctor, patient)

    message = await ws.receive_json_from(timeout=3)
    assert message == {
        "type": "slot.booked",
        "doctor_id": doctor.pk,
        "start": appointment.start.isoformat(),
        "end": appointment.end.isoformat(),
    }
    await ws.disconnect()


async def test_availability_listener_hears_nothing_of_a_rolled_back_booking():
    doctor = await db_async(make_doctor)()
    patient = await db_async(make_patient)()
    ws = await _connect(f"/ws/doctors/{doctor.pk}/availability/")

    result = await db_async(_book_and_commit)(doctor, patient, rollback=True)

    assert result is None
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


# --- /ws/me/ ---------------------------------------------------------------


async def test_me_accepts_the_session_cookie():
    patient = await db_async(make_patient)()
    cookie = await db_async(_session_cookie)(patient)

    ws = await _connect("/ws/me/", cookie=cookie)

    frame = await ws.receive_json_from(timeout=3)
    assert frame == {"type": "authenticated", "user_id": str(patient.pk)}
    await ws.disconnect()


async def test_me_accepts_a_first_authenticate_message_with_an_access_token():
    patient = await db_async(make_patient)()
    token = await db_async(_token)(patient)
    ws = await _connect("/ws/me/")

    await ws.send_json_to({"type": "authenticate", "token": token})

    frame = await ws.receive_json_from(timeout=3)
    assert frame == {"type": "authenticated", "user_id": str(patient.pk)}
    await ws.disconnect()


async def test_me_refuses_a_forged_token_with_4401():
    ws = await _connect("/ws/me/")

    await ws.send_json_to({"type": "authenticate", "token": "not.a.token"})

    await assert_refused(ws, code="not_authenticated", close_code=4401)


async def test_me_refuses_an_expired_token_with_4401():
    patient = await db_async(make_patient)()
    token = AccessToken.for_user(patient)
    # Past the expiry plus the configured leeway.
    token.set_exp(from_time=timezone.now() - timedelta(hours=1))
    ws = await _connect("/ws/me/")

    await ws.send_json_to({"type": "authenticate", "token": str(token)})

    await assert_refused(ws, code="not_authenticated", close_code=4401)


async def test_me_refuses_other_messages_before_authentication_with_4401():
    ws = await _connect("/ws/me/")

    await ws.send_json_to({"type": "ping"})

    await assert_refused(ws, code="not_authenticated", close_code=4401)


async def test_me_closes_with_4401_when_nobody_authenticates_in_time(monkeypatch):
    monkeypatch.setattr(AuthenticatedConsumer, "auth_timeout", 0.2)
    ws = await _connect("/ws/me/")

    await assert_refused(ws, code="auth_timeout", close_code=4401)


async def test_me_closes_with_4401_when_the_access_token_expires():
    patient = await db_async(make_patient)()
    token = AccessToken.for_user(patient)
    # Valid for one more second from now.
    token.set_exp(from_time=timezone.now() - token.lifetime + timedelta(seconds=1))
    ws = await _connect("/ws/me/")

    await ws.send_json_to({"type": "authenticate", "token": str(token)})

    frame = await ws.receive_json_from(timeout=3)
    assert frame["type"] == "authenticated", frame
    await assert_refused(ws, code="token_expired", close_code=4401)


async def test_me_refuses_a_token_of_another_user_with_4403():
    patient, other = await db_async(make_patient)(), await db_async(make_patient)()
    ws = await _connect("/ws/me/", cookie=await db_async(_session_cookie)(patient))
    await ws.receive_json_from(timeout=3)

    await ws.send_json_to(
        {"type": "authenticate", "token": await db_async(_token)(other)}
    )

    await assert_refused(ws, code="forbidden", close_code=4403)


async def test_a_fresh_token_renews_the_socket_before_the_old_one_expires():
    patient = await db_async(make_patient)()
    old = AccessToken.for_user(patient)
    # Three seconds is ample time to send the fresh token on a loaded machine.
    old.set_exp(from_time=timezone.now() - old.lifetime + timedelta(seconds=3))
    ws = await _connect("/ws/me/")
    await ws.send_json_to({"type": "authenticate", "token": str(old)})
    assert (await ws.receive_json_from(timeout=3))["type"] == "authenticated"

    await ws.send_json_to(
        {"type": "authenticate", "token": await db_async(_token)(patient)}
    )
    await ws.receive_json_from(timeout=3)

    # Past the first token's expiry the socket still answers.
    await asyncio.sleep(3.3)
    await ws.send_json_to({"type": "ping"})
    assert (await ws.receive_json_from(timeout=3))["type"] == "pong"
    await ws.disconnect()


async def test_me_carries_the_users_own_appointment_changes_only():
    doctor = await db_async(make_doctor)()
    patient = await db_async(make_patient)()
    other = await db_async(make_patient)()
    mine = await _connect("/ws/me/", cookie=await db_async(_session_cookie)(patient))
    theirs = await _connect("/ws/me/", cookie=await db_async(_session_cookie)(other))
    await mine.receive_json_from(timeout=3)
    await theirs.receive_json_from(timeout=3)

    appointment = await db_async(_book_and_commit)(doctor, patient)

    message = await mine.receive_json_from(timeout=3)
    assert message["type"] == "appointment.booked"
    assert message["appointment_id"] == str(appointment.pk)
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


async def test_me_answers_ping_after_authentication():
    patient = await db_async(make_patient)()
    ws = await _connect("/ws/me/", cookie=await db_async(_session_cookie)(patient))
    await ws.receive_json_from(timeout=3)

    await ws.send_json_to({"type": "ping"})

    assert await ws.receive_json_from(timeout=3) == {"type": "pong"}
    await ws.disconnect()


# --- queue ------------------------------------------------------------------


async def test_queue_sends_the_doctor_todays_snapshot():
    doctor = await db_async(make_doctor)(time_zone="UTC")
    patient = await db_async(make_patient)()
    start = timezone.now().replace(hour=23, minute=0, second=0, microsecond=0)
    appointment = await db_async(make_appointment)(
        doctor=doctor, patient=patient, start=start
    )
    cookie = await db_async(_session_cookie)(doctor.user)

    ws = await _connect(f"/ws/doctors/{doctor.pk}/queue/", cookie=cookie)

    snapshot = await ws.receive_json_from(timeout=3)
    assert snapshot["type"] == "queue.snapshot"
    assert snapshot["doctor_id"] == doctor.pk
    assert [item["appointment_id"] for item in snapshot["items"]] == [
        str(appointment.pk)
    ]
    assert snapshot["items"][0]["state"] == "scheduled"
    assert snapshot["items"][0]["position"] == 1
    await ws.disconnect()


async def test_queue_lets_an_admin_in_by_token():
    doctor = await db_async(make_doctor)()
    admin = await db_async(make_user)(role="admin")
    ws = await _connect(f"/ws/doctors/{doctor.pk}/queue/")

    await ws.send_json_to(
        {"type": "authenticate", "token": await db_async(_token)(admin)}
    )

    assert (await ws.receive_json_from(timeout=3))["type"] == "queue.snapshot"
    await ws.disconnect()


@pytest.mark.parametrize("who", ["patient", "other_doctor"])
async def test_queue_refuses_anyone_but_that_doctor_or_an_admin_with_4403(who):
    doctor = await db_async(make_doctor)()
    user = (
        await db_async(make_patient)()
        if who == "patient"
        else (await db_async(make_doctor)()).user
    )
    cookie = await db_async(_session_cookie)(user)

    ws = await _connect(f"/ws/doctors/{doctor.pk}/queue/", cookie=cookie)

    await assert_refused(ws, code="forbidden", close_code=4403)


async def test_queue_of_unknown_doctor_closes_with_4404():
    admin = await db_async(make_user)(role="admin")
    cookie = await db_async(_session_cookie)(admin)

    ws = await _connect("/ws/doctors/999999/queue/", cookie=cookie)

    await assert_refused(ws, code="not_found", close_code=4404)


async def test_queue_refuses_the_unauthenticated_with_4401():
    doctor = await db_async(make_doctor)()
    ws = await _connect(f"/ws/doctors/{doctor.pk}/queue/")

    await ws.send_json_to({"type": "authenticate", "token": ""})

    await assert_refused(ws, code="not_authenticated", close_code=4401)


async def test_availability_sends_a_snapshot_of_free_slots_on_connect():
    doctor = await db_async(make_doctor)(time_zone="UTC", min_notice_minutes=0)
    day = tomorrow().date()
    await db_async(make_window)(doctor, day, "09:00", "10:00")

    ws = await _connect(
        f"/ws/doctors/{doctor.pk}/availability/?date_from={day}&date_to={day}"
    )

    snapshot = await ws.receive_json_from(timeout=3)
    assert snapshot["type"] == "snapshot"
    assert [slot["start"] for slot in snapshot["slots"]] == [
        f"{day}T09:00:00+00:00",
        f"{day}T09:30:00+00:00",
    ]
    await ws.disconnect()


async def test_availability_snapshot_lists_held_slots_apart_from_free_ones():
    doctor = await db_async(make_doctor)(time_zone="UTC", min_notice_minutes=0)
    day = tomorrow().date()
    await db_async(make_window)(doctor, day, "09:00", "10:00")
    nine = datetime.combine(day, time(9), tzinfo=UTC)
    await db_async(make_offer)(
        doctor=doctor, patient=await db_async(make_patient)(), start=nine
    )

    ws = await _connect(f"/ws/doctors/{doctor.pk}/availability/")
    await ws.send_json_to(
        {"type": "snapshot", "date_from": str(day), "date_to": str(day)}
    )

    snapshot = await ws.receive_json_from(timeout=3)
    assert [slot["start"] for slot in snapshot["slots"]] == [f"{day}T09:30:00+00:00"]
    assert snapshot["held"] == [
        {"start": f"{day}T09:00:00+00:00", "end": f"{day}T09:30:00+00:00"}
    ]
    await ws.disconnect()


async def test_availability_answers_a_bad_snapshot_range_with_an_error_frame():
    doctor = await db_async(make_doctor)()
    ws = await _connect(f"/ws/doctors/{doctor.pk}/availability/")

    await ws.send_json_to({"type": "snapshot", "date_from": "soon"})

    frame = await ws.receive_json_from(timeout=3)
    assert frame["type"] == "error"
    assert frame["code"] == "invalid"
    await ws.send_json_to({"type": "ping"})
    assert await ws.receive_json_from(timeout=3) == {"type": "pong"}
    await ws.disconnect()
