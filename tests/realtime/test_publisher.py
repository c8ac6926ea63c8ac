"""The publisher: after-commit slot states, and bookings that outlive Redis."""

import asyncio
import logging
import time

import pytest
from channels.layers import channel_layers
from django.db import transaction
from django.test import override_settings

from domain import events
from domain.models import Appointment
from realtime import publisher
from tests.factories import make_appointment, make_doctor, make_patient
from tests.realtime.conftest import tomorrow

pytestmark = pytest.mark.django_db(transaction=True)

# Nothing listens on port 1: every connection attempt is refused at once.
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"], "prefix": "clinic_down"},
    }
}


def test_booking_commits_and_the_missed_broadcast_is_logged_when_redis_is_down(
    caplog,
):
    doctor = make_doctor()
    patient = make_patient()
    caplog.set_level(logging.WARNING, logger="realtime.publisher")

    with override_settings(CHANNEL_LAYERS=UNREACHABLE_REDIS):
        channel_layers.backends = {}
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
    channel_layers.backends = {}

    assert Appointment.objects.filter(pk=appointment.pk).exists()
    assert "realtime publish for appointment.booked failed" in caplog.text


def test_slot_message_states_what_the_database_says_now():
    appointment = make_appointment(
        doctor=make_doctor(), patient=make_patient(), start=tomorrow()
    )
    start, end = appointment.start.isoformat(), appointment.end.isoformat()

    booked = publisher._slot_message(appointment.doctor_id, start, end)
    appointment.status = "cancelled"
    appointment.save()
    released = publisher._slot_message(appointment.doctor_id, start, end)

    assert booked[1]["type"] == "slot.booked"
    assert released[1]["type"] == "slot.released"
    assert released[0] == f"availability.doctor.{appointment.doctor_id}"


class _SilentLayer:
    """A layer whose sends never complete, like Redis behind a dead route."""

    async def group_send(self, group, message):
        await asyncio.sleep(60)


def test_a_silent_channel_layer_holds_the_caller_only_up_to_the_deadline(
    monkeypatch, caplog
):
    monkeypatch.setattr(publisher, "get_channel_layer", _SilentLayer)
    monkeypatch.setattr(publisher, "PUBLISH_TIMEOUT_SECONDS", 0.2)
    caplog.set_level(logging.WARNING, logger="realtime.publisher")
    messages = [(f"user.{n}", {"type": "ping"}) for n in range(5)]

    began = time.monotonic()
    publisher.publish(messages, reason="test")

    assert time.monotonic() - began < 2
    assert "realtime publish for test failed" in caplog.text
