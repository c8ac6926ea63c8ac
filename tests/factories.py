"""Small factories: each builds a valid object with overridable fields."""

import itertools
from datetime import date

from domain.models import (
    Appointment,
    DoctorProfile,
    PatientProfile,
    Role,
    Specialization,
    User,
)

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


def make_user(
    *, username: str | None = None, role: str = Role.PATIENT, **fields
) -> User:
    n = next(_counter)
    username = username or f"user{n}"
    fields.setdefault("email", f"{username}@example.com")
    fields.setdefault("email_verified", True)
    user = User(username=username, role=role, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_patient(**fields) -> User:
    dob = fields.pop("date_of_birth", date(1990, 5, 17))
    user = make_user(role=Role.PATIENT, **fields)
    PatientProfile.objects.create(user=user, date_of_birth=dob)
    return user


def make_specialization(name: str = "General Practice") -> Specialization:
    specialization, _ = Specialization.objects.get_or_create(name=name)
    return specialization


def make_doctor(*, user_fields: dict | None = None, **profile) -> DoctorProfile:
    n = next(_counter)
    user = make_user(
        role=Role.DOCTOR,
        **{"first_name": "Ada", "last_name": f"Doctor{n}", **(user_fields or {})},
    )
    profile.setdefault("specialization", make_specialization())
    profile.setdefault("license_number", f"LIC-{n:05d}")
    profile.setdefault("time_zone", "Europe/London")
    return DoctorProfile.objects.create(user=user, **profile)


def make_appointment(
    *, doctor: DoctorProfile, patient: User, start, minutes: int = 30, **fields
) -> Appointment:
    from datetime import timedelta

    fields.setdefault("booked_at", start - timedelta(days=3))
    return Appointment.objects.create(
        doctor=doctor,
        patient=patient,
        start=start,
        end=start + timedelta(minutes=minutes),
        **fields,
    )
