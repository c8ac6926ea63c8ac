"""E-mail verification, password change and reset, through the HTTP API."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from ninja_jwt.tokens import RefreshToken

from domain.errors import PermissionDenied
from domain.models import AuditLog, User
from domain.permissions import require_email_verified
from domain.services.verification import email_verification_token
from tests.conftest import bearer
from tests.factories import PASSWORD, make_patient
from tests.jobs import run_ready_jobs

pytestmark = pytest.mark.django_db

JSON = "application/json"
NEW_PASSWORD = "an-entirely-new-passphrase-42"


def _token_from(message) -> str:
    return re.search(r"instead:\s+(\S+)", message.body).group(1)


def _register(client) -> User:
    response = client.post(
        "/api/v1/auth/register",
        {
            "username": "maria",
            "email": "maria@example.com",
            "password": "a-long-and-unusual-passphrase",
            "date_of_birth": "1988-02-03",
        },
        content_type=JSON,
    )
    assert response.status_code == 201
    return User.objects.get(username="maria")


def test_registration_mails_a_token_that_verifies_the_address(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = _register(client)
    run_ready_jobs()

    [message] = mail.outbox
    assert message.to == ["maria@example.com"]
    assert message.alternatives[0].mimetype == "text/html"
    response = client.post(
        "/api/v1/auth/verify-email", {"token": _token_from(message)}, content_type=JSON
    )

    assert response.status_code == 200
    assert response.json()["email_verified"] is True
    user.refresh_from_db()
    assert user.email_verified is True
    assert AuditLog.objects.filter(action="account.email_verified", actor=user).exists()


def test_expired_verification_token_is_refused(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    user = make_patient(email_verified=False)
    token = email_verification_token(user)
    time_machine.shift(timedelta(hours=72, seconds=1))

    response = client.post(
        "/api/v1/auth/verify-email", {"token": token}, content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == "token_expired"
    user.refresh_from_db()
    assert user.email_verified is False


@pytest.mark.parametrize("tamper", ["forged", "address-changed"])
def test_forged_token_or_one_for_an_old_address_is_refused(client, tamper):
    user = make_patient(email_verified=False)
    token = email_verification_token(user)
    if tamper == "forged":
        token = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    else:
        User.objects.filter(pk=user.pk).update(email="new@example.com")

    response = client.post(
        "/api/v1/auth/verify-email", {"token": token}, content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == "token_invalid"
    assert User.objects.get(pk=user.pk).email_verified is False


def test_resend_is_rate_limited(client, django_capture_on_commit_callbacks):
    user = make_patient(email_verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/api/v1/auth/verify-email/resend", headers=bearer(user))
        second = client.post("/api/v1/auth/verify-email/resend", headers=bearer(user))
    run_ready_jobs()

    assert first.status_code == 202
    assert second.status_code == 429
    assert second.json()["code"] == "throttled"
    assert second.json()["retry_after"] > 0
    assert len(mail.outbox) == 1
    assert AuditLog.objects.filter(action="account.verification_resent").count() == 1


def test_resend_for_a_verified_address_is_409(client):
    user = make_patient()

    response = client.post("/api/v1/auth/verify-email/resend", headers=bearer(user))

    assert response.status_code == 409


@pytest.mark.parametrize("mode", ["mandatory", "optional"])
def test_unverified_patients_may_not_book_unless_verification_is_optional(
    settings, mode
):
    settings.EMAIL_VERIFICATION = mode
    user = make_patient(email_verified=False)

    if mode == "mandatory":
        with pytest.raises(PermissionDenied) as refusal:
            require_email_verified(user)
        assert (refusal.value.status, refusal.value.code) == (403, "email_not_verified")
    else:
        require_email_verified(user)


# --- Passwords ---------------------------------------------------------------


def test_password_change_needs_the_current_password(client):
    user = make_patient()

    response = client.post(
        "/api/v1/auth/password/change",
        {"current_password": "wrong", "new_password": NEW_PASSWORD},
        content_type=JSON,
        headers=bearer(user),
    )

    assert response.status_code == 422
    assert response.json()["code"] == "wrong_password"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_sets_it_revokes_refresh_tokens_and_is_audited(client):
    user = make_patient()
    old_refresh = str(RefreshToken.for_user(user))

    response = client.post(
        "/api/v1/auth/password/change",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        content_type=JSON,
        headers=bearer(user),
    )

    assert response.status_code == 204
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    refreshed = client.post(
        "/api/v1/auth/token/refresh", {"refresh": old_refresh}, content_type=JSON
    )
    assert refreshed.status_code == 401
    assert AuditLog.objects.filter(action="account.password_changed").count() == 1


def test_weak_new_password_is_refused(client):
    user = make_patient()

    response = client.post(
        "/api/v1/auth/password/change",
        {"current_password": PASSWORD, "new_password": "12345678"},
        content_type=JSON,
        headers=bearer(user),
    )

    assert response.status_code == 422
    assert response.json()["field"] == "new_password"


def test_password_reset_by_mail_works_once(client, django_capture_on_commit_callbacks):
    user = make_patient(email="ann@example.com", email_verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/auth/password/reset",
            {"email": "ANN@example.com"},
            content_type=JSON,
        )
    run_ready_jobs()

    assert response.status_code == 202
    [message] = mail.outbox
    uid = re.search(r'uid "([^"]+)"', message.body).group(1)
    token = re.search(r'token "([^"]+)"', message.body).group(1)
    body = {"uid": uid, "token": token, "new_password": NEW_PASSWORD}
    first = client.post("/api/v1/auth/password/reset/confirm", body, content_type=JSON)
    again = client.post(
        "/api/v1/auth/password/reset/confirm",
        body | {"new_password": "yet-another-passphrase-7"},
        content_type=JSON,
    )

    assert first.status_code == 204
    assert again.status_code == 400
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.email_verified is True
    assert AuditLog.objects.filter(action="account.password_reset", actor=user).exists()


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/auth/password/reset",
            {"email": "nobody@example.com"},
            content_type=JSON,
        )
    run_ready_jobs()

    assert response.status_code == 202
    assert mail.outbox == []


@pytest.mark.parametrize("uid", ["not-base64!", "bm90LWEtdXVpZA"])
def test_reset_confirm_with_a_bad_uid_is_400(client, uid):
    response = client.post(
        "/api/v1/auth/password/reset/confirm",
        {"uid": uid, "token": "abc-def", "new_password": NEW_PASSWORD},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["code"] == "token_invalid"
