"""The doctor's queue: check-in, start, and each waiting patient's place and wait."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from domain.models import AuditLog
from domain.selectors.queue import queue_for_doctor
from tests.conftest import bearer
from tests.factories import make_appointment, make_doctor, make_patient

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


@pytest.fixture
def morning():
    with time_machine.travel(MORNING, tick=False):
        yield MORNING


@pytest.fixture
def day(morning):
    """A UTC doctor with 30-minute slots and three patients from 09:00."""
    doctor = make_doctor(time_zone="UTC", slot_minutes=30)
    appointments = [
        make_appointment(
            doctor=doctor,
            patient=make_patient(),
            start=morning + timedelta(hours=1, minutes=30 * n),
        )
        for n in range(3)
    ]
    return doctor, appointments


def _post(client, user, appointment, action):
    return client.post(
        f"/api/v1/appointments/{appointment.pk}/{action}", headers=bearer(user)
    )


def test_the_doctor_checks_a_patient_in_and_starts_the_consultation(client, day):
    doctor, (first, *_) = day

    checked = _post(client, doctor.user, first, "check-in")
    started = _post(client, doctor.user, first, "start")

    assert checked.status_code == 200
    assert started.status_code == 200
    first.refresh_from_db()
    assert first.checked_in_at == MORNING
    assert first.consultation_started_at == MORNING
    assert AuditLog.objects.filter(action="appointment.checked_in").exists()


def test_an_admin_may_run_the_queue(client, day, admin_user):
    _, (first, *_) = day

    assert _post(client, admin_user, first, "check-in").status_code == 200


def test_the_patient_may_not_check_themself_in(client, day):
    _, (first, *_) = day

    response = _post(client, first.patient, first, "check-in")

    assert response.status_code == 403
    first.refresh_from_db()
    assert first.checked_in_at is None


def test_another_doctor_sees_404(client, day):
    _, (first, *_) = day

    response = _post(client, make_doctor().user, first, "check-in")

    assert response.status_code == 404
    first.refresh_from_db()
    assert first.checked_in_at is None


def test_starting_before_check_in_or_twice_is_409(client, day):
    doctor, (first, *_) = day

    early = _post(client, doctor.user, first, "start")
    _post(client, doctor.user, first, "check-in")
    twice = _post(client, doctor.user, first, "check-in")

    assert early.json()["code"] == "not_checked_in"
    assert twice.status_code == 409
    assert twice.json()["code"] == "checked_in"
    first.refresh_from_db()
    assert first.consultation_started_at is None


def test_tomorrows_appointment_cannot_be_checked_in_today(client, morning):
    doctor = make_doctor(time_zone="UTC")
    later = make_appointment(
        doctor=doctor, patient=make_patient(), start=morning + timedelta(days=1)
    )

    response = _post(client, doctor.user, later, "check-in")

    assert response.status_code == 409
    assert response.json()["code"] == "not_today"


def test_queue_orders_by_start_and_estimates_each_wait(day, morning):
    doctor, (first, *_) = day
    # The first patient went in at 08:50 for a 30-minute slot: done by 09:20.
    first.checked_in_at = morning
    first.consultation_started_at = morning + timedelta(minutes=50)

    first.save()

    with time_machine.travel(morning + timedelta(hours=1), tick=False):
        queue = queue_for_doctor(doctor)

    states = [(item["state"], item["position"]) for item in queue["items"]]
    assert states == [("in_consultation", None), ("scheduled", 1), ("scheduled", 2)]
    # Second waits until 09:30 (their own start), third until 10:00.
    waits = [item["estimated_wait_minutes"] for item in queue["items"][1:]]
    assert waits == [30, 60]
    assert queue["date"] == "2026-12-03"


def test_an_overrunning_consultation_pushes_the_waits_back(day, morning):
    doctor, (first, *_) = day
    first.checked_in_at = first.consultation_started_at = morning + timedelta(hours=1)
    first.save()

    with time_machine.travel(morning + timedelta(hours=1, minutes=40), tick=False):
        queue = queue_for_doctor(doctor)

    # Expected free at 09:40 at the earliest (now), then 30 minutes each.
    assert [item["estimated_wait_minutes"] for item in queue["items"][1:]] == [0, 30]


def test_a_consultation_started_early_can_be_completed(client, day):
    doctor, (first, *_) = day
    _post(client, doctor.user, first, "check-in")
    _post(client, doctor.user, first, "start")

    completed = _post(client, doctor.user, first, "complete")

    assert completed.status_code == 200
    first.refresh_from_db()
    assert first.status == "completed"


def test_a_visit_not_started_still_cannot_be_completed_before_its_time(client, day):
    doctor, (first, *_) = day

    early = _post(client, doctor.user, first, "complete")

    assert early.status_code == 409
    assert early.json()["code"] == "not_started"
    first.refresh_from_db()
    assert first.status == "confirmed"


def test_a_pending_visit_seen_from_the_queue_can_be_completed(client, day):
    doctor, (first, *_) = day
    first.status = "pending"
    first.save()
    _post(client, doctor.user, first, "check-in")
    _post(client, doctor.user, first, "start")

    completed = _post(client, doctor.user, first, "complete")

    assert completed.status_code == 200
    assert completed.json()["status"] == "completed"
