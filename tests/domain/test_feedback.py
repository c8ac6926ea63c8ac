"""Feedback on completed visits and the doctor's rating."""

from decimal import Decimal

import pytest

from domain.models import AuditLog, DoctorProfile, Feedback
from tests.conftest import bearer
from tests.factories import make_appointment, make_doctor, make_patient

pytestmark = pytest.mark.django_db

FEEDBACK = "/api/v1/feedback"
JSON = "application/json"


def _submit(client, user, appointment, **fields):
    body = {"appointment_id": str(appointment.pk), "rating": 4, **fields}
    return client.post(FEEDBACK, body, content_type=JSON, headers=bearer(user))


def test_feedback_on_a_completed_visit_updates_the_doctor_rating(client, doctor):
    first = make_appointment(doctor=doctor, status="completed")
    second = make_appointment(doctor=doctor, status="completed")

    one = _submit(client, first.patient, first, rating=5, comments="Kind and clear.")
    two = _submit(client, second.patient, second, rating=2)

    assert (one.status_code, two.status_code) == (201, 201)
    doctor.refresh_from_db()
    assert doctor.rating == Decimal("3.50")
    assert doctor.rating_count == 2
    assert AuditLog.objects.filter(action="feedback.submitted").count() == 2


@pytest.mark.parametrize("status", ["confirmed", "pending", "cancelled", "no_show"])
def test_feedback_without_a_completed_visit_is_refused(client, status):
    appointment = make_appointment(status=status)

    response = _submit(client, appointment.patient, appointment)

    assert response.status_code == 403
    assert response.json()["code"] == "appointment_not_completed"
    assert not Feedback.objects.exists()
    assert DoctorProfile.objects.get(pk=appointment.doctor_id).rating_count == 0


def test_a_second_feedback_on_the_same_visit_is_409(client):
    appointment = make_appointment(status="completed")
    _submit(client, appointment.patient, appointment, rating=5)

    response = _submit(client, appointment.patient, appointment, rating=1)

    assert response.status_code == 409
    assert response.json()["code"] == "feedback_exists"
    assert Feedback.objects.get().rating == 5
    assert DoctorProfile.objects.get(pk=appointment.doctor_id).rating == Decimal("5")


def test_feedback_on_someone_elses_visit_is_404(client):
    appointment = make_appointment(status="completed")

    response = _submit(client, make_patient(), appointment)

    assert response.status_code == 404
    assert not Feedback.objects.exists()


def test_doctors_cannot_leave_feedback(client):
    appointment = make_appointment(status="completed")

    response = _submit(client, appointment.doctor.user, appointment)

    assert response.status_code == 403
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("rating", [0, 6])
def test_rating_outside_one_to_five_is_422(client, rating):
    appointment = make_appointment(status="completed")

    response = _submit(client, appointment.patient, appointment, rating=rating)

    assert response.status_code == 422
    assert not Feedback.objects.exists()


def test_public_listing_hides_anonymous_patients_even_from_the_doctor(client):
    doctor = make_doctor()
    named = make_appointment(
        doctor=doctor,
        patient=make_patient(first_name="Maria", last_name="Lopez"),
        status="completed",
    )
    hidden = make_appointment(
        doctor=doctor,
        patient=make_patient(first_name="Secret", last_name="Person"),
        status="completed",
    )
    _submit(client, named.patient, named, rating=5)
    _submit(client, hidden.patient, hidden, rating=3, anonymous=True)

    public = client.get(f"/api/v1/doctors/{doctor.pk}/feedback?limit=10")
    as_doctor = client.get(
        f"/api/v1/doctors/{doctor.pk}/feedback", headers=bearer(doctor.user)
    )

    assert public.status_code == 200
    assert public.json()["count"] == 2
    for response in (public, as_doctor):
        authors = {item["author"] for item in response.json()["items"]}
        assert authors == {"Maria L.", None}
        assert "Secret" not in response.content.decode()
        assert str(hidden.patient_id) not in response.content.decode()


def test_feedback_of_an_unknown_doctor_is_404(client):
    assert client.get("/api/v1/doctors/999999/feedback").status_code == 404
