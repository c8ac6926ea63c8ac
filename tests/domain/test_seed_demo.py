"""The seed_demo command: loads once, refuses to duplicate, and resets."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Avg, Count

from domain.models import (
    Appointment,
    Availability,
    DoctorProfile,
    Feedback,
    PatientProfile,
    User,
)
from domain.services.demo import ADMIN_PASSWORD

pytestmark = pytest.mark.django_db

SMALL = {"doctors": 3, "patients": 40, "days": 21}


def _seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **SMALL, **options)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            DoctorProfile,
            PatientProfile,
            Availability,
            Appointment,
            Feedback,
        )
    }


def test_seed_demo_loads_a_verified_clinic_and_prints_the_admin_login():
    output = _seed()

    admin = User.objects.get(username="admin")
    assert admin.role == "admin" and admin.is_superuser and admin.is_staff
    assert admin.check_password(ADMIN_PASSWORD)
    assert ADMIN_PASSWORD in output
    assert DoctorProfile.objects.count() == 3
    assert PatientProfile.objects.count() == 40
    assert not User.objects.filter(email_verified=False).exists()
    assert Availability.objects.exists()
    assert Appointment.objects.filter(status="completed").exists()
    assert Appointment.objects.filter(status__in=["confirmed", "pending"]).exists()
    for doctor in DoctorProfile.objects.annotate(
        mean=Avg("feedback__rating"), n=Count("feedback")
    ):
        assert doctor.rating_count == doctor.n
        if doctor.n:
            assert abs(float(doctor.rating) - doctor.mean) < 0.01


def test_running_seed_demo_twice_does_not_duplicate_anything():
    _seed()
    before = _counts()

    output = _seed()

    assert "already loaded" in output
    assert _counts() == before


def test_reset_replaces_the_demo_clinic_and_keeps_other_accounts():
    _seed()
    User.objects.create_user("outsider", "outsider@example.com", "x-long-passphrase")

    _seed(reset=True)

    assert DoctorProfile.objects.count() == 3
    assert PatientProfile.objects.count() == 40
    assert User.objects.filter(username="outsider").exists()
    assert User.objects.filter(username__iexact="admin").count() == 1


def test_an_existing_admin_account_is_kept():
    User.objects.create_superuser("admin", "boss@example.com", "own-secret-pass")

    output = _seed()

    admin = User.objects.get(username="admin")
    assert admin.check_password("own-secret-pass")
    assert "already existed" in output
