"""Importing appointment history: all rows or none, with bad lines named."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from domain.models import Appointment, AuditLog, DoctorProfile, User
from tests.factories import make_doctor, make_patient

pytestmark = pytest.mark.django_db

HEADER = (
    "doctor_ref,patient_ref,booked_at,scheduled_at,duration_minutes,status,"
    "specialization"
)


def _csv(tmp_path, *lines, header=HEADER):
    path = tmp_path / "history.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _import(path, *options):
    out, err = StringIO(), StringIO()
    call_command(
        "import_appointments",
        str(path),
        "--no-progress",
        *options,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


GOOD = [
    "drsmith,p001,2025-03-01T09:00:00+00:00,2025-03-10T09:00:00+00:00,30,completed,Cardiology",
    "drsmith,p002,2025-03-02T10:00:00+01:00,2025-03-10T09:30:00+00:00,30,no_show,",
    "drsmith,p001,2025-03-05T09:00:00+00:00,2025-03-11T09:00:00+00:00,20,cancelled,",
]


def test_unknown_people_become_inactive_imported_accounts_that_cannot_sign_in(
    tmp_path, client
):
    out, _ = _import(_csv(tmp_path, *GOOD))

    assert "imported 3 appointments" in out
    assert Appointment.objects.count() == 3
    doctor = DoctorProfile.objects.get(user__username="drsmith")
    assert doctor.specialization.name == "Cardiology"
    assert not doctor.is_active
    for user in User.objects.filter(username__in=["drsmith", "p001", "p002"]):
        assert user.imported
        assert not user.is_active
        assert not user.has_usable_password()
    no_show = Appointment.objects.get(status="no_show")
    assert no_show.booked_at == datetime(2025, 3, 2, 9, 0, tzinfo=UTC)
    assert no_show.end - no_show.start == timedelta(minutes=30)
    assert AuditLog.objects.filter(action="history.imported").count() == 1
    response = client.post(
        "/api/v1/auth/token/pair",
        {"username": "p001", "password": ""},
        content_type="application/json",
    )
    assert response.status_code in (401, 422)


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(tmp_path):
    path = _csv(
        tmp_path,
        GOOD[0],
        "drsmith,p003,yesterday,2025-03-10T10:00:00+00:00,30,completed,",
        "drsmith,p004,2025-03-01T09:00:00,2025-03-10T10:30:00+00:00,30,completed,",
        GOOD[1],
        "drsmith,p005,2025-03-01T09:00:00+00:00,2025-03-10T11:00:00+00:00,30,lost,",
        "drsmith,,2025-03-01T09:00:00+00:00,2025-03-10T11:30:00+00:00,0,completed,",
    )

    with pytest.raises(CommandError, match="4 bad row"):
        _import(path)

    assert not Appointment.objects.exists()
    assert not User.objects.exists()


def test_the_refusal_names_each_bad_line(tmp_path):
    path = _csv(
        tmp_path,
        GOOD[0],
        "drsmith,p004,2025-03-01T09:00:00,2025-03-10T10:30:00+00:00,30,completed,",
        "drsmith,p005,2025-03-01T09:00:00+00:00,2025-03-10T11:00:00+00:00,30,lost,",
    )
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_appointments", str(path), "--no-progress", stderr=err)

    assert "line 3: booked_at needs a UTC offset" in err.getvalue()
    assert "line 4: status must be one of" in err.getvalue()


def test_dry_run_validates_without_writing(tmp_path):
    out, _ = _import(_csv(tmp_path, *GOOD), "--dry-run")

    assert "would import 3 appointments" in out
    assert "new doctors: 1, new patients: 2" in out
    assert not Appointment.objects.exists()
    assert not User.objects.exists()


def test_existing_accounts_are_matched_ignoring_case(tmp_path):
    doctor = make_doctor(user_fields={"username": "DrJones"})
    patient = make_patient(username="Ann")
    path = _csv(
        tmp_path,
        "drjones,ann,2025-03-01T09:00:00+00:00,2025-03-10T09:00:00+00:00,30,completed,",
    )

    _import(path)

    appointment = Appointment.objects.get()
    assert appointment.doctor == doctor
    assert appointment.patient == patient
    assert User.objects.count() == 2


def test_a_patient_named_as_doctor_is_refused(tmp_path):
    make_patient(username="ann")
    path = _csv(
        tmp_path,
        "ann,p001,2025-03-01T09:00:00+00:00,2025-03-10T09:00:00+00:00,30,completed,",
    )

    with pytest.raises(CommandError):
        _import(path)

    assert not Appointment.objects.exists()


def test_a_live_row_overlapping_a_live_booking_is_refused(tmp_path):
    doctor = make_doctor(user_fields={"username": "drlive"})
    start = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
    Appointment.objects.create(
        doctor=doctor,
        patient=make_patient(),
        start=start,
        end=start + timedelta(minutes=30),
    )
    path = _csv(
        tmp_path,
        "drlive,p001,2029-12-01T09:00:00+00:00,2030-01-07T09:15:00+00:00,30,confirmed,",
    )

    with pytest.raises(CommandError):
        _import(path)

    assert Appointment.objects.count() == 1
    assert not User.objects.filter(username="p001").exists()


def test_a_file_without_the_required_columns_is_refused(tmp_path):
    path = _csv(tmp_path, "a,b", header="doctor_ref,patient_ref")

    with pytest.raises(CommandError, match="missing column"):
        _import(path)
