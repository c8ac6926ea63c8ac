"""The admin: who may use it, what it lets them change, and what it audits."""

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.contrib import admin
from django.urls import reverse

from domain.models import AuditLog, DoctorProfile, Role
from tests.factories import make_appointment, make_doctor, make_patient, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("role", [Role.PATIENT, Role.DOCTOR])
def test_patients_and_doctors_are_refused_even_when_flagged_staff(client, role):
    user = make_user(role=role, is_staff=True)
    client.force_login(user)

    for url in (reverse("admin:index"), reverse("admin:domain_user_changelist")):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_admin_opens_every_changelist(admin_client):
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

        response = admin_client.get(url)

        assert response.status_code == 200, url


def test_audit_log_cannot_be_added_changed_or_deleted_by_anyone(admin_client):
    row = AuditLog.objects.create(action="doctor.created", target_type="doctor")

    add = admin_client.get(reverse("admin:domain_auditlog_add"))
    delete = admin_client.post(
        reverse("admin:domain_auditlog_delete", args=[row.pk]), {"post": "yes"}
    )
    change = admin_client.post(
        reverse("admin:domain_auditlog_change", args=[row.pk]), {"action": "edited"}
    )

    assert add.status_code == 403
    assert delete.status_code == 403
    assert change.status_code == 403
    row.refresh_from_db()
    assert row.action == "doctor.created"
    view = admin_client.get(reverse("admin:domain_auditlog_change", args=[row.pk]))
    assert view.status_code == 200


def test_viewing_a_patient_record_writes_an_audit_row(admin_client, admin_user):
    patient = make_patient()

    admin_client.get(
        reverse("admin:domain_patientprofile_change", args=[patient.patient_profile.pk])
    )
    admin_client.get(reverse("admin:domain_user_change", args=[patient.pk]))

    rows = AuditLog.objects.filter(action="patient.record_viewed", actor=admin_user)
    assert rows.count() == 2
    assert set(rows.values_list("target_id", flat=True)) == {str(patient.pk)}


def test_viewing_a_doctor_account_is_not_logged_as_a_patient_view(admin_client):
    doctor = make_doctor()

    admin_client.get(reverse("admin:domain_user_change", args=[doctor.user_id]))

    assert not AuditLog.objects.filter(action="patient.record_viewed").exists()


def test_deactivate_action_goes_through_the_accounts_service(admin_client):
    doctor = make_doctor()
    url = reverse("admin:domain_doctorprofile_changelist")
    from domain.services import accounts

    with mock.patch(
        "admin_theme.admin.people.doctor_set_active",
        wraps=accounts.doctor_set_active,
    ) as service:
        admin_client.post(
            url, {"action": "deactivate_doctors", "_selected_action": [doctor.pk]}
        )

    service.assert_called_once()
    assert service.call_args.kwargs["active"] is False
    doctor.refresh_from_db()
    assert doctor.is_active is False
    assert AuditLog.objects.filter(
        action="doctor.deactivated", target_id=str(doctor.pk)
    ).exists()


def test_activate_action_turns_a_doctor_back_on(admin_client):
    doctor = make_doctor(is_active=False)

    admin_client.post(
        reverse("admin:domain_doctorprofile_changelist"),
        {"action": "activate_doctors", "_selected_action": [doctor.pk]},
    )

    assert DoctorProfile.objects.get(pk=doctor.pk).is_active is True


def test_editing_a_doctor_in_the_admin_is_validated_and_audited(admin_client):
    doctor = make_doctor(max_patients_per_day=10)
    url = reverse("admin:domain_doctorprofile_change", args=[doctor.pk])
    form = {
        "specialization": doctor.specialization_id,
        "degree": "MD",
        "license_number": doctor.license_number,
        "years_of_experience": 4,
        "consultation_fee": "50.00",
        "description": "",
        "time_zone": "Europe/London",
        "slot_minutes": 30,
        "buffer_minutes": 0,
        "min_notice_minutes": 120,
        "booking_horizon_days": 60,
        "max_patients_per_day": 14,
        "cancellation_cutoff_hours": 24,
    }
    for prefix in ("availabilities", "weekly_hours"):
        form.update(
            {
                f"{prefix}-TOTAL_FORMS": 0,
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 0,
            }
        )

    response = admin_client.post(url, form)

    assert response.status_code == 302
    doctor.refresh_from_db()
    assert doctor.max_patients_per_day == 14
    row = AuditLog.objects.get(action="doctor.updated", target_id=str(doctor.pk))
    assert "max_patients_per_day" in row.detail["fields"]


