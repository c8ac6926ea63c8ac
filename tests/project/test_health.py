"""Health, liveness and readiness probes."""

import pytest
from django.db import OperationalError, connections

from tests.factories import make_demand_model

pytestmark = pytest.mark.django_db(transaction=True)


def test_health_checks_the_database_and_the_channel_layer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "channel_layer": "ok",
    }


def test_health_answers_503_naming_the_database_when_it_fails(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    # The check runs on a worker thread with its own connection object, so
    # the refusal goes on the backend class all connections share.
    monkeypatch.setattr(type(connections["default"]), "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "channel_layer": "ok",
    }


def test_liveness_answers_without_touching_dependencies(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/livez")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_reports_each_dependency(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok"
    assert body["checks"]["channel_layer"] == "ok"
    assert body["checks"]["forecasting_model"] in {"loaded", "not_trained"}
    assert body["status"] in {"ready", "degraded"}


def test_readiness_reports_a_registered_model_as_loaded(client):
    assert client.get("/readyz").json()["checks"]["forecasting_model"] == (
        "not_trained"
    )
    make_demand_model()

    assert client.get("/readyz").json()["checks"]["forecasting_model"] == "loaded"


def test_probes_answer_any_host_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["clinic.example.com"]
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/livez", HTTP_HOST="127.0.0.1").status_code == 200
    assert client.get("/readyz", HTTP_HOST="healthcheck.railway.app").status_code == 200
    assert (
        client.get("/api/v1/specializations", HTTP_HOST="evil.test").status_code == 400
    )
