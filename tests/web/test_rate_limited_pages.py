"""The sign-in, sign-up and password-reset pages share the API's rate limits."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from domain.models import AuditLog, User
from tests.factories import PASSWORD, make_patient

pytestmark = pytest.mark.django_db

PAIR = "/api/v1/auth/token/pair"


@pytest.fixture(autouse=True)
def _still_clock():
    # Counters are per fixed window; a slow run must not cross a window edge.
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC), tick=False):
        yield


def _sign_in_page(client, username, password, ip="203.0.113.9"):
    return client.post(
        reverse("web:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_sixth_failed_page_sign_in_is_refused_even_with_the_right_password(client):
    patient = make_patient()
    for _ in range(5):
        assert _sign_in_page(client, patient.username, "wrong").status_code == 200

    response = _sign_in_page(client, patient.username, PASSWORD)

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not AuditLog.objects.filter(action="auth.signed_in").exists()


def test_failures_on_the_api_count_against_the_sign_in_page(client):
    patient = make_patient()
    for n in range(5):
        client.post(
            PAIR,
            {"username": patient.username, "password": "wrong"},
            content_type="application/json",
            REMOTE_ADDR=f"198.51.100.{n}",
        )

    response = _sign_in_page(client, patient.username, PASSWORD, ip="192.0.2.1")

    assert response.status_code == 429


def test_a_right_password_does_not_count_as_a_failure(client):
    patient = make_patient()
    for _ in range(8):
        assert _sign_in_page(client, patient.username, PASSWORD).status_code == 302
        client.logout()


def test_sign_up_page_is_limited_per_address(client):
    for n in range(5):
        client.post(
            reverse("web:signup"),
            {"username": f"spam{n}", "email": "not-an-address"},
            REMOTE_ADDR="203.0.113.50",
        )
    accepted = []
    for n in range(6):
        client.logout()
        response = client.post(
            reverse("web:signup"),
            {
                "first_name": "Sam",
                "last_name": "Spam",
                "username": f"sam{n}",
                "email": f"sam{n}@example.com",
                "date_of_birth": "1990-01-01",
                "gender": "male",
                "contact_number": "",
                "password": "a-long-and-unusual-passphrase",
                "password_again": "a-long-and-unusual-passphrase",
            },
            REMOTE_ADDR="203.0.113.50",
        )
        accepted.append(response.status_code)

    assert accepted == [302] * 5 + [429]
    assert User.objects.filter(username__startswith="sam").count() == 5


def test_password_reset_page_is_limited_per_address(client, mailoutbox):
    make_patient(email="p@example.com")
    statuses = [
        client.post(
            reverse("web:password_reset"),
            {"email": "p@example.com"},
            REMOTE_ADDR="203.0.113.77",
        ).status_code
        for _ in range(6)
    ]

    assert statuses == [302] * 5 + [429]
