"""Doctors and specializations through the HTTP API: search, profiles, roles."""

from decimal import Decimal

import pytest

from domain.models import (
    AuditLog,
    DoctorProfile,
    Specialization,
    SymptomKeyword,
    User,
)
from tests.conftest import bearer
from tests.factories import make_doctor, make_specialization

pytestmark = pytest.mark.django_db

DOCTORS = "/api/v1/doctors"


def _new_doctor(**overrides):
    body = {
        "username": "dr.new",
        "email": "dr.new@example.com",
        "password": "a-long-and-unusual-passphrase",
        "first_name": "Nadia",
        "last_name": "Novak",
        "specialization_id": make_specialization("Cardiology").pk,
        "license_number": "GMC-123456",
        "time_zone": "America/New_York",
        "slot_minutes": 20,
    }
    body.update(overrides)
    return body


def test_specializations_list_the_prepopulated_specialties(client):
    response = client.get("/api/v1/specializations")

    assert response.status_code == 200
    names = {item["name"] for item in response.json()}
    assert 18 <= len(names) <= 25
    assert {"General Practice", "Cardiology", "Dermatology", "Pediatrics"} <= names


def test_doctor_list_is_paginated_with_items_and_count(client):
    for _ in range(3):
        make_doctor()

    response = client.get(DOCTORS, {"limit": 2})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert len(body["items"]) == 2
    assert {"id", "full_name", "specialization", "time_zone"} <= set(body["items"][0])


def test_doctor_search_filters_by_specialization_text_symptoms_and_rating(client):
    skin = make_doctor(
        specialization=make_specialization("Dermatology"),
        rating=Decimal("4.80"),
        user_fields={"last_name": "Quill"},
    )
    heart = make_doctor(
        specialization=make_specialization("Cardiology"), rating=Decimal("3.10")
    )

    def ids(**query):
        response = client.get(DOCTORS, query)
        assert response.status_code == 200
        return {item["id"] for item in response.json()["items"]}

    assert ids(specialization_id=heart.specialization_id) == {heart.pk}
    assert ids(q="quill") == {skin.pk}
    assert ids(q="cardio") == {heart.pk}
    assert ids(symptoms="an itchy rash on my arm") == {skin.pk}
    assert ids(symptoms="chest pain when walking") == {heart.pk}
    assert ids(min_rating="4.5") == {skin.pk}


def test_a_symptom_keyword_an_admin_typed_with_capitals_still_matches(client):
    eyes = make_doctor(specialization=make_specialization("Ophthalmology"))
    SymptomKeyword.objects.create(
        keyword="Floaters", specialization=eyes.specialization
    )

    response = client.get(DOCTORS, {"symptoms": "I see floaters"})

    assert [item["id"] for item in response.json()["items"]] == [eyes.pk]


def test_inactive_doctors_are_hidden_from_search_and_detail(client):
    hidden = make_doctor(is_active=False)

    assert client.get(DOCTORS).json()["count"] == 0
    assert client.get(f"{DOCTORS}/{hidden.pk}").status_code == 404


def test_doctor_detail_and_404_for_an_unknown_doctor(client, doctor):
    response = client.get(f"{DOCTORS}/{doctor.pk}")
    missing = client.get(f"{DOCTORS}/999999")

    assert response.status_code == 200
    assert response.json()["license_number"] == doctor.license_number
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Doctor not found.", "code": "not_found"}


def test_admin_creates_a_doctor_account_and_profile_in_one_call(client, admin_user):
    response = client.post(
        DOCTORS,
        _new_doctor(),
        content_type="application/json",
        headers=bearer(admin_user),
    )

    assert response.status_code == 201
    body = response.json()
    assert body["time_zone"] == "America/New_York"
    assert body["slot_minutes"] == 20
    doctor = DoctorProfile.objects.select_related("user").get(pk=body["id"])
    assert doctor.user.role == "doctor"
    assert doctor.user.password.startswith("argon2")
    assert AuditLog.objects.filter(action="doctor.created", actor=admin_user).exists()


def test_a_patient_may_not_create_a_doctor(client, patient):
    response = client.post(
        DOCTORS, _new_doctor(), content_type="application/json", headers=bearer(patient)
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not DoctorProfile.objects.exists()


def test_creating_a_doctor_without_signing_in_is_401(client):
    response = client.post(DOCTORS, _new_doctor(), content_type="application/json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not DoctorProfile.objects.exists()


def test_duplicate_license_number_is_409(client, admin_user, doctor):
    response = client.post(
        DOCTORS,
        _new_doctor(license_number=doctor.license_number),
        content_type="application/json",
        headers=bearer(admin_user),
    )

    assert response.status_code == 409
    assert response.json()["code"] == "license_number_taken"
    assert DoctorProfile.objects.count() == 1
    assert not User.objects.filter(username="dr.new").exists()


def test_unknown_time_zone_is_422_naming_the_field(client, admin_user):
    response = client.post(
        DOCTORS,
        _new_doctor(time_zone="Mars/Olympus_Mons"),
        content_type="application/json",
        headers=bearer(admin_user),
    )

    assert response.status_code == 422
    assert response.json()["field"] == "time_zone"
    assert not DoctorProfile.objects.exists()


def test_unknown_specialization_is_422_naming_the_field(client, admin_user):
    response = client.post(
        DOCTORS,
        _new_doctor(specialization_id=Specialization.objects.count() + 1000),
        content_type="application/json",
        headers=bearer(admin_user),
    )

    assert response.status_code == 422
    assert response.json()["field"] == "specialization_id"


def test_a_doctor_edits_their_own_profile(client, doctor):
    response = client.patch(
        f"{DOCTORS}/{doctor.pk}",
        {"description": "Now also seeing teenagers.", "slot_minutes": 15},
        content_type="application/json",
        headers=bearer(doctor.user),
    )

    assert response.status_code == 200
    doctor.refresh_from_db()
    assert doctor.description == "Now also seeing teenagers."
    assert doctor.slot_minutes == 15


def test_an_admin_edits_any_doctor(client, admin_user, doctor):
    response = client.patch(
        f"{DOCTORS}/{doctor.pk}",
        {"time_zone": "Asia/Kolkata", "first_name": "Adaeze"},
        content_type="application/json",
        headers=bearer(admin_user),
    )

    assert response.status_code == 200
    assert response.json()["first_name"] == "Adaeze"
    doctor.refresh_from_db()
    assert doctor.time_zone == "Asia/Kolkata"


def test_another_doctor_may_not_edit_a_profile(client, doctor):
    intruder = make_doctor()

    response = client.patch(
        f"{DOCTORS}/{doctor.pk}",
        {"description": "Hijacked"},
        content_type="application/json",
        headers=bearer(intruder.user),
    )

    assert response.status_code == 403
    doctor.refresh_from_db()
    assert doctor.description == ""


def test_patching_an_unknown_doctor_is_404(client, admin_user):
    response = client.patch(
        f"{DOCTORS}/999999",
        {"description": "x"},
        content_type="application/json",
        headers=bearer(admin_user),
    )

    assert response.status_code == 404
