"""Doctor search and profile pages."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from domain.models import AppointmentStatus, Feedback, SymptomKeyword
from tests.factories import (
    make_appointment,
    make_doctor,
    make_patient,
    make_specialization,
    make_window,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cardiologist():
    return make_doctor(
        specialization=make_specialization("Cardiology"),
        rating=Decimal("4.80"),
        rating_count=12,
        user_fields={"first_name": "Hana", "last_name": "Heart"},
    )


@pytest.fixture
def dermatologist():
    return make_doctor(
        specialization=make_specialization("Dermatology"),
        rating=Decimal("3.20"),
        rating_count=3,
        user_fields={"first_name": "Sami", "last_name": "Skin"},
    )


def test_home_lists_active_doctors_best_rated_first(
    client, cardiologist, dermatologist
):
    make_doctor(is_active=False, user_fields={"last_name": "Retired"})

    response = client.get(reverse("web:home"))

    assert response.status_code == 200
    assert list(response.context["doctors"]) == [cardiologist, dermatologist]
    assert "Retired" not in response.text


def test_symptom_words_find_the_specialty_that_treats_them(
    client, cardiologist, dermatologist
):
    SymptomKeyword.objects.update_or_create(
        keyword="rash", defaults={"specialization": dermatologist.specialization}
    )

    response = client.get(reverse("web:home"), {"symptoms": "an itchy Rash"})

    assert list(response.context["doctors"]) == [dermatologist]


def test_search_by_specialization_name_and_rating(client, cardiologist, dermatologist):
    by_specialty = client.get(
        reverse("web:home"), {"specialization": dermatologist.specialization_id}
    )
    by_name = client.get(reverse("web:home"), {"q": "heart"})
    by_rating = client.get(reverse("web:home"), {"min_rating": "4"})

    assert list(by_specialty.context["doctors"]) == [dermatologist]
    assert list(by_name.context["doctors"]) == [cardiologist]
    assert list(by_rating.context["doctors"]) == [cardiologist]


def test_malformed_filters_show_an_error_not_a_500(client, cardiologist):
    response = client.get(
        reverse("web:home"), {"specialization": "abc", "min_rating": "9"}
    )

    assert response.status_code == 200
    assert "Please correct the fields marked below." in response.text


def test_doctor_page_shows_the_profile(client, cardiologist):
    response = client.get(reverse("web:doctor", args=[cardiologist.pk]))

    assert response.status_code == 200
    assert "Hana Heart" in response.text
    assert "Cardiology" in response.text


def test_inactive_or_unknown_doctor_page_is_404(client):
    retired = make_doctor(is_active=False)

    assert client.get(reverse("web:doctor", args=[retired.pk])).status_code == 404
    assert client.get(reverse("web:doctor", args=[999999])).status_code == 404


def test_doctor_page_shows_reviews_signed_as_the_author_chose(client, cardiologist):
    visit = make_appointment(
        doctor=cardiologist,
        patient=make_patient(first_name="Ola", last_name="Berg"),
        status=AppointmentStatus.COMPLETED,
    )
    Feedback.objects.create(
        appointment=visit,
        patient=visit.patient,
        doctor=cardiologist,
        rating=5,
        comments="Listened carefully",
    )

    response = client.get(reverse("web:doctor", args=[cardiologist.pk]))

    assert "Listened carefully" in response.text
    assert "Ola B." in response.text


def test_available_this_week_keeps_doctors_with_a_free_slot_and_shows_it(
    client, cardiologist, dermatologist, time_machine
):
    time_machine.move_to(datetime(2027, 1, 4, 8, 0, tzinfo=UTC), tick=False)
    make_window(dermatologist, date(2027, 1, 6), "09:00", "10:00")

    everyone = client.get(reverse("web:home"))
    free = client.get(reverse("web:home"), {"this_week": "on"})

    assert list(everyone.context["doctors"]) == [cardiologist, dermatologist]
    assert list(free.context["doctors"]) == [dermatologist]
    assert "Next free: Wed 6 Jan, 09:00" in free.text
