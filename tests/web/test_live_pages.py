"""The doctor's queue page and the patient's place in it."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from domain.models import (
    AppointmentStatus,
)
from tests.factories import (
    make_appointment,
    make_doctor,
    make_patient,
    make_window,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
NINE = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def doctor():
    doctor = make_doctor(time_zone="UTC", slot_minutes=30, min_notice_minutes=0)
    make_window(doctor, date(2027, 1, 4), "09:00", "12:00")
    return doctor


@pytest.fixture
def today(doctor):
    return [
        make_appointment(
            doctor=doctor,
            patient=make_patient(first_name=name, last_name="Q"),
            start=NOW - timedelta(minutes=30) + timedelta(minutes=30 * n),
        )
        for n, name in enumerate(["Ada", "Ben"])
    ]


def test_queue_lists_todays_patients_in_order(client, doctor, today):
    client.force_login(doctor.user)

    response = client.get(reverse("web:queue"))

    names = [item["patient_name"] for item in response.context["queue"]["items"]]
    assert names == ["Ada Q", "Ben Q"]
    assert "Check in" in response.text


def test_queue_steps_go_through_the_services(client, doctor, today):
    first, _ = today
    client.force_login(doctor.user)

    for step in ("check-in", "start", "complete"):
        client.post(reverse("web:queue_action", args=[first.pk, step]))

    first.refresh_from_db()
    assert first.checked_in_at is not None
    assert first.consultation_started_at is not None
    assert first.status == AppointmentStatus.COMPLETED


def test_starting_before_check_in_is_refused_with_a_message(client, doctor, today):
    first, _ = today
    client.force_login(doctor.user)

    response = client.post(
        reverse("web:queue_action", args=[first.pk, "start"]), follow=True
    )

    assert "Check the patient in before starting." in response.text
    first.refresh_from_db()
    assert first.consultation_started_at is None


def test_another_doctors_patient_cannot_be_checked_in(client, today):
    first, _ = today
    client.force_login(make_doctor().user)

    client.post(reverse("web:queue_action", args=[first.pk, "check-in"]))

    first.refresh_from_db()
    assert first.checked_in_at is None


def test_unknown_queue_step_is_404(client, doctor, today):
    client.force_login(doctor.user)

    response = client.post(reverse("web:queue_action", args=[today[0].pk, "teleport"]))

    assert response.status_code == 404


def test_patient_sees_their_place_in_todays_queue(client, today):
    _, second = today
    client.force_login(second.patient)

    response = client.get(reverse("web:appointment", args=[second.pk]))

    assert response.context["queue_item"]["position"] == 2
    assert f'data-queue-position="{second.pk}"' in response.text
