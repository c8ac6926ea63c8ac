"""Rate limits on sign-in, sign-up and the limiter itself."""

import asyncio
from datetime import UTC, datetime

import pytest
import time_machine

from domain.api.ratelimit import Bucket, Rate, limits_consume
from domain.errors import RateLimited
from domain.models import Appointment, AuditLog, User
from tests.conftest import bearer
from tests.factories import PASSWORD, make_doctor, make_patient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _still_clock():
    # Counters are per fixed window; a slow run must not cross a window edge.
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC), tick=False):
        yield


PAIR = "/api/v1/auth/token/pair"
REGISTER = "/api/v1/auth/register"


def _sign_in(client, username, password, ip="203.0.113.9"):
    return client.post(
        PAIR,
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def test_sixth_failed_sign_in_within_a_minute_is_429_even_with_the_right_password(
    client,
):
    patient = make_patient()
    for _ in range(5):
        assert _sign_in(client, patient.username, "wrong").status_code == 401

    response = _sign_in(client, patient.username, PASSWORD)

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert set(response.json()) == {"detail", "code"}
    assert 1 <= int(response["Retry-After"]) <= 61
    assert not AuditLog.objects.filter(action="auth.signed_in").exists()


def test_account_limit_holds_across_addresses(client):
    patient = make_patient()
    for n in range(5):
        _sign_in(client, patient.username, "wrong", ip=f"198.51.100.{n}")

    response = _sign_in(client, patient.username, PASSWORD, ip="198.51.100.99")

    assert response.status_code == 429


def test_successful_sign_ins_do_not_use_up_the_limit(client):
    patient = make_patient()

    statuses = {
        _sign_in(client, patient.username, PASSWORD).status_code for _ in range(7)
    }

    assert statuses == {200}


def test_one_address_guessing_many_accounts_is_limited_per_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": "3/h"}
    for n in range(3):
        assert _sign_in(client, f"guess{n}", "wrong").status_code == 401

    assert _sign_in(client, "guess-next", "wrong").status_code == 429
    # Another address is unaffected.
    assert _sign_in(client, "guess-next", "wrong", ip="192.0.2.1").status_code == 401


def test_the_window_ends_and_sign_in_works_again(client):
    patient = make_patient()
    with time_machine.travel(
        datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC), tick=False
    ) as clock:
        for _ in range(5):
            _sign_in(client, patient.username, "wrong")
        refused = _sign_in(client, patient.username, PASSWORD)
        assert refused.status_code == 429
        assert refused["Retry-After"] == "56"

        clock.shift(56)

        assert _sign_in(client, patient.username, PASSWORD).status_code == 200


def test_registration_is_limited_per_address_and_nothing_is_created(client):
    def register(n):
        return client.post(
            REGISTER,
            {
                "username": f"new{n}",
                "email": f"new{n}@example.com",
                "password": "a-long-and-unusual-passphrase",
                "date_of_birth": "1990-01-01",
            },
            content_type="application/json",
            REMOTE_ADDR="203.0.113.50",
        )

    assert [register(n).status_code for n in range(5)] == [201] * 5

    refused = register(5)

    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert not User.objects.filter(username="new5").exists()


def test_ratelimit_enable_off_turns_every_limit_off(client, settings):
    settings.RATELIMIT_ENABLE = False
    patient = make_patient()
    for _ in range(8):
        _sign_in(client, patient.username, "wrong")

    assert _sign_in(client, patient.username, PASSWORD).status_code == 200


def test_a_cache_outage_lets_requests_through(client, settings):
    # Changing CACHES makes Django drop its cache connections (and again when
    # the fixture restores it), so this points the limiter at a closed port.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account": "1/h"}
    patient = make_patient()
    _sign_in(client, patient.username, "wrong")
    _sign_in(client, patient.username, "wrong")

    assert _sign_in(client, patient.username, PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("text", "rate"),
    [("5/m", Rate(5, 60)), ("20/10m", Rate(20, 600)), ("3/h", Rate(3, 3600))],
)
def test_rates_parse(text, rate):
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["5", "x/m", "5/w", "5/"])
def test_malformed_rates_are_refused(text):
    with pytest.raises(ValueError):
        Rate.parse(text)


def test_concurrent_attempts_never_exceed_the_limit(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "booking_patient": "10/m"}
    bucket = Bucket("booking_patient", "patient-1")

    async def attempt():
        try:
            await limits_consume(bucket)
            return True
        except RateLimited:
            return False

    async def burst():
        return await asyncio.gather(*(attempt() for _ in range(25)))

    assert sum(asyncio.run(burst())) == 10


def test_password_reset_requests_are_limited_per_address(client):
    def request_reset(n):
        return client.post(
            "/api/v1/auth/password/reset",
            {"email": f"someone{n}@example.com"},
            content_type="application/json",
            REMOTE_ADDR="203.0.113.77",
        )

    assert [request_reset(n).status_code for n in range(5)] == [202] * 5

    refused = request_reset(5)

    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"


def test_booking_bursts_are_limited_per_patient(client):
    patient = make_patient()
    doctor = make_doctor()

    def book(minute):
        return client.post(
            "/api/v1/appointments",
            {"doctor_id": doctor.pk, "start": f"2026-03-20T09:{minute:02d}:00+00:00"},
            content_type="application/json",
            headers=bearer(patient),
        )

    # Ten attempts (none of them a real slot) use up the minute's allowance.
    assert {book(n).status_code for n in range(10)} == {422}

    refused = book(11)

    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert not Appointment.objects.exists()
