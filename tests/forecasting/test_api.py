"""Forecast endpoints: who may read them, and what they say."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forecasting.models import DemandForecast, ForecastModel
from tests.conftest import bearer
from tests.factories import make_doctor, make_specialization

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(doctor):
    """Five days of forecasts for ``doctor``; the third day is flagged."""
    model = ForecastModel.objects.create(
        kind="demand",
        version=1,
        good=True,
        weights="forecasting/demand-v1.pt",
        data_start=timezone.now().date() - timedelta(days=300),
        data_end=timezone.now().date() - timedelta(days=1),
        code_version="test",
    )
    today = timezone.localtime().date()
    for offset, expected in enumerate([3.0, 5.5, 9.4, 0.0, 6.0]):
        DemandForecast.objects.create(
            doctor=doctor,
            date=today + timedelta(days=offset),
            expected=expected,
            lower=int(expected * 0.7),
            upper=int(expected * 1.3) + 1,
            capacity=10 if expected else 0,
            high_demand=expected >= 9,
            model=model,
            origin=today - timedelta(days=1),
        )
    return model


def test_a_doctor_reads_their_own_forecast(client, doctor, stored):
    response = client.get(
        f"/api/v1/forecasts/doctors/{doctor.pk}?days=3", headers=bearer(doctor.user)
    )

    assert response.status_code == 200
    body = response.json()
    assert body["model_version"] == 1
    assert body["high_demand_share"] == 0.9
    assert [day["expected"] for day in body["days"]] == [3.0, 5.5, 9.4]
    assert [day["high_demand"] for day in body["days"]] == [False, False, True]
    assert body["days"][2] == {
        "date": body["days"][2]["date"],
        "expected": 9.4,
        "lower": 6,
        "upper": 13,
        "capacity": 10,
        "high_demand": True,
    }


def test_an_admin_reads_any_doctors_forecast(client, doctor, admin_user, stored):
    response = client.get(
        f"/api/v1/forecasts/doctors/{doctor.pk}", headers=bearer(admin_user)
    )

    assert response.status_code == 200
    assert len(response.json()["days"]) == 5


def test_another_doctor_gets_404_and_a_patient_403(client, doctor, patient, stored):
    other = make_doctor()
    url = f"/api/v1/forecasts/doctors/{doctor.pk}"

    assert client.get(url, headers=bearer(other.user)).status_code == 404
    response = client.get(url, headers=bearer(patient))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert client.get(url).status_code == 401


def test_unknown_doctor_is_404_and_bad_window_is_422(client, admin_user):
    assert (
        client.get("/api/v1/forecasts/doctors/999", headers=bearer(admin_user))
    ).status_code == 404
    response = client.get(
        "/api/v1/forecasts/high-demand?days=90", headers=bearer(admin_user)
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_high_demand_lists_flagged_days_for_admins(client, doctor, admin_user, stored):
    response = client.get("/api/v1/forecasts/high-demand", headers=bearer(admin_user))

    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 1
    assert items[0]["doctor_id"] == doctor.pk
    assert items[0]["expected"] == 9.4
    assert items[0]["specialization"] == doctor.specialization.name


def test_high_demand_shows_a_doctor_only_their_own_days(client, doctor, stored):
    other = make_doctor()

    mine = client.get("/api/v1/forecasts/high-demand", headers=bearer(doctor.user))
    theirs = client.get("/api/v1/forecasts/high-demand", headers=bearer(other.user))

    assert len(mine.json()["items"]) == 1
    assert theirs.json()["items"] == []


def test_patients_may_not_list_high_demand_days(client, patient, stored):
    response = client.get("/api/v1/forecasts/high-demand", headers=bearer(patient))

    assert response.status_code == 403


def test_dashboard_totals_sum_the_doctors_per_date(doctor, stored):
    from forecasting.selectors import forecast_totals

    other = make_doctor()
    today = timezone.localtime().date()
    DemandForecast.objects.create(
        doctor=other,
        date=today,
        expected=2.0,
        lower=1,
        upper=4,
        capacity=8,
        high_demand=False,
        model=stored,
        origin=today - timedelta(days=1),
    )

    totals = forecast_totals(date_from=today, days=3)

    assert totals[0] == {
        "date": today,
        "expected": 5.0,
        "lower": 3,
        "upper": 8,
        "capacity": 18,
        "high_demand_doctors": 0,
    }
    assert totals[2]["high_demand_doctors"] == 1
    assert len(forecast_totals(date_from=today, days=3, doctor_ids=[other.pk])) == 1


def test_the_analytics_forecast_gives_the_dashboards_figures(
    client, doctor, admin_user, stored
):
    today = timezone.localdate()

    response = client.get("/api/v1/analytics/forecast", headers=bearer(admin_user))
    other = client.get(
        "/api/v1/analytics/forecast",
        {"specialization_id": make_specialization("Urology").pk},
        headers=bearer(admin_user),
    )

    assert response.status_code == 200
    body = response.json()
    # The days after the reference day (today): the second to fifth stored.
    assert [row["expected"] for row in body["totals"]] == [5.5, 9.4, 0.0, 6.0]
    assert body["totals"][1]["high_demand_doctors"] == 1
    assert [(row["date"], row["doctor_id"]) for row in body["high_demand"]] == [
        (str(today + timedelta(days=2)), doctor.pk)
    ]
    assert other.json() == {"totals": [], "high_demand": []}


def test_only_admins_read_the_analytics_forecast(client, doctor, stored):
    response = client.get("/api/v1/analytics/forecast", headers=bearer(doctor.user))

    assert response.status_code == 403