def test_appointments_cannot_be_added_or_edited_directly(admin_client):
    appointment = make_appointment(
        doctor=make_doctor(),
        patient=make_patient(),
        start=datetime(2030, 1, 7, 9, tzinfo=UTC),
    )

    add = admin_client.get(reverse("admin:domain_appointment_add"))
    change = admin_client.post(
        reverse("admin:domain_appointment_change", args=[appointment.pk]),
        {"status": "cancelled"},
    )

    assert add.status_code == 403
    assert change.status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"


def test_environment_badge_says_development_under_debug(admin_client, settings):
    settings.DEBUG = True
    assert b"Development" in admin_client.get(reverse("admin:index")).content
    settings.DEBUG = False
    assert b"Production" in admin_client.get(reverse("admin:index")).content


def _future_appointment(**fields):
    from datetime import timedelta

    from django.utils import timezone

    start = (timezone.now() + timedelta(days=3)).replace(
        minute=0, second=0, microsecond=0
    )
    return make_appointment(
        doctor=make_doctor(), patient=make_patient(), start=start, **fields
    )


def _cancel(admin_client, appointment, **extra):
    return admin_client.post(
        reverse("admin:domain_appointment_changelist"),
        {
            "action": "cancel_with_reason",
            "_selected_action": [str(appointment.pk)],
            **extra,
        },
    )


def test_cancel_action_first_asks_for_a_reason(admin_client):
    appointment = _future_appointment()

    response = _cancel(admin_client, appointment)

    assert response.status_code == 200
    assert b"Reason" in response.content
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"


def test_cancel_action_without_a_reason_changes_nothing(admin_client):
    appointment = _future_appointment()

    response = _cancel(admin_client, appointment, apply="1", reason="")

    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"


def test_cancel_action_goes_through_the_booking_service(admin_client, admin_user):
    from domain.services import booking

    appointment = _future_appointment()

    with mock.patch(
        "admin_theme.admin.scheduling.appointment_cancel",
        wraps=booking.appointment_cancel,
    ) as service:
        response = _cancel(
            admin_client, appointment, apply="1", reason="Doctor is unwell"
        )

    assert response.status_code == 302
    service.assert_called_once()
    assert service.call_args.kwargs["reason"] == "Doctor is unwell"
    assert service.call_args.kwargs["actor"] == admin_user
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert appointment.cancellation_reason == "Doctor is unwell"


def test_cancel_action_reports_a_refusal_and_leaves_the_row(admin_client):
    appointment = _future_appointment(status="completed")

    response = _cancel(admin_client, appointment, apply="1", reason="Mistake")

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "completed"


def test_editing_a_patient_profile_is_audited_without_its_values(admin_client):
    patient = make_patient()
    profile = patient.patient_profile
    url = reverse("admin:domain_patientprofile_change", args=[profile.pk])

    response = admin_client.post(
        url,
        {
            "user": patient.pk,
            "date_of_birth": "1990-05-17",
            "gender": profile.gender,
            "contact_number": "",
            "symptoms": "recurring migraine",
            "relative_contact_number": "",
        },
    )

    assert response.status_code == 302
    row = AuditLog.objects.get(action="patientprofile.changed_in_admin")
    assert row.target_id == str(profile.pk)
    assert row.actor.role == Role.ADMIN
    assert "Symptoms" in row.detail["change"]
    assert "migraine" not in str(row.detail)
