"""Every API operation, called by every kind of caller, answers as expected.

The operations come from the live OpenAPI schema, so a new endpoint without
rows here fails ``test_every_operation_in_the_schema_has_rows``. The callers:

- ``anonymous``: no credentials;
- ``patient_own`` / ``patient_other``: the patient the target records belong
  to, and another patient;
- ``doctor_own`` / ``doctor_other``: the doctor of the target appointment (who
  therefore treats ``patient_own``), and an unrelated doctor;
- ``admin``.

Each row names an operation, the expected status per caller, and how to build
the request from the shared world (one appointment, completed, between
``patient_own`` and ``doctor_own``; one report on it). Records a caller may not
see answer 404, not 403 (DESIGN.md).
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from ninja_jwt.tokens import RefreshToken
from PIL import Image

from project.api import api
from tests.conftest import bearer
from tests.factories import (
    PASSWORD,
    make_specialization,
)
from tests.project.world import World

CALLERS = (
    "anonymous",
    "patient_own",
    "patient_other",
    "doctor_own",
    "doctor_other",
    "admin",
)


def expect(
    anonymous: int,
    patient_own: int,
    patient_other: int,
    doctor_own: int,
    doctor_other: int,
    admin: int,
) -> dict[str, int]:
    statuses = (anonymous, patient_own, patient_other, doctor_own, doctor_other, admin)
    return dict(zip(CALLERS, statuses, strict=True))


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(CALLERS, status)


def signed_in(status: int) -> dict[str, int]:
    return {**everyone(status), "anonymous": 401}


@dataclass
class Row:
    expected: dict[str, int]
    path_params: Callable[[World], dict[str, Any]] = lambda world: {}
    json: Callable[[World], dict[str, Any]] | None = None
    query: Callable[[World], dict[str, Any]] | None = None
    multipart: Callable[[World], dict[str, Any]] | None = None


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png")


def _pdf() -> SimpleUploadedFile:
    content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile("result.pdf", content, "application/pdf")


def _registration(world: World) -> dict[str, Any]:
    name = world.unique("newcomer")
    return {
        "username": name,
        "email": f"{name}@example.com",
        "password": "a-long-and-unusual-passphrase",
        "date_of_birth": "1990-04-01",
    }


def _new_doctor(world: World) -> dict[str, Any]:
    name = world.unique("newdoc")
    return {
        "username": name,
        "email": f"{name}@example.com",
        "password": "a-long-and-unusual-passphrase",
        "first_name": "New",
        "last_name": "Doctor",
        "specialization_id": make_specialization().pk,
        "license_number": world.unique("LIC-NEW-"),
    }


def _refresh_of_patient(world: World) -> dict[str, Any]:
    return {"refresh": str(RefreshToken.for_user(world.users["patient_own"]))}


# The doctor's own schedule: that doctor and admins manage it.
MANAGERS_WRITE = expect(401, 403, 403, 201, 403, 201)
MANAGERS_READ = expect(401, 403, 403, 200, 403, 200)
MANAGERS_DELETE = expect(401, 403, 403, 204, 403, 204)
# One visit: its patient, its doctor and admins see it; others get 404.
OWN_VISIT_READ = expect(401, 200, 404, 200, 404, 200)
# Clinic-side steps of a visit: its doctor and admins.
DOCTOR_ACTION = expect(401, 403, 404, 200, 404, 200)
# The same steps on a visit that is pending and not today: callers who may act
# get past the permission check to the state rule (409); others never do.
DOCTOR_ACTION_TOO_EARLY = expect(401, 403, 404, 409, 404, 409)
ADMIN_ONLY = expect(401, 403, 403, 403, 403, 200)

# (method, OpenAPI path) -> row. Keep in the order of the schema.
MATRIX: dict[tuple[str, str], Row] = {
    ("POST", "/api/v1/auth/register"): Row(everyone(201), json=_registration),
    ("POST", "/api/v1/auth/token/pair"): Row(
        everyone(200),
        json=lambda w: {
            "username": w.users["patient_own"].username,
            "password": PASSWORD,
        },
    ),
    ("POST", "/api/v1/auth/token/refresh"): Row(
        everyone(200), json=_refresh_of_patient
    ),
    ("POST", "/api/v1/auth/logout"): Row(everyone(204), json=_refresh_of_patient),
    ("GET", "/api/v1/me"): Row(signed_in(200)),
    ("GET", "/api/v1/specializations"): Row(everyone(200)),
    ("GET", "/api/v1/doctors"): Row(everyone(200)),
    ("POST", "/api/v1/doctors"): Row(
        expect(401, 403, 403, 403, 403, 201), json=_new_doctor
    ),
    ("GET", "/api/v1/doctors/{doctor_id}"): Row(
        everyone(200), path_params=lambda w: {"doctor_id": w.doctor.pk}
    ),
    ("PATCH", "/api/v1/doctors/{doctor_id}"): Row(
        expect(401, 403, 403, 200, 403, 200),
        path_params=lambda w: {"doctor_id": w.doctor.pk},
        json=lambda w: {"description": "Sees adults and children."},
    ),
    ("POST", "/api/v1/auth/verify-email"): Row(
        everyone(400), json=lambda w: {"token": "not-a-real-token"}
    ),
    # Every caller's address is already verified.
    ("POST", "/api/v1/auth/verify-email/resend"): Row(signed_in(409)),
    ("POST", "/api/v1/auth/password/change"): Row(
        signed_in(204),
        json=lambda w: {
            "current_password": PASSWORD,
            "new_password": "another-long-passphrase-42",
        },
    ),
    ("POST", "/api/v1/auth/password/reset"): Row(
        everyone(202), json=lambda w: {"email": w.users["patient_own"].email}
    ),
    ("POST", "/api/v1/auth/password/reset/confirm"): Row(
        everyone(400),
        json=lambda w: {
            "uid": "bm90LWEtdXNlcg",
            "token": "not-a-real-token",
            "new_password": "another-long-passphrase-42",
        },
    ),
    ("GET", "/api/v1/me/profile"): Row(signed_in(200)),
    # Admins edit their own account in the admin, not through the profile API.
    ("PATCH", "/api/v1/me/profile"): Row(
        expect(401, 200, 200, 200, 200, 403), json=lambda w: {"first_name": "Renamed"}
    ),
    ("POST", "/api/v1/me/profile/photo"): Row(
        signed_in(200), multipart=lambda w: {"photo": _png()}
    ),
    ("DELETE", "/api/v1/me/profile/photo"): Row(signed_in(200)),
    ("GET", "/api/v1/appointments/{appointment_id}/ics"): Row(
        expect(401, 200, 404, 200, 404, 200),
        path_params=lambda w: {"appointment_id": w.appointment.pk},
    ),
    ("POST", "/api/v1/feedback"): Row(
        expect(401, 201, 404, 403, 403, 403),
        json=lambda w: {"appointment_id": str(w.appointment.pk), "rating": 5},
    ),
    ("GET", "/api/v1/doctors/{doctor_id}/feedback"): Row(
        everyone(200), path_params=lambda w: {"doctor_id": w.doctor.pk}
    ),
    ("POST", "/api/v1/reports"): Row(
        expect(401, 201, 404, 201, 404, 404),
        multipart=lambda w: {
            "patient_id": str(w.users["patient_own"].pk),
            "kind": "lab",
            "file": _pdf(),
        },
    ),
    ("GET", "/api/v1/reports"): Row(signed_in(200)),
    ("GET", "/api/v1/reports/{report_id}/download"): Row(
        expect(401, 200, 404, 200, 404, 200),
        path_params=lambda w: {"report_id": w.report.pk},
    ),
    ("GET", "/api/v1/doctors/{doctor_id}/slots"): Row(
        everyone(200),
        path_params=lambda w: {"doctor_id": w.doctor.pk},
        query=lambda w: {"date_from": w.free_day, "date_to": w.free_day},
    ),
    ("POST", "/api/v1/doctors/{doctor_id}/availability"): Row(
        MANAGERS_WRITE,
        path_params=lambda w: {"doctor_id": w.doctor.pk},
        json=lambda w: {
            "date": str(w.free_day + timedelta(days=1)),
            "start_time": "09:00",
            "end_time": "11:00",
        },
    ),
    ("GET", "/api/v1/doctors/{doctor_id}/availability"): Row(
        MANAGERS_READ, path_params=lambda w: {"doctor_id": w.doctor.pk}
    ),
    ("PATCH", "/api/v1/doctors/{doctor_id}/availability/{window_id}"): Row(
        MANAGERS_READ,
        path_params=lambda w: {"doctor_id": w.doctor.pk, "window_id": w.window.pk},
        json=lambda w: {"end_time": "12:30"},
    ),
    ("DELETE", "/api/v1/doctors/{doctor_id}/availability/{window_id}"): Row(
        MANAGERS_DELETE,
        path_params=lambda w: {"doctor_id": w.doctor.pk, "window_id": w.window.pk},
    ),
    ("POST", "/api/v1/doctors/{doctor_id}/weekly-hours"): Row(
        MANAGERS_WRITE,
        path_params=lambda w: {"doctor_id": w.doctor.pk},
        json=lambda w: {"weekday": 2, "start_time": "09:00", "end_time": "12:00"},
    ),
    ("GET", "/api/v1/doctors/{doctor_id}/weekly-hours"): Row(
        MANAGERS_READ, path_params=lambda w: {"doctor_id": w.doctor.pk}
    ),
    ("PATCH", "/api/v1/doctors/{doctor_id}/weekly-hours/{hours_id}"): Row(
        MANAGERS_READ,
        path_params=lambda w: {"doctor_id": w.doctor.pk, "hours_id": w.hours.pk},
        json=lambda w: {"end_time": "18:00"},
    ),
    ("DELETE", "/api/v1/doctors/{doctor_id}/weekly-hours/{hours_id}"): Row(
        MANAGERS_DELETE,
        path_params=lambda w: {"doctor_id": w.doctor.pk, "hours_id": w.hours.pk},
    ),
    ("POST", "/api/v1/doctors/{doctor_id}/time-off"): Row(
        MANAGERS_WRITE,
        path_params=lambda w: {"doctor_id": w.doctor.pk},
        json=lambda w: {
            "date_from": str(w.free_day + timedelta(days=30)),
            "date_to": str(w.free_day + timedelta(days=31)),
        },
    ),
    ("GET", "/api/v1/doctors/{doctor_id}/time-off"): Row(
        MANAGERS_READ, path_params=lambda w: {"doctor_id": w.doctor.pk}
    ),
    ("DELETE", "/api/v1/doctors/{doctor_id}/time-off/{time_off_id}"): Row(
        MANAGERS_DELETE,
        path_params=lambda w: {
            "doctor_id": w.doctor.pk,
            "time_off_id": w.time_off.pk,
        },
    ),
    ("POST", "/api/v1/appointments"): Row(
        expect(401, 201, 201, 403, 403, 422),
        json=lambda w: {"doctor_id": w.doctor.pk, "start": _slot(w, "09:00")},
    ),
    ("GET", "/api/v1/appointments"): Row(signed_in(200)),
    ("GET", "/api/v1/appointments/{appointment_id}"): Row(
        OWN_VISIT_READ, path_params=lambda w: {"appointment_id": w.upcoming.pk}
    ),
    ("POST", "/api/v1/appointments/{appointment_id}/cancel"): Row(
        OWN_VISIT_READ,
        path_params=lambda w: {"appointment_id": w.upcoming.pk},
        json=lambda w: {},
    ),
    ("POST", "/api/v1/appointments/{appointment_id}/reschedule"): Row(
        OWN_VISIT_READ,
        path_params=lambda w: {"appointment_id": w.upcoming.pk},
        json=lambda w: {"start": _slot(w, "09:30")},
    ),
    ("POST", "/api/v1/appointments/{appointment_id}/confirm"): Row(
        DOCTOR_ACTION, path_params=lambda w: {"appointment_id": w.upcoming.pk}
    ),
    ("POST", "/api/v1/appointments/{appointment_id}/complete"): Row(
        DOCTOR_ACTION_TOO_EARLY, path_params=lambda w: {"appointment_id": w.upcoming.pk}
    ),
    ("POST", "/api/v1/appointments/{appointment_id}/no-show"): Row(
        DOCTOR_ACTION_TOO_EARLY, path_params=lambda w: {"appointment_id": w.upcoming.pk}
    ),
    ("POST", "/api/v1/appointments/{appointment_id}/check-in"): Row(
        DOCTOR_ACTION_TOO_EARLY, path_params=lambda w: {"appointment_id": w.upcoming.pk}
    ),
    ("POST", "/api/v1/appointments/{appointment_id}/start"): Row(
        DOCTOR_ACTION_TOO_EARLY, path_params=lambda w: {"appointment_id": w.upcoming.pk}
    ),
    ("GET", "/api/v1/analytics/summary"): Row(ADMIN_ONLY),
    ("GET", "/api/v1/analytics/trend"): Row(ADMIN_ONLY),
    ("GET", "/api/v1/analytics/workload"): Row(ADMIN_ONLY),
    ("GET", "/api/v1/analytics/rates/doctors"): Row(ADMIN_ONLY),
    ("GET", "/api/v1/analytics/rates/time"): Row(ADMIN_ONLY),
    ("GET", "/api/v1/analytics/lead-times"): Row(ADMIN_ONLY),
    ("GET", "/api/v1/analytics/days-ahead"): Row(ADMIN_ONLY),
    ("POST", "/api/v1/waitlist"): Row(
        expect(401, 201, 201, 403, 403, 403),
        json=lambda w: {
            "doctor_id": w.doctor.pk,
            "date_from": str(w.free_day + timedelta(days=2)),
            "date_to": str(w.free_day + timedelta(days=3)),
        },
    ),
    ("GET", "/api/v1/waitlist"): Row(signed_in(200)),
    ("DELETE", "/api/v1/waitlist/{entry_id}"): Row(
        expect(401, 204, 404, 404, 404, 404),
        path_params=lambda w: {"entry_id": w.offer.entry_id},
    ),
    ("GET", "/api/v1/waitlist/offers"): Row(signed_in(200)),
    ("POST", "/api/v1/waitlist/offers/{offer_id}/accept"): Row(
        expect(401, 201, 404, 404, 404, 404),
        path_params=lambda w: {"offer_id": w.offer.pk},
    ),
    ("POST", "/api/v1/waitlist/offers/{offer_id}/decline"): Row(
        expect(401, 200, 404, 404, 404, 404),
        path_params=lambda w: {"offer_id": w.offer.pk},
    ),
    # Another doctor's forecast is not visible to a doctor: 404.
    ("GET", "/api/v1/forecasts/doctors/{doctor_id}"): Row(
        expect(401, 403, 403, 200, 404, 200),
        path_params=lambda w: {"doctor_id": w.doctor.pk},
    ),
    # Staff (doctors and admins) see which days run hot.
    ("GET", "/api/v1/forecasts/high-demand"): Row(expect(401, 403, 403, 200, 200, 200)),
    ("GET", "/api/v1/analytics/forecast"): Row(ADMIN_ONLY),
    ("GET", "/api/v1/doctors/{doctor_id}/slots/recommended"): Row(
        everyone(200),
        path_params=lambda w: {"doctor_id": w.doctor.pk},
        query=lambda w: {"date_from": w.free_day, "date_to": w.free_day},
    ),
}


def schema_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }


def test_every_operation_in_the_schema_has_rows():
    missing = sorted(schema_operations() - MATRIX.keys())
    stale = sorted(MATRIX.keys() - schema_operations())

    assert not missing, (
        "API operations without rows in tests/project/test_permissions_matrix.py "
        "MATRIX (add the expected status for each of "
        f"{', '.join(CALLERS)}): "
        + "; ".join(f"{method} {path}" for method, path in missing)
    )
    assert not stale, f"MATRIX rows for operations no longer in the schema: {stale}"


def _slot(world: World, local: str) -> str:
    """A free slot's start on the free day, in the doctor's time zone."""
    moment = datetime.combine(
        world.free_day, time.fromisoformat(local), ZoneInfo(world.doctor.time_zone)
    )
    return moment.isoformat()


CASES = [
    pytest.param(method, path, caller, id=f"{method} {path} as {caller}")
    for (method, path), row in MATRIX.items()
    for caller in CALLERS
]


@pytest.mark.parametrize(("method", "path", "caller"), CASES)
def test_operation_answers_each_caller_as_expected(client, world, method, path, caller):
    row = MATRIX[(method, path)]
    url = path.format(**row.path_params(world))
    headers = {} if caller == "anonymous" else bearer(world.users[caller])
    kwargs: dict[str, Any] = {"headers": headers}
    if row.query is not None:
        kwargs["query_params"] = row.query(world)
    if row.json is not None:
        kwargs |= {"data": row.json(world), "content_type": "application/json"}
    elif row.multipart is not None:
        kwargs |= {"data": row.multipart(world)}

    response = getattr(client, method.lower())(url, **kwargs)

    assert response.status_code == row.expected[caller], response.content[:300]
    if response.status_code >= 400:
        assert set(response.json()) >= {"detail", "code"}
