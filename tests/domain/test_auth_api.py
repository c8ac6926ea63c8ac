"""Sign-up, tokens and the caller's own record through the HTTP API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domain.models import AuditLog, PatientProfile, User
from tests.conftest import bearer
from tests.factories import PASSWORD, make_patient

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register"


def _registration(**overrides):
    body = {
        "username": "maria",
        "email": "maria@example.com",
        "password": "a-long-and-unusual-passphrase",
        "date_of_birth": "1988-02-03",
        "first_name": "Maria",
        "last_name": "Lopez",
        "gender": "female",
        "contact_number": "+44 20 7946 0000",
    }
    body.update(overrides)
    return body


def test_registration_creates_an_unverified_patient_with_profile(client):
    response = client.post(REGISTER, _registration(), content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    assert body["role"] == "patient"
    assert body["email_verified"] is False
    user = User.objects.get(username="maria")
    assert user.password.startswith("argon2")
    assert PatientProfile.objects.filter(user=user, gender="female").exists()
    assert AuditLog.objects.filter(action="account.registered", actor=user).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("username", "MARIA"), ("email", "Maria@Example.COM")],
)
def test_duplicate_username_or_email_is_409_ignoring_case(client, field, value):
    client.post(REGISTER, _registration(), content_type="application/json")

    response = client.post(
        REGISTER,
        _registration(
            contact_number=None,
            **{"username": "other", "email": "o@example.com"} | {field: value},
        ),
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == f"{field}_taken"
    assert User.objects.count() == 1


def test_weak_password_is_422_naming_the_field(client):
    response = client.post(
        REGISTER, _registration(password="password"), content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["field"] == "password"
    assert not User.objects.exists()


def test_future_birth_date_is_refused(client):
    response = client.post(
        REGISTER,
        _registration(date_of_birth="2999-01-01"),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["field"] == "date_of_birth"


def test_malformed_body_keeps_ninja_field_errors(client):
    response = client.post(REGISTER, {"username": "x"}, content_type="application/json")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert isinstance(body["detail"], list)
    assert any("email" in str(error["loc"]) for error in body["detail"])


def test_token_pair_refresh_and_me(client):
    user = make_patient(username="tom")

    pair = client.post(
        "/api/v1/auth/token/pair",
        {"username": "TOM", "password": PASSWORD},
        content_type="application/json",
    )
    assert pair.status_code == 200
    tokens = pair.json()

    me = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {tokens['access']}"}
    )
    assert me.status_code == 200
    assert me.json()["id"] == str(user.pk)

    refreshed = client.post(
        "/api/v1/auth/token/refresh",
        {"refresh": tokens["refresh"]},
        content_type="application/json",
    )
    assert refreshed.status_code == 200
    assert refreshed.json()["refresh"] != tokens["refresh"]

    # The rotated-out refresh token is revoked.
    replay = client.post(
        "/api/v1/auth/token/refresh",
        {"refresh": tokens["refresh"]},
        content_type="application/json",
    )
    assert replay.status_code == 401
    assert replay.json()["code"] == "token_invalid"


def test_wrong_password_is_401_and_audited(client):
    make_patient(username="tom")

    response = client.post(
        "/api/v1/auth/token/pair",
        {"username": "tom", "password": "nope"},
        content_type="application/json",
    )

    assert response.status_code == 401
    assert response.json() == {
        "detail": "No active account with these credentials.",
        "code": "invalid_credentials",
    }
    assert AuditLog.objects.filter(action="auth.sign_in_failed").count() == 1


def test_me_without_token_is_401_in_the_error_shape(client):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_me_with_garbage_token_is_401(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"})

    assert response.status_code == 401


def test_me_reports_the_doctor_id_for_doctors(client, doctor):
    response = client.get("/api/v1/me", headers=bearer(doctor.user))

    assert response.json()["role"] == "doctor"
    assert response.json()["doctor_id"] == doctor.pk


def test_sign_in_finds_the_user_through_the_case_insensitive_index(client):
    make_patient(username="Ines.Quinn")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/auth/token/pair",
            {"username": "ines.QUINN", "password": PASSWORD},
            content_type="application/json",
        )

    assert response.status_code == 200
    lookup = next(q["sql"] for q in queries if 'FROM "domain_user"' in q["sql"])
    # LOWER(username), as the unique index is built; iexact's UPPER() is not.
    assert 'LOWER("domain_user"."username")' in lookup
