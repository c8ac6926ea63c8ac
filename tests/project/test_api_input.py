"""Input every operation shares: credentials, CSRF, bodies, ids, dates, URLs.

Each refusal answers in the API's error shape with the documented status and
changes nothing. The schema fuzzer (test_api_fuzz.py) found each of these;
these tests name the rules.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from domain.models import Appointment, AppointmentStatus, Availability
from project.api import api
from tests.conftest import bearer
from tests.factories import PASSWORD, make_appointment, make_doctor, make_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client() -> Client:
    """A client that enforces CSRF like a browser's server would."""
    return Client(enforce_csrf_checks=True)


def _cancel_url(appointment: Appointment) -> str:
    return f"/api/v1/appointments/{appointment.pk}/cancel"


def test_anonymous_post_is_401_not_a_csrf_refusal(csrf_client):
    appointment = make_appointment()

    response = csrf_client.post(
        _cancel_url(appointment), content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_post_with_a_bad_token_and_a_stale_session_cookie_is_401(csrf_client):
    appointment = make_appointment()
    csrf_client.cookies["sessionid"] = "no-such-session"

    response = csrf_client.post(
        _cancel_url(appointment),
        content_type="application/json",
        headers={"Authorization": "Bearer not-a-token"},
    )

    assert response.status_code == 401


def test_signed_in_session_without_csrf_token_is_403_and_changes_nothing(
    csrf_client,
):
    appointment = make_appointment()
    assert csrf_client.login(username=appointment.patient.username, password=PASSWORD)

    response = csrf_client.post(
        _cancel_url(appointment), content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


@pytest.mark.parametrize("body", ["null", "0.5", "[]", '"text"'])
def test_a_body_that_is_not_a_json_object_is_400_and_changes_nothing(client, body):
    patient = make_patient(first_name="Ines")

    response = client.patch(
        "/api/v1/me/profile",
        data=body,
        content_type="application/json",
        headers=bearer(patient),
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    patient.refresh_from_db()
    assert patient.first_name == "Ines"


def test_cancel_without_a_body_gives_no_reason(client):
    appointment = make_appointment()

    response = client.generic(
        "POST", _cancel_url(appointment), headers=bearer(appointment.patient)
    )

    assert response.status_code == 200
    assert response.json()["status"] == AppointmentStatus.CANCELLED
    appointment.refresh_from_db()
    assert appointment.cancellation_reason == ""


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/doctors/99999999999999999999999",
        "/api/v1/doctors/0",
        "/api/v1/appointments?doctor_id=99999999999999999999",
        "/api/v1/appointments?offset=99999999999999999999",
        "/api/v1/appointments?limit=101",
        "/api/v1/doctors?offset=99999999999999999999",
    ],
)
def test_ids_and_pages_beyond_the_database_range_are_422(client, url):
    response = client.get(url, headers=bearer(make_patient()))

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


@pytest.mark.parametrize("value", ["0", "0.0", "1700000000", "1e3"])
def test_a_number_given_for_a_date_is_422_not_a_unix_time(client, value):
    doctor = make_doctor()

    response = client.get(f"/api/v1/doctors/{doctor.pk}/slots?date_from={value}")

    assert response.status_code == 422


@pytest.mark.parametrize("start_time", ["09:00+01:00", "9", 32400, "25:00"])
def test_a_window_time_is_a_local_clock_time(client, start_time):
    doctor = make_doctor()
    day = (timezone.localdate() + timedelta(days=5)).isoformat()

    response = client.post(
        f"/api/v1/doctors/{doctor.pk}/availability",
        data={"date": day, "start_time": start_time, "end_time": "12:00"},
        content_type="application/json",
        headers=bearer(doctor.user),
    )

    assert response.status_code == 422
    assert not Availability.objects.filter(doctor=doctor).exists()


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_unknown_api_url_is_a_json_404(client, method):
    response = getattr(client, method)("/api/v1/waitlist/not-a-number")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_the_schema_documents_the_errors_of_shared_layers():
    paths = api.get_openapi_schema()["paths"]
    cancel = paths["/api/v1/appointments/{appointment_id}/cancel"]["post"]
    specializations = paths["/api/v1/specializations"]["get"]

    assert {400, 401, 403, 422, 503} <= set(cancel["responses"])
    assert 503 in specializations["responses"]
    assert not {400, 401, 403, 422} & set(specializations["responses"])
