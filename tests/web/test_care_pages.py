"""Rating a visit, calendar files and reports, as pages."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from domain.models import AppointmentStatus, AuditLog, Feedback, Report
from tests.factories import make_appointment, make_doctor, make_patient

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def doctor():
    return make_doctor()


@pytest.fixture
def visit(doctor):
    return make_appointment(
        doctor=doctor,
        patient=make_patient(),
        start=datetime.now(UTC) - timedelta(days=2),
        status=AppointmentStatus.COMPLETED,
    )


def test_patient_rates_a_completed_visit_once(client, visit):
    client.force_login(visit.patient)
    url = reverse("web:appointment_rate", args=[visit.pk])

    client.post(url, {"rating": "4", "comments": "Kind and clear"})
    again = client.post(url, {"rating": "1"}, follow=True)

    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.comments) == (4, "Kind and clear")
    assert Feedback.objects.count() == 1
    assert again.status_code == 200


def test_calendar_file_only_for_people_who_may_see_the_visit(client, visit):
    client.force_login(visit.patient)
    own = client.get(reverse("web:appointment_ics", args=[visit.pk]))
    client.force_login(make_patient())
    other = client.get(reverse("web:appointment_ics", args=[visit.pk]))

    assert own.status_code == 200
    assert own["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in own.content
    assert other.status_code == 404


def test_doctor_uploads_a_report_the_patient_downloads(client, visit, doctor):
    client.force_login(doctor.user)
    client.post(
        reverse("web:report_new"),
        {
            "patient": str(visit.patient_id),
            "kind": "lab",
            "description": "Blood count",
            "file": SimpleUploadedFile("blood.pdf", PDF, "application/pdf"),
        },
    )
    report = Report.objects.get()

    client.force_login(visit.patient)
    listed = client.get(reverse("web:appointments"))
    download = client.get(reverse("web:report", args=[report.pk]))

    assert "blood.pdf" in listed.text
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert AuditLog.objects.filter(action="report.downloaded").count() == 1


def test_a_doctor_cannot_upload_for_someone_they_do_not_treat(client, doctor):
    stranger = make_patient()
    client.force_login(doctor.user)

    response = client.post(
        reverse("web:report_new"),
        {
            "patient": str(stranger.pk),
            "kind": "lab",
            "file": SimpleUploadedFile("x.pdf", PDF, "application/pdf"),
        },
    )

    assert response.status_code == 200
    assert not Report.objects.exists()


def test_someone_elses_report_is_404(client, visit, doctor):
    client.force_login(doctor.user)
    client.post(
        reverse("web:report_new"),
        {
            "patient": str(visit.patient_id),
            "kind": "lab",
            "file": SimpleUploadedFile("blood.pdf", PDF, "application/pdf"),
        },
    )
    report = Report.objects.get()
    client.force_login(make_patient())

    assert client.get(reverse("web:report", args=[report.pk])).status_code == 404
