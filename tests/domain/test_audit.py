"""The audit trail is append-only for the application."""

import pytest

from domain.context import RequestContext
from domain.models import AuditLog
from domain.models.audit import AuditLogIsAppendOnly
from domain.services.audit import audit_record
from tests.factories import make_patient

pytestmark = pytest.mark.django_db


def test_audit_rows_cannot_be_changed_or_deleted():
    row = audit_record("auth.signed_in", actor=make_patient(), context=RequestContext())

    row.action = "something.else"
    with pytest.raises(AuditLogIsAppendOnly):
        row.save()
    with pytest.raises(AuditLogIsAppendOnly):
        row.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditLog.objects.filter(pk=row.pk).update(action="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditLog.objects.all().delete()

    assert AuditLog.objects.get(pk=row.pk).action == "auth.signed_in"


def test_deleting_a_user_keeps_their_audit_rows():
    user = make_patient()
    audit_record("auth.signed_in", actor=user, context=RequestContext())

    user.patient_profile.delete()
    user.delete()

    assert AuditLog.objects.get().actor is None
