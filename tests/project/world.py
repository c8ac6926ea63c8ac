"""The shared world of the API-wide tests: one of every record, and who owns it.

``patient_own`` and ``doctor_own`` share a completed visit (with a report on
it) and a pending one in three days; ``doctor_own`` has a free morning ten
days ahead, weekly hours and time off, and ``patient_own`` holds a waitlist
offer of 10:30 that morning. ``patient_other``, ``doctor_other`` and an admin
stand beside them. The permission matrix and the schema fuzzer both start
from it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from domain.models import AppointmentStatus, Report, Role, TimeOff, WeeklyHours
from tests.factories import (
    make_appointment,
    make_doctor,
    make_offer,
    make_patient,
    make_user,
    make_window,
)


@dataclass
class World:
    users: dict[str, Any]
    doctor: Any
    appointment: Any
    report: Any
    upcoming: Any
    window: Any
    hours: Any
    time_off: Any
    free_day: date
    offer: Any
    counter: list[int] = field(default_factory=lambda: [0])

    def unique(self, prefix: str) -> str:
        self.counter[0] += 1
        return f"{prefix}{self.counter[0]}"


def build_world(tmp_path, settings, monkeypatch) -> World:
    """Create the world, with uploaded files kept under ``tmp_path``."""
    settings.MEDIA_ROOT = tmp_path / "media"
    private = FileSystemStorage(location=tmp_path / "private", base_url=None)
    monkeypatch.setattr(Report._meta.get_field("file"), "storage", private)
    doctor = make_doctor()
    users = {
        "patient_own": make_patient(),
        "patient_other": make_patient(),
        "doctor_own": doctor.user,
        "doctor_other": make_doctor().user,
        "admin": make_user(role=Role.ADMIN, is_staff=True, is_superuser=True),
    }
    appointment = make_appointment(
        patient=users["patient_own"], doctor=doctor, status=AppointmentStatus.COMPLETED
    )
    report = Report.objects.create(
        patient=users["patient_own"],
        doctor=doctor,
        appointment=appointment,
        uploaded_by=doctor.user,
        kind="lab",
        file=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n"),
        original_name="r.pdf",
        content_type="application/pdf",
        size=14,
    )
    upcoming = make_appointment(
        patient=users["patient_own"], doctor=doctor, status=AppointmentStatus.PENDING
    )
    free_day = timezone.localdate() + timedelta(days=10)
    return World(
        users=users,
        doctor=doctor,
        appointment=appointment,
        report=report,
        upcoming=upcoming,
        window=make_window(doctor, free_day, "09:00", "12:00"),
        hours=WeeklyHours.objects.create(
            doctor=doctor, weekday=0, start_time=time(14), end_time=time(17)
        ),
        time_off=TimeOff.objects.create(
            doctor=doctor,
            start=timezone.now() + timedelta(days=20),
            end=timezone.now() + timedelta(days=21),
        ),
        free_day=free_day,
        offer=make_offer(
            doctor=doctor,
            patient=users["patient_own"],
            start=datetime.combine(free_day, time(10, 30), ZoneInfo(doctor.time_zone)),
        ),
    )
