"""Private reports: who may upload, list and download them, and what is accepted."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from domain.models import AuditLog, Report
from tests.conftest import bearer
from tests.factories import make_appointment, make_doctor, make_patient

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 32


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    monkeypatch.setattr(Report._meta.get_field("file"), "storage", storage)
    return storage


def _upload(client, user, content=PDF, name="blood test.pdf", **fields):
    data = {"file": SimpleUploadedFile(name, content), "kind": "lab", **fields}
    return client.post(REPORTS, data, headers=bearer(user))


def _download(client, user, report_id):
    return client.get(f"{REPORTS}/{report_id}/download", headers=bearer(user))


def _body(response) -> bytes:
    async def collect():
        return b"".join([chunk async for chunk in response.streaming_content])

    return async_to_sync(collect)()


def test_patient_uploads_their_own_report_under_a_random_name(
    client, patient, private_storage
):
    response = _upload(client, patient)

    assert response.status_code == 201
    body = response.json()
    report = Report.objects.get(pk=body["id"])
    assert report.patient == patient
    assert report.content_type == "application/pdf"
    assert report.original_name == "blood test.pdf"
    assert "blood" not in report.file.name
    assert report.file.name.endswith(".pdf")
    assert private_storage.exists(report.file.name)
    assert body["download_path"] == f"/api/v1/reports/{report.pk}/download"
    assert "url" not in body
    assert AuditLog.objects.filter(
        action="report.uploaded", target_id=str(report.pk)
    ).exists()


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(PNG, "image/png"), (JPEG, "image/jpeg")],
)
def test_type_is_taken_from_the_content_not_the_name(
    client, patient, content, content_type
):
    response = _upload(client, patient, content=content, name="scan.pdf")

    assert response.status_code == 201
    assert response.json()["content_type"] == content_type


@pytest.mark.parametrize(
    "content",
    [b"GIF89a" + b"\0" * 20, b"<html><script>alert(1)</script>", b"MZ\x90\0"],
    ids=["gif", "html", "exe"],
)
def test_wrong_file_type_is_415_and_nothing_is_stored(
    client, patient, content, private_storage
):
    response = _upload(client, patient, content=content, name="report.pdf")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_file_type"
    assert not Report.objects.exists()
    assert (
        not private_storage.exists("reports")
        or not private_storage.listdir("reports")[1]
    )


def test_too_large_file_is_413(client, patient, settings):
    settings.REPORT_MAX_BYTES = 100

    response = _upload(client, patient, content=PDF + b"\0" * 200)

    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert not Report.objects.exists()


def test_treating_doctor_uploads_for_their_patient(client):
    appointment = make_appointment()

    response = _upload(
        client,
        appointment.doctor.user,
        patient_id=str(appointment.patient_id),
        appointment_id=str(appointment.pk),
    )

    assert response.status_code == 201
    report = Report.objects.get()
    assert report.doctor == appointment.doctor
    assert report.uploaded_by == appointment.doctor.user


@pytest.mark.parametrize("uploader", ["other-doctor", "other-patient"])
def test_upload_for_a_patient_one_does_not_treat_is_404(client, uploader):
    patient = make_patient()
    user = make_doctor().user if uploader == "other-doctor" else make_patient()

    response = _upload(client, user, patient_id=str(patient.pk))

    assert response.status_code == 404
    assert not Report.objects.exists()


def test_patient_downloads_the_exact_bytes_and_it_is_audited(client, patient):
    report_id = _upload(client, patient).json()["id"]

    response = _download(client, patient, report_id)

    assert response.status_code == 200
    assert _body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert AuditLog.objects.filter(
        action="report.downloaded", actor=patient, target_id=report_id
    ).exists()


def test_uploader_treating_doctor_and_admin_may_download(client, admin_user):
    appointment = make_appointment()
    uploader = make_doctor()
    make_appointment(
        doctor=uploader,
        patient=appointment.patient,
        start=appointment.start + timedelta(days=1),
    )
    report_id = _upload(
        client, uploader.user, patient_id=str(appointment.patient_id)
    ).json()["id"]

    for user in (uploader.user, appointment.doctor.user, admin_user):
        response = _download(client, user, report_id)
        assert response.status_code == 200
        assert _body(response) == PDF


@pytest.mark.parametrize("stranger", ["patient", "doctor", "doctor-cancelled-only"])
def test_download_by_a_stranger_is_404_and_not_audited(client, patient, stranger):
    report_id = _upload(client, patient).json()["id"]
    if stranger == "patient":
        user = make_patient()
    elif stranger == "doctor":
        user = make_doctor().user
    else:
        user = make_appointment(patient=patient, status="cancelled").doctor.user

    response = _download(client, user, report_id)

    assert response.status_code == 404
    assert not AuditLog.objects.filter(action="report.downloaded").exists()


def test_listing_shows_only_what_the_caller_may_see(client, admin_user):
    mine = make_patient()
    other = make_patient()
    doctor = make_doctor()
    make_appointment(doctor=doctor, patient=mine)
    _upload(client, mine)
    _upload(client, other)

    def ids(user):
        response = client.get(REPORTS, headers=bearer(user))
        assert response.status_code == 200
        return {item["patient_id"] for item in response.json()["items"]}

    assert ids(mine) == {str(mine.pk)}
    assert ids(doctor.user) == {str(mine.pk)}
    assert ids(admin_user) == {str(mine.pk), str(other.pk)}
    assert ids(make_doctor().user) == set()
