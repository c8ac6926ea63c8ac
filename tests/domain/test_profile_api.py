"""Patients and doctors reading and editing their own profile and photo."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from domain.models import AuditLog, PatientProfile, User
from tests.conftest import bearer
from tests.factories import make_patient

pytestmark = pytest.mark.django_db

PROFILE = "/api/v1/me/profile"
PHOTO = "/api/v1/me/profile/photo"
JSON = "application/json"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _image(fmt: str = "PNG", size=(2000, 1000), mode="RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (10, 120, 200, 128) if mode == "RGBA" else "red").save(
        buffer, format=fmt
    )
    return buffer.getvalue()


def test_patient_reads_and_updates_their_profile(client, patient):
    response = client.patch(
        PROFILE,
        {"first_name": "Maria", "gender": "female", "contact_number": "+44 1234 5678"},
        content_type=JSON,
        headers=bearer(patient),
    )

    assert response.status_code == 200
    body = client.get(PROFILE, headers=bearer(patient)).json()
    assert body["first_name"] == "Maria"
    assert body["patient"]["gender"] == "female"
    assert body["doctor"] is None
    profile = PatientProfile.objects.get(user=patient)
    assert profile.contact_number == "+44 1234 5678"
    audit = AuditLog.objects.get(action="profile.updated")
    assert audit.detail == {"fields": ["contact_number", "first_name", "gender"]}


def test_contact_number_of_another_patient_is_409(client, patient):
    other = make_patient()
    PatientProfile.objects.filter(user=other).update(contact_number="+1 555 0100")

    response = client.patch(
        PROFILE,
        {"contact_number": "+1 555 0100"},
        content_type=JSON,
        headers=bearer(patient),
    )

    assert response.status_code == 409
    assert PatientProfile.objects.get(user=patient).contact_number is None


def test_doctor_updates_their_biography_but_not_patient_fields(client, doctor):
    ok = client.patch(
        PROFILE,
        {"description": "Twenty years in family medicine.", "degree": "MD"},
        content_type=JSON,
        headers=bearer(doctor.user),
    )
    refused = client.patch(
        PROFILE, {"gender": "male"}, content_type=JSON, headers=bearer(doctor.user)
    )

    assert ok.status_code == 200
    assert ok.json()["doctor"]["degree"] == "MD"
    assert refused.status_code == 422
    doctor.refresh_from_db()
    assert doctor.description == "Twenty years in family medicine."


def test_photo_is_resized_re_encoded_and_audited(client, patient):
    upload = SimpleUploadedFile("me.png", _image(), content_type="image/png")

    response = client.post(PHOTO, {"photo": upload}, headers=bearer(patient))

    assert response.status_code == 200
    assert response.json()["photo_url"].endswith(".jpg")
    patient.refresh_from_db()
    with patient.photo.open("rb") as stored:
        image = Image.open(stored)
        assert image.format == "JPEG"
        assert max(image.size) == 512
    assert AuditLog.objects.filter(action="profile.photo_updated").exists()


def test_replacing_the_photo_deletes_the_old_file(
    client, patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            PHOTO,
            {"photo": SimpleUploadedFile("a.jpg", _image("JPEG", mode="RGB"))},
            headers=bearer(patient),
        )
        first = User.objects.get(pk=patient.pk).photo
        client.post(
            PHOTO,
            {"photo": SimpleUploadedFile("b.jpg", _image("JPEG", mode="RGB"))},
            headers=bearer(patient),
        )

    assert not first.storage.exists(first.name)
    assert User.objects.get(pk=patient.pk).photo.name != first.name


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"%PDF-1.7 not an image", 415, "unsupported_file_type"),
        (_image("GIF", mode="RGB"), 415, "unsupported_file_type"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, 415, "unsupported_file_type"),
    ],
    ids=["pdf", "gif", "truncated-png"],
)
def test_photo_that_is_not_a_supported_image_is_refused(
    client, patient, content, status, code
):
    upload = SimpleUploadedFile("me.png", content, content_type="image/png")

    response = client.post(PHOTO, {"photo": upload}, headers=bearer(patient))

    assert response.status_code == status
    assert response.json()["code"] == code
    patient.refresh_from_db()
    assert not patient.photo


def test_photo_over_the_size_limit_is_413(client, patient, settings):
    settings.PROFILE_PHOTO_MAX_BYTES = 1000
    upload = SimpleUploadedFile("me.png", _image(), content_type="image/png")

    response = client.post(PHOTO, {"photo": upload}, headers=bearer(patient))

    assert response.status_code == 413
    patient.refresh_from_db()
    assert not patient.photo


def test_removing_the_photo(client, patient):
    client.post(
        PHOTO,
        {"photo": SimpleUploadedFile("a.png", _image())},
        headers=bearer(patient),
    )

    response = client.delete(PHOTO, headers=bearer(patient))

    assert response.status_code == 200
    assert response.json()["photo_url"] is None
    assert AuditLog.objects.filter(action="profile.photo_removed").exists()


def test_profile_needs_sign_in(client):
    assert client.get(PROFILE).status_code == 401
