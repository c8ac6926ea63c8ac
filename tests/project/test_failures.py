"""Pages and the admin survive a database outage; the API's 405 keeps its shape."""

import pytest
from django.db import OperationalError

from tests.conftest import bearer


def _unreachable(*args, **kwargs):
    raise OperationalError("connection refused")


@pytest.mark.django_db
def test_a_page_answers_503_with_retry_after_when_the_database_is_down(
    client, monkeypatch
):
    monkeypatch.setattr("web.views.public.doctor_search_page", _unreachable)

    response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"briefly unavailable" in response.content
    assert b"connection refused" not in response.content


@pytest.mark.django_db
def test_a_method_an_api_path_does_not_take_is_405_in_the_error_shape(client, patient):
    response = client.delete("/api/v1/me", headers=bearer(patient))

    assert response.status_code == 405
    assert response.json() == {
        "detail": "Method not allowed.",
        "code": "method_not_allowed",
    }
    assert "GET" in response["Allow"]
