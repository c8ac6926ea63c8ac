"""Fixtures for the Django side of forecasting: a small clinic with history."""

import random
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from domain.models import Appointment, WeeklyHours
from forecasting.models import ForecastModel
from tests.factories import make_doctor, make_patient


@pytest.fixture
def weights_storage(tmp_path, monkeypatch):
    """Keep model weights written by tests out of the real private folder."""
    field = ForecastModel._meta.get_field("weights")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=tmp_path))
    return tmp_path


@pytest.fixture
def clinic_with_history(db):
    """Two doctors working weekdays 9-13 (8 slots) with 150 days of bookings."""
    rng = random.Random(5)
    doctors = [make_doctor(time_zone="UTC") for _ in range(2)]
    patients = [make_patient() for _ in range(4)]
    for doctor in doctors:
        for weekday in range(5):
            WeeklyHours.objects.create(
                doctor=doctor, weekday=weekday, start_time=time(9), end_time=time(13)
            )
    today = timezone.now().date()
    rows = []
    for doctor in doctors:
        for offset in range(-150, 10):
            day = today + timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for slot in rng.sample(range(8), rng.randint(3, 8)):
                start = datetime.combine(day, time(9), tzinfo=UTC) + timedelta(
                    minutes=30 * slot
                )
                booked = start - timedelta(days=rng.randint(0, 12), hours=2)
                if booked > timezone.now():
                    continue
                rows.append(
                    Appointment(
                        doctor=doctor,
                        patient=rng.choice(patients),
                        start=start,
                        end=start + timedelta(minutes=30),
                        booked_at=booked,
                        status="completed" if offset < 0 else "confirmed",
                    )
                )
    # Patients may hold two live bookings at once here; drop those clashes.
    seen, unique = set(), []
    for row in rows:
        if (row.patient_id, row.start) not in seen:
            seen.add((row.patient_id, row.start))
            unique.append(row)
    Appointment.objects.bulk_create(unique)
    return doctors, patients


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 costs seconds per user on a loaded machine; these tests never sign in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
