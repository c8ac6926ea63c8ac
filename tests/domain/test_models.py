"""Rules the database itself enforces, even when forms and services are bypassed."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from domain.models import (
    Appointment,
    Availability,
    DoctorProfile,
    Feedback,
    PatientProfile,
    Report,
    TimeOff,
    User,
    WeeklyHours,
)
from tests.factories import (
    make_appointment,
    make_doctor,
    make_patient,
    make_specialization,
    make_user,
)

pytestmark = pytest.mark.django_db

NINE = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)


def _refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_availability_ending_before_it_starts_is_refused(doctor):
    _refused(
        lambda: Availability.objects.create(
            doctor=doctor,
            date=date(2031, 3, 3),
            start_time=time(12, 0),
            end_time=time(9, 0),
        )
    )

    assert not Availability.objects.exists()


@pytest.mark.parametrize("rating", [0, 6])
def test_feedback_rating_outside_one_to_five_is_refused(doctor, patient, rating):
    visit = make_appointment(
        doctor=doctor, patient=patient, start=NINE, status="completed"
    )

    _refused(
        lambda: Feedback.objects.create(
            appointment=visit, patient=patient, doctor=doctor, rating=rating
        )
    )

    assert not Feedback.objects.exists()


def test_doctor_rating_above_five_is_refused(doctor):
    doctor.rating = Decimal("5.50")

    _refused(doctor.save)

    doctor.refresh_from_db()
    assert doctor.rating == Decimal("0.00")


def test_duplicate_license_number_is_refused(doctor):
    other = make_user(username="second", role="doctor")

    _refused(
        lambda: DoctorProfile.objects.create(
            user=other,
            specialization=make_specialization(),
            license_number=doctor.license_number,
        )
    )

    assert DoctorProfile.objects.count() == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"username": "maria"}, {"username": "MARIA"}),
        (
            {"username": "maria", "email": "maria@example.com"},
            {"username": "other", "email": "Maria@Example.COM"},
        ),
    ],
    ids=["username", "email"],
)
def test_username_and_email_are_unique_ignoring_case(first, second):
    User.objects.create(**{"email": "first@example.com", **first})

    _refused(lambda: User.objects.create(**{"email": "second@example.com", **second}))

    assert User.objects.count() == 1


def test_accounts_without_email_do_not_collide():
    User.objects.create(username="walk-in-1", email="")
    User.objects.create(username="walk-in-2", email="")

    assert User.objects.filter(email="").count() == 2


def test_duplicate_patient_contact_number_is_refused(patient):
    PatientProfile.objects.filter(user=patient).update(contact_number="+44 1234 567")
    other = make_user(username="second")

    _refused(
        lambda: PatientProfile.objects.create(
            user=other, date_of_birth=date(1980, 1, 1), contact_number="+44 1234 567"
        )
    )

    assert PatientProfile.objects.count() == 1


def _rows(doctor, patient) -> dict:
    """One valid row of each model whose columns the checks below guard."""
    appointment = make_appointment(doctor=doctor, patient=patient, start=NINE)
    return {
        "user": patient,
        "doctor": doctor,
        "patient": patient.patient_profile,
        "weekly": WeeklyHours.objects.create(
            doctor=doctor, weekday=0, start_time=time(9), end_time=time(12)
        ),
        "time_off": TimeOff.objects.create(
            doctor=doctor, start=NINE, end=NINE + timedelta(hours=2)
        ),
        "appointment": appointment,
        "report": Report.objects.create(
            patient=patient, doctor=doctor, appointment=appointment, size=1
        ),
    }


@pytest.mark.parametrize(
    ("row", "change"),
    [
        ("user", {"role": "superhero"}),
        ("doctor", {"slot_minutes": 4}),
        ("doctor", {"slot_minutes": 241}),
        ("doctor", {"max_patients_per_day": 0}),
        ("doctor", {"booking_horizon_days": 0}),
        ("doctor", {"consultation_fee": Decimal("-1.00")}),
        ("patient", {"gender": "unknown-value"}),
        ("weekly", {"weekday": 7}),
        ("weekly", {"end_time": time(8)}),
        ("time_off", {"end": NINE - timedelta(minutes=1)}),
        ("appointment", {"status": "lost"}),
        ("report", {"kind": "horoscope"}),
    ],
)
def test_a_value_outside_its_rule_is_refused_by_the_database(
    doctor, patient, row, change
):
    record = _rows(doctor, patient)[row]

    _refused(lambda: type(record).objects.filter(pk=record.pk).update(**change))


def test_birth_date_before_1900_is_refused():
    user = make_user(username="ancient")

    _refused(
        lambda: PatientProfile.objects.create(user=user, date_of_birth=date(1850, 1, 1))
    )


def test_appointment_ending_before_it_starts_is_refused(doctor, patient):
    _refused(
        lambda: Appointment.objects.create(
            doctor=doctor, patient=patient, start=NINE, end=NINE - timedelta(1)
        )
    )

    assert not Appointment.objects.exists()


def test_two_active_appointments_at_the_same_start_are_refused(doctor, patient):
    make_appointment(doctor=doctor, patient=patient, start=NINE)
    other_patient = make_patient(username="other")

    _refused(lambda: make_appointment(doctor=doctor, patient=other_patient, start=NINE))

    assert Appointment.objects.count() == 1


def test_a_cancelled_appointment_does_not_block_its_start(doctor, patient):
    make_appointment(doctor=doctor, patient=patient, start=NINE, status="cancelled")

    make_appointment(doctor=doctor, patient=patient, start=NINE)

    assert Appointment.objects.filter(start=NINE).count() == 2


@pytest.mark.postgres
def test_overlapping_active_appointments_of_a_doctor_are_refused_on_postgres(
    doctor, patient
):
    make_appointment(doctor=doctor, patient=patient, start=NINE, minutes=30)
    other_patient = make_patient(username="other")

    _refused(
        lambda: make_appointment(
            doctor=doctor,
            patient=other_patient,
            start=NINE + timedelta(minutes=15),
            status="pending",
        )
    )

    assert Appointment.objects.count() == 1


@pytest.mark.postgres
def test_overlapping_active_appointments_of_a_patient_are_refused_on_postgres(
    doctor, patient
):
    make_appointment(doctor=doctor, patient=patient, start=NINE, minutes=30)
    other_doctor = make_doctor()

    _refused(
        lambda: make_appointment(
            doctor=other_doctor, patient=patient, start=NINE + timedelta(minutes=20)
        )
    )

    assert Appointment.objects.count() == 1


@pytest.mark.postgres
def test_back_to_back_appointments_are_allowed_on_postgres(doctor, patient):
    make_appointment(doctor=doctor, patient=patient, start=NINE, minutes=30)

    make_appointment(
        doctor=doctor,
        patient=make_patient(username="next"),
        start=NINE + timedelta(minutes=30),
    )

    assert Appointment.objects.count() == 2


def test_createsuperuser_noinput_makes_a_verified_admin(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-root-passphrase")

    call_command("createsuperuser", interactive=False, stdout=StringIO())

    user = User.objects.get(username="root")
    assert user.role == "admin"
    assert user.email_verified is True
    assert user.is_superuser and user.is_staff
    assert user.check_password("a-long-root-passphrase")
