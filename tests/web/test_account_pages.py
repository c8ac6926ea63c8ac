"""E-mail verification, password reset, profile and photo pages."""

import io

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image

from domain.models import PatientProfile, User
from domain.services.verification import email_verification_token
from tests.factories import make_patient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_and_jobs(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }


def test_verification_link_shows_a_button_and_only_the_post_verifies(client):
    user = make_patient(email_verified=False)
    token = email_verification_token(user)

    page = client.get(reverse("web:verify_email"), {"token": token})
    user.refresh_from_db()
    assert page.status_code == 200
    assert user.email_verified is False

    client.post(reverse("web:verify_email"), {"token": token})
    user.refresh_from_db()
    assert user.email_verified is True


def test_a_forged_verification_token_is_refused(client):
    user = make_patient(email_verified=False)

    response = client.post(
        reverse("web:verify_email"), {"token": "forged"}, follow=True
    )

    assert "This verification link is invalid." in response.text
    user.refresh_from_db()
    assert user.email_verified is False


def test_unverified_patients_see_the_banner_and_can_resend(
    client, django_capture_on_commit_callbacks
):
    user = make_patient(email_verified=False)
    client.force_login(user)

    page = client.get(reverse("web:home"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("web:verify_email_resend"))

    assert "Please confirm your e-mail address" in page.text
    assert [m.to for m in mail.outbox] == [[user.email]]


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [("/appointments/", "/appointments/"), ("https://evil.example/", "/")],
)
def test_resend_goes_back_only_to_a_page_of_this_site(client, next_url, lands_on):
    client.force_login(make_patient(email_verified=False))

    response = client.post(reverse("web:verify_email_resend"), {"next": next_url})

    assert response.status_code == 302
    assert response.url == lands_on


def test_password_reset_mail_link_sets_a_new_password(
    client, django_capture_on_commit_callbacks
):
    user = make_patient(username="rosa")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("web:password_reset"), {"email": user.email})
    assert len(mail.outbox) == 1

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    response = client.post(
        reverse("web:password_reset_set"),
        {
            "uid": uid,
            "token": token,
            "password": "a-brand-new-passphrase",
            "password_again": "a-brand-new-passphrase",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-passphrase")


def test_password_reset_for_an_unknown_address_looks_the_same(client):
    response = client.post(
        reverse("web:password_reset"), {"email": "nobody@example.com"}, follow=True
    )

    assert "If an account uses this address" in response.text
    assert mail.outbox == []


def test_profile_changes_go_through_the_service(client):
    user = make_patient(first_name="Ana")
    client.force_login(user)

    response = client.post(
        reverse("web:profile"),
        {
            "first_name": "Anna",
            "last_name": "Berg",
            "date_of_birth": "1990-05-17",
            "gender": "female",
            "contact_number": "+44 20 7946 0001",
            "relative_contact_number": "",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    profile = PatientProfile.objects.get(user=user)
    assert (user.first_name, user.last_name) == ("Anna", "Berg")
    assert profile.contact_number == "+44 20 7946 0001"


def test_photo_upload_is_stored_and_served(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = make_patient()
    client.force_login(user)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (30, 120, 200)).save(buffer, format="PNG")
    buffer.name = "me.png"
    buffer.seek(0)

    client.post(reverse("web:photo"), {"photo": buffer})
    user.refresh_from_db()
    served = client.get(user.photo.url)

    assert user.photo
    assert served.status_code == 200


def test_only_photos_are_served_from_media(client):
    assert client.get("/media/photos/..%2Fprivate").status_code == 404
    assert client.get("/media/photos/missing.png").status_code == 404


def test_profile_page_needs_sign_in(client):
    response = client.get(reverse("web:profile"))

    assert response.status_code == 302
    assert User.objects.count() == 0
