"""The admin index: cards and charts from the analytics selectors, filtered."""

import json
import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from tests.factories import (
    make_appointment,
    make_doctor,
    make_patient,
    make_specialization,
)

pytestmark = pytest.mark.django_db

RANGE = {"date_from": "2030-01-01", "date_to": "2030-01-09"}


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def clinic():
    heart = make_doctor(specialization=make_specialization("Cardiology"))
    skin = make_doctor(specialization=make_specialization("Dermatology"))
    patient = make_patient()
    day = datetime(2030, 1, 9, 9, tzinfo=UTC)
    make_appointment(doctor=heart, patient=patient, start=day, status="completed")
    make_appointment(
        doctor=heart, patient=patient, start=day.replace(hour=10), status="cancelled"
    )
    make_appointment(doctor=skin, patient=patient, start=day.replace(hour=11))
    return heart, skin


def _card(html: str, name: str) -> str:
    match = re.search(rf'data-card="{name}">\s*([^<]+)<', html)
    assert match, name
    return match.group(1).strip()


def test_dashboard_shows_the_cards_for_the_reference_day(admin_client, clinic):
    response = admin_client.get(reverse("admin:index"), RANGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert _card(html, "today") == "2"
    assert _card(html, "cancellation") == "33.3%"
    assert _card(html, "no-show") == "0.0%"
    assert _card(html, "waitlist") == "0"
    assert "Appointments on 9 Jan 2030" in html


def test_every_chart_is_rendered_with_its_data(admin_client, clinic):
    response = admin_client.get(reverse("admin:index"), RANGE)

    charts = response.context["dashboard"]["charts"]
    assert html_canvas_count(response.content.decode()) == len(charts) == 7
    trend = json.loads(charts["trend"]["data"])
    assert trend["labels"][-1] == "09 Jan"
    assert trend["datasets"][0]["data"][-1] == 2
    by_doctor = json.loads(charts["rates_doctor"]["data"])
    assert by_doctor["datasets"][0]["data"] == [50.0, 0.0]


def html_canvas_count(html: str) -> int:
    return len(re.findall(r'<canvas class="chart"', html))


def test_the_specialization_filter_applies_to_cards_and_charts(admin_client, clinic):
    heart, _skin = clinic

    response = admin_client.get(
        reverse("admin:index"), {**RANGE, "specialization": heart.specialization_id}
    )

    html = response.content.decode()
    assert _card(html, "today") == "1"
    assert _card(html, "cancellation") == "50.0%"
    workload = json.loads(response.context["dashboard"]["charts"]["workload"]["data"])
    assert len(workload["labels"]) == 1


def test_a_reversed_range_falls_back_to_the_default_and_says_why(admin_client):
    response = admin_client.get(
        reverse("admin:index"), {"date_from": "2030-02-01", "date_to": "2030-01-01"}
    )

    assert response.status_code == 200
    assert "The range ends before it starts." in response.content.decode()
    assert response.context["scope"].days == 90


def test_trend_and_high_demand_show_stored_forecasts(admin_client, clinic):
    from datetime import timedelta

    from forecasting.models import DemandForecast, ForecastModel

    heart, _skin = clinic
    model = ForecastModel.objects.create(
        kind="demand",
        version=1,
        good=True,
        data_start=date(2028, 1, 1),
        data_end=date(2030, 1, 9),
        code_version="test",
    )
    for offset, (expected, flagged) in enumerate([(4.0, False), (9.5, True)], 1):
        DemandForecast.objects.create(
            doctor=heart,
            date=date(2030, 1, 9) + timedelta(days=offset),
            expected=expected,
            lower=int(expected) - 2,
            upper=int(expected) + 3,
            capacity=10,
            high_demand=flagged,
            model=model,
            origin=date(2030, 1, 9),
        )

    response = admin_client.get(reverse("admin:index"), RANGE)

    trend = json.loads(response.context["dashboard"]["charts"]["trend"]["data"])
    forecast = next(d for d in trend["datasets"] if d["label"] == "Forecast")
    assert forecast["data"][9:] == [4.0, 9.5]
    assert trend["labels"][9:11] == ["10 Jan", "11 Jan"]
    high = response.context["dashboard"]["high_demand"]
    assert [(row["date"], row["expected"]) for row in high] == [
        (date(2030, 1, 11), 9.5)
    ]
    assert "High-demand days ahead" in response.content.decode()
