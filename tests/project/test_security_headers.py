"""Security headers on our pages, the admin and the API docs."""

import pytest

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    directives = response["Content-Security-Policy"].split(";")
    return dict(part.strip().split(" ", 1) for part in directives)


def test_api_responses_carry_the_strict_policy_and_the_basic_headers(client):
    response = client.get("/api/v1/specializations")

    policy = _policy(response)
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_admin_policy_allows_what_alpine_needs_and_nothing_from_elsewhere(
    client, admin_user
):
    client.force_login(admin_user)

    response = client.get("/admin/")

    assert response.status_code == 200
    policy = _policy(response)
    assert "'unsafe-eval'" in policy["script-src"]
    assert "http" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"


def test_swagger_ui_loads_its_assets_from_this_origin(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    page = response.content.decode()
    # Every script is a same-origin file; the only inline block is JSON data,
    # which a CSP does not block and browsers do not execute.
    assert "cdn.jsdelivr.net" not in page
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in page
    assert _policy(response)["script-src"] == "'self'"
