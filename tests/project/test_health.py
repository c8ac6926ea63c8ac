"""Liveness and readiness probes."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_liveness_answers_without_touching_dependencies(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

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


def test_probes_answer_any_host_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["clinic.example.com"]
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="healthcheck.railway.app").status_code == 200
    assert (
        client.get("/api/v1/specializations", HTTP_HOST="evil.test").status_code == 400
    )
