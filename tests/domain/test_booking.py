"""The booking services: history-bounded loading, holds, offers and events."""

from datetime import UTC, date, datetime, timedelta

import pytest

from domain import events
from domain.context import SYSTEM
from domain.errors import DomainError
from domain.models import Appointment, OfferStatus
from domain.selectors.slots import doctor_slots, schedules_for
from domain.services import booking
from tests.factories import (
    make_appointment,
    make_doctor,
    make_offer,
    make_patient,
    make_window,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
DAY = date(2027, 1, 6)
NINE = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def doctor(db):
    doctor = make_doctor()
    make_window(doctor, DAY, "09:00", "12:00")
    return doctor


@pytest.fixture
def heard():
    """Events delivered during the test, by name."""
    received: list[events.Event] = []
    names = [
        events.APPOINTMENT_BOOKED,
        events.APPOINTMENT_CANCELLED,
        events.APPOINTMENT_RESCHEDULED,
        events.APPOINTMENT_STATUS_CHANGED,
        events.AVAILABILITY_CHANGED,
    ]
    for name in names:
        events.subscribe(name, received.append)
    yield received
    for name in names:
        events.unsubscribe(name, received.append)


def test_slot_loading_ignores_history_outside_the_range(doctor):
    patient = make_patient()
    for weeks in range(1, 40):
        make_appointment(
            doctor=doctor, patient=patient, start=NINE - timedelta(weeks=weeks)
        )
    make_appointment(doctor=doctor, patient=patient, start=NINE)

    schedule = schedules_for([doctor], date_from=DAY, date_to=DAY, now=NOW)[doctor.pk]

    assert [start for start, _ in schedule.appointments] == [NINE]


def test_own_hold_is_left_out_for_its_patient_only(doctor):
    holder = make_patient()
    make_offer(doctor=doctor, patient=holder, start=NINE)

    for_holder = schedules_for(
        [doctor], date_from=DAY, date_to=DAY, now=NOW, for_patient=holder
    )[doctor.pk]
    for_others = schedules_for([doctor], date_from=DAY, date_to=DAY, now=NOW)[doctor.pk]

    assert for_holder.holds == []
    assert len(for_others.holds) == 1


def test_held_slots_are_listed_apart_on_request_and_never_as_free(client, doctor):
    make_offer(doctor=doctor, patient=make_patient(), start=NINE)

    found = doctor_slots(doctor.pk, date_from=DAY, date_to=DAY, with_held=True)
    plain = doctor_slots(doctor.pk, date_from=DAY, date_to=DAY)
    api = client.get(
        f"/api/v1/doctors/{doctor.pk}/slots", {"date_from": DAY, "date_to": DAY}
    ).json()

    assert [slot.start for slot in found.held] == [NINE]
    assert NINE not in [slot.start for slot in found.slots]
    assert plain.held == []
    assert [datetime.fromisoformat(slot["start"]) for slot in api["held"]] == [NINE]
    api_starts = [datetime.fromisoformat(slot["start"]) for slot in api["slots"]]
    assert api_starts[0] == NINE + timedelta(minutes=30)


def test_the_holder_sees_their_own_held_slot_as_free(doctor):
    holder = make_patient()
    make_offer(doctor=doctor, patient=holder, start=NINE)

    found = doctor_slots(
        doctor.pk, date_from=DAY, date_to=DAY, for_patient=holder, with_held=True
    )

    assert found.held == []
    assert found.slots[0].start == NINE


def test_booking_through_an_offer_accepts_it(doctor):
    holder = make_patient()
    offer = make_offer(doctor=doctor, patient=holder, start=NINE)

    appointment = booking.appointment_book(
        holder, doctor_id=doctor.pk, start=NINE, offer_id=offer.pk, context=SYSTEM
    )

    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert offer.appointment_id == appointment.pk


def test_an_expired_offer_cannot_be_used_and_nothing_is_booked(doctor, time_machine):
    holder = make_patient()
    offer = make_offer(doctor=doctor, patient=holder, start=NINE)
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)

    with pytest.raises(DomainError) as refusal:
        booking.appointment_book(
            holder, doctor_id=doctor.pk, start=NINE, offer_id=offer.pk, context=SYSTEM
        )

    assert (refusal.value.status, refusal.value.code) == (409, "offer_closed")
    assert not Appointment.objects.exists()


def test_someone_elses_offer_is_404(doctor):
    offer = make_offer(doctor=doctor, patient=make_patient(), start=NINE)

    with pytest.raises(DomainError) as refusal:
        booking.appointment_book(
            make_patient(),
            doctor_id=doctor.pk,
            start=NINE,
            offer_id=offer.pk,
            context=SYSTEM,
        )

    assert refusal.value.status == 404
    assert not Appointment.objects.exists()


def test_lifecycle_events_carry_the_documented_payloads(
    doctor, heard, django_capture_on_commit_callbacks, time_machine
):
    patient = make_patient()
    with django_capture_on_commit_callbacks(execute=True):
        first = booking.appointment_book(
            patient, doctor_id=doctor.pk, start=NINE, context=SYSTEM
        )
        moved = booking.appointment_reschedule(
            first.pk,
            actor=patient,
            start=NINE + timedelta(hours=1),
            context=SYSTEM,
        )
        booking.appointment_cancel(
            moved.pk, actor=doctor.user, reason="Ill", context=SYSTEM
        )

    booked, rescheduled, cancelled = heard
    assert booked.name == events.APPOINTMENT_BOOKED
    assert booked.payload == {
        "appointment_id": str(first.pk),
        "doctor_id": doctor.pk,
        "patient_id": str(patient.pk),
        "start": "2027-01-06T09:00:00+00:00",
        "end": "2027-01-06T09:30:00+00:00",
        "status": "confirmed",
        "offer_accepted": False,
    }
    assert rescheduled.payload["previous_id"] == str(first.pk)
    assert rescheduled.payload["appointment_id"] == str(moved.pk)
    assert rescheduled.payload["previous_start"] == "2027-01-06T09:00:00+00:00"
    assert rescheduled.payload["start"] == "2027-01-06T10:00:00+00:00"
    assert cancelled.payload["cancelled_by_id"] == str(doctor.user.pk)
    assert cancelled.payload["reason"] == "Ill"
    assert cancelled.payload["status"] == "cancelled"


def test_status_change_event_names_the_previous_status(
    doctor, heard, django_capture_on_commit_callbacks
):
    appointment = make_appointment(
        doctor=doctor, patient=make_patient(), start=NINE, status="pending"
    )

    with django_capture_on_commit_callbacks(execute=True):
        booking.appointment_confirm(appointment.pk, actor=doctor.user, context=SYSTEM)

    (changed,) = heard
    assert changed.name == events.APPOINTMENT_STATUS_CHANGED
    assert changed.payload["previous_status"] == "pending"
    assert changed.payload["status"] == "confirmed"
    appointment.refresh_from_db()
    assert appointment.sequence == 1
