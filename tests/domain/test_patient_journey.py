"""The issue's finish line, through the HTTP API: register, verify, book, get the
confirmation and the reminder with calendar files, see a report, rate the visit,
and find each step in the audit trail."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from asgiref.sync import async_to_sync
from django.core import mail
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from icalendar import Calendar

from domain.models import Appointment, AuditLog, Report
from tests.conftest import bearer
from tests.factories import make_doctor, make_window
from tests.jobs import run_ready_jobs

pytestmark = pytest.mark.django_db

JSON = "application/json"
NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
NINE = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n%results\n"


def _calendar(message) -> Calendar:
    for part in message.message().walk():
        if part.get_content_type() == "text/calendar":
            return Calendar.from_ical(part.get_payload(decode=True))
    raise AssertionError("no calendar file attached")


def _streamed(response) -> bytes:
    async def collect():
        return b"".join([chunk async for chunk in response.streaming_content])

    return async_to_sync(collect)()


def test_register_verify_book_remind_report_and_rate(
    client, time_machine, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    time_machine.move_to(NOW, tick=False)
    monkeypatch.setattr(
        Report._meta.get_field("file"), "storage", FileSystemStorage(tmp_path)
    )
    doctor = make_doctor(time_zone="Europe/London")
    make_window(doctor, date(2027, 1, 6), "09:00", "12:00")

    with django_capture_on_commit_callbacks(execute=True):
        registered = client.post(
            "/api/v1/auth/register",
            {
                "username": "maria",
                "email": "maria@example.com",
                "password": "a-long-and-unusual-passphrase",
                "date_of_birth": "1988-02-03",
                "first_name": "Maria",
            },
            content_type=JSON,
        )
    run_ready_jobs()
    assert registered.status_code == 201
    tokens = client.post(
        "/api/v1/auth/token/pair",
        {"username": "maria", "password": "a-long-and-unusual-passphrase"},
        content_type=JSON,
    ).json()
    patient_auth = {"Authorization": f"Bearer {tokens['access']}"}
    booking = {"doctor_id": doctor.pk, "start": NINE.isoformat(), "reason": "Cough"}

    refused = client.post(
        "/api/v1/appointments", booking, content_type=JSON, headers=patient_auth
    )
    assert refused.json()["code"] == "email_not_verified"

    token = re.search(r"instead:\s+(\S+)", mail.outbox[0].body).group(1)
    verified = client.post(
        "/api/v1/auth/verify-email", {"token": token}, content_type=JSON
    )
    assert verified.json()["email_verified"] is True

    with django_capture_on_commit_callbacks(execute=True):
        booked = client.post(
            "/api/v1/appointments", booking, content_type=JSON, headers=patient_auth
        )
    run_ready_jobs()
    assert booked.status_code == 201
    appointment = Appointment.objects.get(pk=booked.json()["id"])
    confirmation = mail.outbox[1]
    assert confirmation.subject == "Your appointment is confirmed"
    assert _calendar(confirmation)["METHOD"] == "REQUEST"

    time_machine.move_to(NINE - timedelta(hours=23), tick=False)
    # Access tokens last minutes; later steps sign in again.
    patient_auth = bearer(appointment.patient)
    run_ready_jobs()
    reminder = mail.outbox[2]
    assert reminder.subject == "Reminder: your appointment tomorrow"
    appointment.refresh_from_db()
    assert appointment.reminder_sent is True
    ics = client.get(f"/api/v1/appointments/{appointment.pk}/ics", headers=patient_auth)
    assert (
        Calendar.from_ical(ics.content).walk("VEVENT")[0]["UID"]
        == (_calendar(reminder).walk("VEVENT")[0]["UID"])
    )

    time_machine.move_to(NINE + timedelta(minutes=40), tick=False)
    patient_auth = bearer(appointment.patient)
    doctor_auth = bearer(doctor.user)
    completed = client.post(
        f"/api/v1/appointments/{appointment.pk}/complete", headers=doctor_auth
    )
    assert completed.json()["status"] == "completed"
    uploaded = client.post(
        "/api/v1/reports",
        {
            "file": SimpleUploadedFile("results.pdf", PDF),
            "patient_id": str(appointment.patient_id),
            "appointment_id": str(appointment.pk),
            "kind": "lab",
        },
        headers=doctor_auth,
    )
    assert uploaded.status_code == 201
    listed = client.get("/api/v1/reports", headers=patient_auth).json()
    assert [item["id"] for item in listed["items"]] == [uploaded.json()["id"]]
    download = client.get(listed["items"][0]["download_path"], headers=patient_auth)
    assert _streamed(download) == PDF

    rated = client.post(
        "/api/v1/feedback",
        {"appointment_id": str(appointment.pk), "rating": 5, "comments": "Thorough."},
        content_type=JSON,
        headers=patient_auth,
    )
    assert rated.status_code == 201
    public = client.get(f"/api/v1/doctors/{doctor.pk}/feedback").json()
    assert public["items"][0]["author"] == "Maria"
    doctor.refresh_from_db()
    assert (doctor.rating, doctor.rating_count) == (5, 1)

    trail = list(
        AuditLog.objects.order_by("created_at", "pk").values_list("action", flat=True)
    )
    for step in (
        "account.registered",
        "auth.signed_in",
        "account.email_verified",
        "appointment.booked",
        "appointment.completed",
        "report.uploaded",
        "report.downloaded",
        "feedback.submitted",
    ):
        assert step in trail, step
