"""Booking and the appointment lifecycle through the HTTP API."""

from datetime import UTC, date, datetime, timedelta

import pytest

from domain import events
from domain.models import Appointment, AuditLog, OfferStatus
from tests.conftest import bearer
from tests.factories import (
    make_appointment,
    make_doctor,
    make_offer,
    make_patient,
    make_window,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/appointments"
# A Monday morning in winter, so London wall-clock time equals UTC.
NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
DAY = date(2027, 1, 6)
NINE = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def doctor(db):
    doctor = make_doctor(time_zone="Europe/London")
    make_window(doctor, DAY, "09:00", "12:00")
    return doctor


def _book(client, user, doctor, start=NINE, **extra):
    body = {"doctor_id": doctor.pk, "start": start.isoformat(), "reason": "Cough"}
    return client.post(
        URL, body | extra, content_type="application/json", headers=bearer(user)
    )


def _post(client, user, appointment, action, body=None):
    return client.post(
        f"{URL}/{appointment.pk}/{action}",
        body or {},
        content_type="application/json",
        headers=bearer(user),
    )


def test_booking_a_free_slot_answers_201_with_the_appointment(
    client, doctor, patient, django_capture_on_commit_callbacks
):
    heard = []
    events.subscribe(events.APPOINTMENT_BOOKED, heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = _book(client, patient, doctor)
    finally:
        events.unsubscribe(events.APPOINTMENT_BOOKED, heard.append)

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["doctor_id"] == doctor.pk
    assert body["patient_id"] == str(patient.pk)
    assert body["start"] == "2027-01-06T09:00:00Z"
    assert body["end"] == "2027-01-06T09:30:00Z"
    appointment = Appointment.objects.get()
    assert AuditLog.objects.filter(
        action="appointment.booked", target_id=str(appointment.pk)
    ).exists()
    assert [event.payload["appointment_id"] for event in heard] == [str(appointment.pk)]


def test_times_carry_the_doctors_offset_in_summer(client, patient):
    doctor = make_doctor(time_zone="Europe/London")
    make_window(doctor, date(2027, 2, 1), "09:00", "10:00")
    summer_doctor = make_doctor(time_zone="America/New_York", booking_horizon_days=90)
    make_window(summer_doctor, date(2027, 3, 15), "09:00", "10:00")

    response = _book(
        client, patient, summer_doctor, start=datetime(2027, 3, 15, 13, tzinfo=UTC)
    )

    assert response.status_code == 201
    assert response.json()["start"] == "2027-03-15T09:00:00-04:00"


def test_doctor_requiring_confirmation_gets_a_pending_booking(client, patient):
    doctor = make_doctor(requires_confirmation=True)
    make_window(doctor, DAY, "09:00", "10:00")

    response = _book(client, patient, doctor)

    assert response.status_code == 201
    assert response.json()["status"] == "pending"


def test_a_start_off_the_grid_is_422_not_a_slot(client, doctor, patient):
    response = _book(client, patient, doctor, start=NINE + timedelta(minutes=10))

    assert response.status_code == 422
    assert response.json()["code"] == "not_a_slot"
    assert response.json()["field"] == "start"
    assert not Appointment.objects.exists()


def test_a_start_inside_minimum_notice_is_422_not_a_slot(client, patient):
    doctor = make_doctor()
    make_window(doctor, NOW.date(), "09:00", "12:00")

    response = _book(client, patient, doctor, start=NOW + timedelta(hours=1))

    assert response.status_code == 422
    assert response.json()["code"] == "not_a_slot"


def test_a_start_without_offset_is_422(client, doctor, patient):
    response = _book(client, patient, doctor, start=NINE.replace(tzinfo=None))

    assert response.status_code == 422
    assert not Appointment.objects.exists()


def test_second_booking_of_a_slot_is_refused_with_409(client, doctor, patient):
    make_appointment(doctor=doctor, patient=make_patient(), start=NINE)

    response = _book(client, patient, doctor)

    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"
    assert Appointment.objects.count() == 1


def test_slot_inside_the_buffer_of_another_booking_is_taken(client, patient):
    doctor = make_doctor(buffer_minutes=10)
    make_window(doctor, DAY, "09:00", "12:00")
    make_appointment(doctor=doctor, patient=make_patient(), start=NINE)

    response = _book(client, patient, doctor, start=NINE + timedelta(minutes=30))

    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"


def test_patient_with_an_overlapping_appointment_is_409_patient_busy(
    client, doctor, patient
):
    other = make_doctor()
    make_appointment(doctor=other, patient=patient, start=NINE)

    response = _book(client, patient, doctor)

    assert response.status_code == 409
    assert response.json()["code"] == "patient_busy"
    assert Appointment.objects.count() == 1


def test_full_day_is_409_day_full(client, patient):
    doctor = make_doctor(max_patients_per_day=1)
    make_window(doctor, DAY, "09:00", "12:00")
    make_appointment(doctor=doctor, patient=make_patient(), start=NINE)

    response = _book(client, patient, doctor, start=NINE + timedelta(hours=1))

    assert response.status_code == 409
    assert response.json()["code"] == "day_full"
    assert Appointment.objects.count() == 1


def test_slot_held_for_another_patient_is_taken(client, doctor, patient):
    make_offer(doctor=doctor, patient=make_patient(), start=NINE)

    response = _book(client, patient, doctor)

    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"


def test_holder_books_their_held_slot_and_the_offer_is_accepted(
    client, doctor, patient
):
    offer = make_offer(doctor=doctor, patient=patient, start=NINE)

    response = _book(client, patient, doctor)

    assert response.status_code == 201
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert str(offer.appointment_id) == response.json()["id"]


def test_expired_hold_does_not_block(client, doctor, patient):
    make_offer(
        doctor=doctor,
        patient=make_patient(),
        start=NINE,
        expires_in=timedelta(minutes=-1),
    )

    assert _book(client, patient, doctor).status_code == 201


def test_booking_needs_a_signed_in_caller(client, doctor):
    response = client.post(
        URL,
        {"doctor_id": doctor.pk, "start": NINE.isoformat()},
        content_type="application/json",
    )

    assert response.status_code == 401


def test_a_doctor_cannot_book(client, doctor):
    response = _book(client, make_doctor().user, doctor)

    assert response.status_code == 403
    assert not Appointment.objects.exists()


def test_unknown_doctor_is_404(client, patient, doctor):
    response = client.post(
        URL,
        {"doctor_id": doctor.pk + 999, "start": NINE.isoformat()},
        content_type="application/json",
        headers=bearer(patient),
    )

    assert response.status_code == 404


def test_admin_books_for_a_named_patient(client, doctor, patient, admin_user):
    response = _book(client, admin_user, doctor, patient_id=str(patient.pk))

    assert response.status_code == 201
    assert response.json()["patient_id"] == str(patient.pk)


def test_admin_must_name_the_patient(client, doctor, admin_user):
    response = _book(client, admin_user, doctor)

    assert response.status_code == 422
    assert response.json()["field"] == "patient_id"


def test_each_caller_lists_only_what_they_may_see(client, doctor, patient, admin_user):
    mine = make_appointment(doctor=doctor, patient=patient, start=NINE)
    other_doctor = make_doctor()
    theirs = make_appointment(
        doctor=other_doctor, patient=make_patient(), start=NINE + timedelta(hours=1)
    )

    def ids(user, query=""):
        response = client.get(f"{URL}{query}", headers=bearer(user))
        assert response.status_code == 200
        return [item["id"] for item in response.json()["items"]]

    assert ids(patient) == [str(mine.pk)]
    assert ids(doctor.user) == [str(mine.pk)]
    assert ids(other_doctor.user) == [str(theirs.pk)]
    assert ids(admin_user) == [str(mine.pk), str(theirs.pk)]
    assert ids(admin_user, f"?doctor_id={other_doctor.pk}") == [str(theirs.pk)]
    assert ids(admin_user, "?status=cancelled") == []
    assert ids(admin_user, "?date_from=2027-01-07") == []
    assert client.get(URL, headers=bearer(admin_user)).json()["count"] == 2


def test_someone_elses_appointment_is_404(client, doctor, patient):
    appointment = make_appointment(doctor=doctor, patient=make_patient(), start=NINE)

    assert (
        client.get(f"{URL}/{appointment.pk}", headers=bearer(patient)).status_code
        == 404
    )
    assert _post(client, patient, appointment, "cancel").status_code == 404
    assert (
        client.get(f"{URL}/{appointment.pk}", headers=bearer(doctor.user)).status_code
        == 200
    )
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"


def test_patient_cancels_before_the_cutoff_and_the_slot_is_free_again(
    client, doctor, patient
):
    appointment = make_appointment(doctor=doctor, patient=patient, start=NINE)

    response = _post(client, patient, appointment, "cancel", {"reason": "Better"})

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    appointment.refresh_from_db()
    assert appointment.cancellation_reason == "Better"
    assert appointment.cancelled_by_id == patient.pk
    assert appointment.sequence == 1
    slots = client.get(
        f"/api/v1/doctors/{doctor.pk}/slots?date_from={DAY}&date_to={DAY}"
    ).json()["slots"]
    assert slots[0]["start"] == "2027-01-06T09:00:00Z"
    assert _book(client, make_patient(), doctor).status_code == 201


def test_patient_cannot_cancel_after_the_cutoff_but_the_doctor_can(
    client, doctor, patient
):
    appointment = make_appointment(doctor=doctor, patient=patient, start=NINE)
    doctor.cancellation_cutoff_hours = 72
    doctor.save()

    refused = _post(client, patient, appointment, "cancel")
    appointment.refresh_from_db()
    status_after_refusal = appointment.status
    accepted = _post(client, doctor.user, appointment, "cancel")

    assert refused.status_code == 409
    assert refused.json()["code"] == "cutoff_passed"
    assert status_after_refusal == "confirmed"
    assert accepted.status_code == 200


def test_cancelling_twice_is_an_invalid_transition(client, doctor, patient):
    appointment = make_appointment(doctor=doctor, patient=patient, start=NINE)
    _post(client, patient, appointment, "cancel")

    response = _post(client, patient, appointment, "cancel")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_reschedule_moves_to_the_new_slot_and_keeps_history(client, doctor, patient):
    old = make_appointment(doctor=doctor, patient=patient, start=NINE)

    response = _post(
        client,
        patient,
        old,
        "reschedule",
        {"start": (NINE + timedelta(hours=1)).isoformat()},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["start"] == "2027-01-06T10:00:00Z"
    assert body["rescheduled_from_id"] == str(old.pk)
    old.refresh_from_db()
    assert old.status == "cancelled"
    assert Appointment.objects.filter(status="confirmed").count() == 1


def test_reschedule_to_an_adjacent_slot_ignores_its_own_buffer(client, patient):
    doctor = make_doctor(buffer_minutes=10)
    make_window(doctor, DAY, "09:00", "12:00")
    old = make_appointment(doctor=doctor, patient=patient, start=NINE)

    response = _post(
        client,
        patient,
        old,
        "reschedule",
        {"start": (NINE + timedelta(minutes=30)).isoformat()},
    )

    assert response.status_code == 200


def test_reschedule_to_a_taken_slot_changes_nothing(client, doctor, patient):
    old = make_appointment(doctor=doctor, patient=patient, start=NINE)
    make_appointment(
        doctor=doctor, patient=make_patient(), start=NINE + timedelta(hours=1)
    )

    response = _post(
        client,
        patient,
        old,
        "reschedule",
        {"start": (NINE + timedelta(hours=1)).isoformat()},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"
    old.refresh_from_db()
    assert old.status == "confirmed"
    assert Appointment.objects.count() == 2


def test_doctor_confirms_a_pending_appointment(client, doctor, patient):
    appointment = make_appointment(
        doctor=doctor, patient=patient, start=NINE, status="pending"
    )

    by_patient = _post(client, patient, appointment, "confirm")
    by_doctor = _post(client, doctor.user, appointment, "confirm")
    again = _post(client, doctor.user, appointment, "confirm")

    assert by_patient.status_code == 403
    assert by_doctor.status_code == 200
    assert by_doctor.json()["status"] == "confirmed"
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"


@pytest.mark.parametrize(
    ("action", "status"), [("complete", "completed"), ("no-show", "no_show")]
)
def test_complete_and_no_show_only_after_the_start(
    client, doctor, patient, time_machine, action, status
):
    appointment = make_appointment(doctor=doctor, patient=patient, start=NINE)

    early = _post(client, doctor.user, appointment, action)
    time_machine.move_to(NINE + timedelta(minutes=5), tick=False)
    on_time = _post(client, doctor.user, appointment, action)
    cancel_after = _post(client, doctor.user, appointment, "cancel")

    assert early.status_code == 409
    assert early.json()["code"] == "not_started"
    assert on_time.status_code == 200
    assert on_time.json()["status"] == status
    assert cancel_after.status_code == 409
    assert cancel_after.json()["code"] == "invalid_transition"
