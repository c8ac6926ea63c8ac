"""The analytics API: admins only, the same figures as the selectors."""

from datetime import UTC, date, datetime

import pytest

from domain.selectors import analytics
from tests.conftest import bearer
from tests.factories import make_appointment, make_doctor, make_patient, make_user

pytestmark = pytest.mark.django_db

PATHS = (
    "summary",
    "trend",
    "workload",
    "rates/doctors",
    "rates/time",
    "lead-times",
    "days-ahead",
)


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_callers_get_401(client, path):
    response = client.get(f"/api/v1/analytics/{path}")

    assert response.status_code == 401


@pytest.mark.parametrize("role", ["patient", "doctor"])
def test_patients_and_doctors_get_403(client, role):
    user = make_user(role=role)

    for path in PATHS:
        response = client.get(f"/api/v1/analytics/{path}", headers=bearer(user))

        assert response.status_code == 403, path
        assert response.json()["code"] == "forbidden"


def test_admin_gets_the_selectors_figures(client):
    admin = make_user(role="admin", is_staff=True)
    doctor = make_doctor()
    start = datetime(2030, 1, 9, 9, tzinfo=UTC)
    make_appointment(doctor=doctor, patient=make_patient(), start=start)
    make_appointment(
        doctor=doctor,
        patient=make_patient(),
        start=start.replace(hour=10),
        status="cancelled",
    )
    query = "?date_from=2030-01-01&date_to=2030-01-09"

    summary = client.get(f"/api/v1/analytics/summary{query}", headers=bearer(admin))
    trend = client.get(f"/api/v1/analytics/trend{query}", headers=bearer(admin))

    assert summary.status_code == 200
    body = summary.json()
    assert body["today"]["total"] == 2
    assert body["today"]["cancelled"] == 1
    assert body["rates"]["current"]["cancellation_rate"] == 0.5
    scope = analytics.Scope(date_from=date(2030, 1, 1), date_to=date(2030, 1, 9))
    expected = analytics.analytics_trend(scope)
    assert [day["booked"] for day in trend.json()] == [
        day["booked"] for day in expected
    ]
    assert trend.json()[-1] == {
        "date": "2030-01-09",
        "booked": 1,
        "completed": 0,
        "cancelled": 1,
    }


def test_a_reversed_range_is_422_naming_the_field(client):
    admin = make_user(role="admin", is_staff=True)

    response = client.get(
        "/api/v1/analytics/trend?date_from=2030-02-01&date_to=2030-01-01",
        headers=bearer(admin),
    )

    assert response.status_code == 422
    assert response.json()["field"] == "date_from"


def test_a_range_longer_than_the_limit_is_422(client):
    admin = make_user(role="admin", is_staff=True)

    response = client.get(
        "/api/v1/analytics/summary?date_from=2020-01-01&date_to=2030-01-01",
        headers=bearer(admin),
    )

    assert response.status_code == 422
