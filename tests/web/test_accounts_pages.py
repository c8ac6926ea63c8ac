"""Sign-up, sign-in and sign-out pages."""

import pytest
from django.urls import reverse

from domain.models import AuditLog, PatientProfile, User
from tests.factories import PASSWORD, make_patient

pytestmark = pytest.mark.django_db


def _signup(**overrides):
    data = {
        "first_name": "Maria",
        "last_name": "Lopez",
        "username": "maria",
        "email": "maria@example.com",
        "date_of_birth": "1988-02-03",
        "gender": "female",
        "contact_number": "",
        "password": "a-long-and-unusual-passphrase",
        "password_again": "a-long-and-unusual-passphrase",
    }
    data.update(overrides)
    return data


def test_signup_creates_an_unverified_patient_and_signs_in(client):
    response = client.post(reverse("web:signup"), _signup())

    assert response.status_code == 302
    user = User.objects.get(username="maria")
    assert user.email_verified is False
    assert PatientProfile.objects.filter(user=user, gender="female").exists()
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_shows_the_services_refusal_on_the_field(client):
    make_patient(username="maria")

    response = client.post(reverse("web:signup"), _signup(email="new@example.com"))

    assert response.status_code == 200
    assert "This username is already taken." in response.text
    assert User.objects.filter(username__iexact="maria").count() == 1


def test_signup_refuses_a_weak_password_without_creating_anyone(client):
    response = client.post(
        reverse("web:signup"), _signup(password="password", password_again="password")
    )

    assert response.status_code == 200
    assert "too common" in response.text
    assert not User.objects.filter(username="maria").exists()


def test_signup_refuses_mismatched_passwords(client):
    response = client.post(
        reverse("web:signup"), _signup(password_again="something-else-entirely")
    )

    assert "The two passwords differ." in response.text
    assert not User.objects.exists()


def test_signup_form_requires_csrf_token():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("web:signup"), _signup())

    assert response.status_code == 403
    assert not User.objects.exists()


def test_sign_in_with_session_writes_the_audit_row(client):
    user = make_patient(username="omar")

    response = client.post(
        reverse("web:login"), {"username": "OMAR", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditLog.objects.filter(action="auth.signed_in", actor=user).exists()


def test_wrong_password_is_refused_and_audited(client):
    make_patient(username="omar")

    response = client.post(
        reverse("web:login"), {"username": "omar", "password": "nope"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="auth.sign_in_failed").count() == 1


def test_imported_account_cannot_sign_in(client):
    make_patient(username="old", imported=True)

    response = client.post(
        reverse("web:login"), {"username": "old", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post_that_ends_the_session(client):
    client.force_login(make_patient())

    response = client.post(reverse("web:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
