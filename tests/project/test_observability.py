"""Request ids and the one structured log line per request."""

import json
import logging

import pytest
from django.conf import settings

from project.observability import RequestIdFilter, current_request_id
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger="project.observability")

    def lines():
        return [
            record
            for record in caplog.records
            if getattr(record, "event", None) == "http.request"
        ]

    return lines


def test_a_sane_incoming_request_id_is_echoed_and_logged(client, request_lines):
    response = client.get(
        "/api/v1/specializations", HTTP_X_REQUEST_ID="edge-1234abcd-5678"
    )

    assert response["X-Request-ID"] == "edge-1234abcd-5678"
    (line,) = request_lines()
    assert line.request_id == "edge-1234abcd-5678"


@pytest.mark.parametrize("incoming", ["", "short", "has spaces in it", "x" * 200])
def test_a_missing_or_odd_request_id_is_replaced(client, incoming):
    response = client.get("/api/v1/specializations", HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def test_request_line_names_the_route_template_and_the_user_not_the_query(
    client, patient, request_lines
):
    client.get(
        "/api/v1/doctors/987654?token=secret-in-query",
        **{"HTTP_AUTHORIZATION": bearer(patient)["Authorization"]},
    )
    client.get("/api/v1/me", **{"HTTP_AUTHORIZATION": bearer(patient)["Authorization"]})

    doctor_line, me_line = request_lines()
    assert doctor_line.route == "api/v1/doctors/<doctor_id>"
    assert doctor_line.status == 404
    assert doctor_line.method == "GET"
    assert isinstance(doctor_line.duration_ms, float)
    assert "987654" not in doctor_line.getMessage()
    assert "secret-in-query" not in doctor_line.getMessage()
    assert me_line.user_id == str(patient.pk)


def test_log_lines_written_while_serving_carry_the_request_id(client, caplog):
    caplog.set_level(logging.INFO)

    client.post(
        "/api/v1/auth/token/pair",
        {"username": "nobody", "password": "wrong"},
        content_type="application/json",
        HTTP_X_REQUEST_ID="trace-0000-1111",
    )

    refused = [r for r in caplog.records if r.getMessage() == "sign-in refused"]
    assert refused
    assert RequestIdFilter().filter(refused[0])
    assert refused[0].request_id == "trace-0000-1111"
    assert current_request_id() == "-"


def test_json_formatter_writes_one_parseable_line_with_the_request_fields():
    handler_config = settings.LOGGING["formatters"]["json"]
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(
        handler_config["fmt"], rename_fields=handler_config["rename_fields"]
    )
    record = logging.LogRecord(
        "project.observability", logging.INFO, __file__, 1, "GET %s", ("x",), None
    )
    record.request_id = "abc"
    record.route = "api/v1/me"
    record.status = 200

    line = json.loads(formatter.format(record))

    assert line["level"] == "INFO"
    assert line["request_id"] == "abc"
    assert line["route"] == "api/v1/me"
    assert line["status"] == 200
    assert line["message"] == "GET x"
