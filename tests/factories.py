"""Small factories: each builds a valid object with overridable fields."""

import functools
import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from domain.models import (
    Appointment,
    AppointmentStatus,
    Availability,
    DoctorProfile,
    PatientProfile,
    Role,
    Specialization,
    User,
    WaitlistEntry,
    WaitlistOffer,
)

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


@functools.cache
def _hash_with(hasher: str) -> str:
    return make_password(PASSWORD)


def _password_hash() -> str:
    # Argon2 is slow on purpose; hashing once per configured hasher keeps the
    # suite fast (some tests switch to a faster hasher).
    return _hash_with(settings.PASSWORD_HASHERS[0])


def make_user(
    *, username: str | None = None, role: str = Role.PATIENT, **fields
) -> User:
    n = next(_counter)
    username = username or f"user{n}"
    fields.setdefault("email", f"{username}@example.com")
    fields.setdefault("email_verified", True)
    user = User(username=username, role=role, **fields)
    user.password = _password_hash()
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
    *,
    patient: User | None = None,
    doctor: DoctorProfile | None = None,
    start: datetime | None = None,
    minutes: int = 30,
    status: str = AppointmentStatus.CONFIRMED,
    **fields,
) -> Appointment:
    """An appointment written directly (no booking rules), by default in 3 days."""
    start = start or (timezone.now() + timedelta(days=3)).replace(
        second=0, microsecond=0
    )
    fields.setdefault("booked_at", start - timedelta(days=7))
    return Appointment.objects.create(
        patient=patient or make_patient(),
        doctor=doctor or make_doctor(),
        start=start,
        end=start + timedelta(minutes=minutes),
        status=status,
        **fields,
    )


def make_window(doctor: DoctorProfile, day: date, start: str, end: str) -> Availability:
    """A dated window in the doctor's local time ("09:00", "12:00")."""
    return Availability.objects.create(
        doctor=doctor,
        date=day,
        start_time=time.fromisoformat(start),
        end_time=time.fromisoformat(end),
    )


def make_offer(
    *,
    doctor: DoctorProfile,
    patient: User,
    start: datetime,
    minutes: int = 30,
    expires_in: timedelta = timedelta(minutes=15),
) -> WaitlistOffer:
    """A pending waitlist offer holding one slot for ``patient``."""
    local_day = start.astimezone(ZoneInfo(doctor.time_zone)).date()
    entry = WaitlistEntry.objects.create(
        patient=patient, doctor=doctor, date_from=local_day, date_to=local_day
    )
    return WaitlistOffer.objects.create(
        entry=entry,
        doctor=doctor,
        patient=patient,
        start=start,
        end=start + timedelta(minutes=minutes),
        expires_at=timezone.now() + expires_in,
    )


def make_demand_model(*, trained_up_to: date | None = None):
    """A registered demand model that passed its gate (no weights file)."""
    from forecasting.models import ForecastModel

    end = trained_up_to or timezone.localdate() - timedelta(days=1)
    return ForecastModel.objects.create(
        kind="demand",
        version=(ForecastModel.objects.filter(kind="demand").count() + 1),
        good=True,
        weights="forecasting/demand-v1.pt",
        data_start=end - timedelta(days=365),
        data_end=end,
        code_version="test",
    )


def make_forecast(
    doctor: DoctorProfile, *, start: date, expected: list[float], capacity: int = 8
) -> list:
    """Stored forecasts for ``doctor`` from ``start``, as training would write
    them, by the serving demand model; a day at 90% of capacity is flagged."""
    from forecasting.models import DemandForecast, ForecastModel

    model = ForecastModel.objects.filter(kind="demand", good=True).first()
    model = model or make_demand_model(trained_up_to=start - timedelta(days=1))
    return [
        DemandForecast.objects.create(
            doctor=doctor,
            date=start + timedelta(days=n),
            expected=value,
            lower=int(value * 0.7),
            upper=int(value * 1.3) + 1,
            capacity=capacity,
            high_demand=capacity > 0 and value >= 0.9 * capacity,
            model=model,
            origin=start - timedelta(days=1),
        )
        for n, value in enumerate(expected)
    ]
