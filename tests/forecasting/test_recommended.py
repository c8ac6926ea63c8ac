"""Recommended slots: the best free slots with a score and a reason."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from domain.models import Availability
from forecasting.models import DemandForecast, ForecastModel
from tests.conftest import bearer
from tests.factories import make_doctor

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_doctor(db):
    """A doctor (UTC) with two mornings open: a busy one, then a quiet one."""
    doctor = make_doctor(time_zone="UTC", min_notice_minutes=0)
    model = ForecastModel.objects.create(
        kind="demand",
        version=1,
        good=True,
        weights="forecasting/demand-v1.pt",
        data_start=timezone.now().date() - timedelta(days=300),
        data_end=timezone.now().date() - timedelta(days=1),
        code_version="test",
    )
    today = timezone.now().date()
    for offset, expected in ((1, 9.5), (2, 2.0)):
        day = today + timedelta(days=offset)
        Availability.objects.create(
            doctor=doctor, date=day, start_time=time(9), end_time=time(11)
        )
        DemandForecast.objects.create(
            doctor=doctor,
            date=day,
            expected=expected,
            lower=0,
            upper=12,
            capacity=10,
            high_demand=expected >= 9,
            model=model,
            origin=today - timedelta(days=1),
        )
    return doctor


def test_quieter_day_slots_come_first_with_reasons(client, open_doctor):
    today = timezone.now().date()
    url = (
        f"/api/v1/doctors/{open_doctor.pk}/slots/recommended"
        f"?date_from={today + timedelta(days=1)}&date_to={today + timedelta(days=2)}"
        "&limit=3"
    )

    response = client.get(url)

    assert response.status_code == 200
    slots = response.json()["slots"]
    assert len(slots) == 3
    assert all(s["start"].startswith(str(today + timedelta(days=2))) for s in slots)
    assert slots[0]["score"] >= slots[1]["score"] >= slots[2]["score"]
    assert "quiet day" in slots[0]["reason"]
    assert 0 <= slots[0]["score"] <= 1


def test_a_signed_in_patient_gets_scores_too(client, open_doctor, patient):
    response = client.get(
        f"/api/v1/doctors/{open_doctor.pk}/slots/recommended", headers=bearer(patient)
    )

    assert response.status_code == 200


def test_unknown_doctor_is_404_and_bad_limit_422(client, open_doctor):
    assert client.get("/api/v1/doctors/999/slots/recommended").status_code == 404
    response = client.get(f"/api/v1/doctors/{open_doctor.pk}/slots/recommended?limit=0")
    assert response.status_code == 422


def _no_show_row(**fields) -> ForecastModel:
    today = timezone.now().date()
    return ForecastModel.objects.create(
        kind="no_show",
        version=1,
        good=True,
        data_start=today - timedelta(days=300),
        data_end=today - timedelta(days=1),
        code_version="test",
        **fields,
    )


def test_a_trained_no_show_model_scores_a_patients_slots(
    client, clinic_with_history, weights_storage
):
    from forecasting.services import no_show_model_train

    doctors, patients = clinic_with_history
    # This small history may not pass the model's gate; serve it regardless,
    # so the scoring runs on real weights.
    row = no_show_model_train()
    ForecastModel.objects.filter(pk=row.pk).update(good=True)

    response = client.get(
        f"/api/v1/doctors/{doctors[0].pk}/slots/recommended?limit=5",
        headers=bearer(patients[0]),
    )

    assert response.status_code == 200
    slots = response.json()["slots"]
    assert slots and all(0 <= slot["score"] <= 1 for slot in slots)


def test_unreadable_no_show_weights_fall_back_to_the_default_attendance(
    client, open_doctor, weights_storage, patient
):
    # The row exists, its file does not (written on another machine's disk).
    _no_show_row(weights="forecasting/no-show-v1.pt")

    response = client.get(
        f"/api/v1/doctors/{open_doctor.pk}/slots/recommended", headers=bearer(patient)
    )

    assert response.status_code == 200
    assert response.json()["slots"]
