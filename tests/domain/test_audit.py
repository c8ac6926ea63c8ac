"""The audit trail is append-only for the application."""

import pytest

from domain.context import RequestContext
from domain.models import AuditLog
from domain.models.audit import AuditLogIsAppendOnly
from domain.services.audit import audit_record
from tests.factories import PASSWORD, make_patient

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


def _sign_in(client, patient, **headers):
    return client.post(
        "/api/v1/auth/token/pair",
        {"username": patient.username, "password": PASSWORD},
        content_type="application/json",
        headers={"User-Agent": "ClinicApp/2.1", **headers},
    )


def test_a_sign_in_row_names_the_client_behind_the_trusted_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    patient = make_patient()

    # The client forged the first entry; the edge proxy appended the real one.
    _sign_in(client, patient, **{"X-Forwarded-For": "10.9.9.9, 198.51.100.2"})

    row = AuditLog.objects.get(action="auth.signed_in")
    assert row.actor == patient
    assert row.ip_address == "198.51.100.2"
    assert row.user_agent == "ClinicApp/2.1"


def test_without_trusted_proxies_a_forwarded_address_is_ignored(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    patient = make_patient()

    _sign_in(client, patient, **{"X-Forwarded-For": "198.51.100.2"})

    assert AuditLog.objects.get(action="auth.signed_in").ip_address == "127.0.0.1"
