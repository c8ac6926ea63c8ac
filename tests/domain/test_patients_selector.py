"""Which patient records each role may see."""

from datetime import UTC, datetime

import pytest

from domain.selectors.patients import patients_visible_to
from tests.factories import make_appointment, make_doctor, make_patient, make_user

pytestmark = pytest.mark.django_db


def test_a_doctor_sees_only_patients_booked_with_them():
    mine, theirs = make_doctor(), make_doctor()
    alice, bob = make_patient(), make_patient()
    start = datetime(2030, 1, 7, 9, tzinfo=UTC)
    make_appointment(doctor=mine, patient=alice, start=start)
    make_appointment(doctor=theirs, patient=bob, start=start)

    assert list(patients_visible_to(mine.user)) == [alice]


def test_an_admin_sees_every_patient_and_a_patient_only_themself():
    alice, bob = make_patient(), make_patient()

    assert set(patients_visible_to(make_user(role="admin"))) == {alice, bob}
    assert list(patients_visible_to(alice)) == [alice]
