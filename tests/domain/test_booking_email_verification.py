"""Booking is closed to patients whose e-mail address is not verified."""

from datetime import UTC, date, datetime

import pytest

from domain.models import Appointment
from tests.conftest import bearer
from tests.factories import make_doctor, make_patient, make_window

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
NINE = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def doctor(time_machine):
    time_machine.move_to(NOW, tick=False)
    doctor = make_doctor(time_zone="Europe/London")
    make_window(doctor, date(2027, 1, 6), "09:00", "12:00")
    return doctor


def _book(client, user, doctor, **extra):
    body = {"doctor_id": doctor.pk, "start": NINE.isoformat(), **extra}
    return client.post(
        "/api/v1/appointments",
        body,
        content_type="application/json",
        headers=bearer(user),
    )


def test_unverified_patient_booking_is_403_email_not_verified(client, doctor):
    patient = make_patient(email_verified=False)

    response = _book(client, patient, doctor)

    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"
    assert not Appointment.objects.exists()


def test_unverified_patient_may_book_when_verification_is_optional(
    client, doctor, settings
):
    settings.EMAIL_VERIFICATION = "optional"
    patient = make_patient(email_verified=False)

    response = _book(client, patient, doctor)

    assert response.status_code == 201
    assert Appointment.objects.filter(patient=patient).exists()


def test_front_desk_admin_may_book_for_an_unverified_patient(
    client, doctor, admin_user
):
    patient = make_patient(email_verified=False)

    response = _book(client, admin_user, doctor, patient_id=str(patient.pk))

    assert response.status_code == 201
