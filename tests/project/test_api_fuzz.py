"""Schemathesis fuzzes every operation of the live OpenAPI schema.

Each operation gets generated requests, valid and invalid by its schema, sent
through the app's whole Django stack (middleware, auth, handlers, database)
in process. Every example is sent as a caller drawn from the shared world
(anonymous, patient, doctor, admin), and its path ids point at the world's
real records half of the time, so permission and state rules are reached,
not only "not found".

The checks are schemathesis' own: no 5xx, every status, content type, header
and body as the schema documents them, schema-invalid input refused with a
4xx, operations with security refusing anonymous calls. One check is left
out: ``positive_data_acceptance`` expects every schema-valid request to be
accepted, but rules no JSON schema can state (a slot must be free, a password
strong, a date not past) refuse such requests with a documented 409 or 422.

``FUZZ_EXAMPLES`` sets the examples per operation (default 25). The run is
derandomized, so CI sees the same examples every time; set
``FUZZ_RANDOM=1`` to explore new ones locally.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import bearer
from tests.project.world import World

# Report downloads stream an async iterator, which only the in-process WSGI
# call consumes synchronously; the served app (ASGI) streams it as it is.
pytestmark = pytest.mark.filterwarnings(
    "ignore:StreamingHttpResponse must consume asynchronous iterators"
)

CALLERS = ("anonymous", "patient_own", "doctor_own", "admin")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def _known_ids(world: World) -> dict[str, object]:
    """Path parameter name -> the id of the world's record of that kind."""
    return {
        "doctor_id": world.doctor.pk,
        "appointment_id": str(world.upcoming.pk),
        "window_id": world.window.pk,
        "hours_id": world.hours.pk,
        "time_off_id": world.time_off.pk,
        "entry_id": world.offer.entry_id,
        "offer_id": world.offer.pk,
        "report_id": str(world.report.pk),
    }


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # Each request closes a connection past its CONN_MAX_AGE (0 with the
    # PostgreSQL pool), which would close the test's transaction under it.
    # Django's test client unhooks the same signal handler while it calls.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _aim_at_real_records(case, world: World, data) -> None:
    """Point valid path ids at the world's records, each half of the time.

    Invalid paths are left as generated: they must still be refused.
    """
    if not case.path_parameters or (
        case.meta and case.meta.is_negative_at(ParameterLocation.PATH)
    ):
        return
    for name, record_id in _known_ids(world).items():
        if name in case.path_parameters and data.draw(
            st.booleans(), label=f"real {name}"
        ):
            case.path_parameters[name] = record_id


@pytest.fixture
def callers(world: World) -> dict[str, dict[str, str]]:
    return {
        name: {} if name == "anonymous" else bearer(world.users[name])
        for name in CALLERS
    }


@schema.parametrize()
@schema.given(caller=st.sampled_from(CALLERS), data=st.data())
@settings(
    max_examples=EXAMPLES,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_operation_answers_as_its_schema_documents(case, caller, data, world, callers):
    _aim_at_real_records(case, world, data)
    case.call_and_validate(
        headers=callers[caller], excluded_checks=[positive_data_acceptance]
    )


def test_every_operation_is_fuzzed():
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 60, "the schema lost operations"
    assert all(op.method and op.path for op in operations)
