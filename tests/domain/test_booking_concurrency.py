"""Races between processes booking at once: the database keeps one winner.

Each thread has its own PostgreSQL connection, as separate app processes do.
"""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from domain.context import SYSTEM
from domain.errors import DomainError
from domain.models import Appointment
from domain.services import booking
from tests.factories import make_doctor, make_patient, make_window

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
DAY = date(2027, 1, 6)
NINE = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)
THREADS = 8


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _race(calls) -> list[str]:
    """Run the calls at the same moment; each returns "ok" or an error code."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait()
            call()
            outcome = "ok"
        except DomainError as exc:
            outcome = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_many_patients_racing_for_one_slot_leave_one_booking():
    doctor = make_doctor()
    make_window(doctor, DAY, "09:00", "10:00")
    patients = [make_patient() for _ in range(THREADS)]

    outcomes = _race(
        [
            lambda p=p: booking.appointment_book(
                p, doctor_id=doctor.pk, start=NINE, context=SYSTEM
            )
            for p in patients
        ]
    )

    assert outcomes == ["ok"] + ["slot_taken"] * (THREADS - 1)
    assert Appointment.objects.filter(doctor=doctor).count() == 1


def test_one_patient_racing_two_doctors_at_the_same_time_gets_one():
    doctors = [make_doctor(), make_doctor()]
    for doctor in doctors:
        make_window(doctor, DAY, "09:00", "10:00")
    patient = make_patient()

    outcomes = _race(
        [
            lambda d=d: booking.appointment_book(
                patient, doctor_id=d.pk, start=NINE, context=SYSTEM
            )
            for d in doctors
        ]
    )

    assert outcomes == ["ok", "patient_busy"]
    assert Appointment.objects.filter(patient=patient).count() == 1


def test_overlapping_ranges_of_different_lengths_leave_one_booking():
    # Bypasses the service's lock and checks on purpose: the exclusion
    # constraint alone must refuse every overlap, whatever the lengths.
    doctor = make_doctor()
    # Different starts and lengths (40 to 75 minutes), all covering 09:35.
    spans = [(NINE + timedelta(minutes=5 * i), 40 + 5 * i) for i in range(THREADS)]
    patients = [make_patient() for _ in spans]

    def insert(patient, start, minutes):
        try:
            with transaction.atomic():
                Appointment.objects.create(
                    doctor=doctor,
                    patient=patient,
                    start=start,
                    end=start + timedelta(minutes=minutes),
                )
        except IntegrityError as exc:
            raise booking._slot_conflict(exc) from exc

    outcomes = _race(
        [lambda p=p, s=s: insert(p, *s) for p, s in zip(patients, spans, strict=True)]
    )

    assert outcomes == ["ok"] + ["slot_taken"] * (THREADS - 1)
    assert Appointment.objects.filter(doctor=doctor).count() == 1
