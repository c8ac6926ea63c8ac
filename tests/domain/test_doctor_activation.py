"""Turning a doctor on and off: admins only, audited."""

import pytest

from domain.context import SYSTEM
from domain.errors import PermissionDenied
from domain.models import AuditLog, DoctorProfile
from domain.services.accounts import doctor_set_active
from tests.factories import make_doctor, make_user

pytestmark = pytest.mark.django_db


def test_a_doctor_cannot_deactivate_another_doctor():
    target, other = make_doctor(), make_doctor()

    with pytest.raises(PermissionDenied):
        doctor_set_active(target.pk, active=False, actor=other.user, context=SYSTEM)

    assert DoctorProfile.objects.get(pk=target.pk).is_active is True
    assert not AuditLog.objects.filter(action="doctor.deactivated").exists()


def test_setting_the_same_state_twice_writes_one_audit_row():
    doctor = make_doctor()
    admin = make_user(role="admin", is_staff=True)

    doctor_set_active(doctor.pk, active=False, actor=admin, context=SYSTEM)
    doctor_set_active(doctor.pk, active=False, actor=admin, context=SYSTEM)

    assert DoctorProfile.objects.get(pk=doctor.pk).is_active is False
    assert AuditLog.objects.filter(action="doctor.deactivated").count() == 1
