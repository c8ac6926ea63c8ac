"""Document, on every operation, the errors that shared machinery can answer.

Handlers list the refusals of their own rules (``errors(404, 409)``). Some
answers come from layers every operation passes through instead: the body
parser (400 for a body that is not JSON), Ninja's validation (422), the auth
classes (401; 403 for a signed-in session without its CSRF token) and the
database error handler (503). Writing those by hand on each operation would
let one be forgotten; adding them here, where the schema is built, keeps the
schema true for every operation, including ones added later.
"""

from http import HTTPStatus
from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
UNSAFE_METHODS = {"post", "put", "patch", "delete"}
SESSION_SCHEME = "AsyncSessionAuth"


def _error_response(status: int, note: str) -> dict[str, Any]:
    return {
        "description": f"{HTTPStatus(status).phrase}: {note}",
        "content": {"application/json": {"schema": ERROR_REF}},
    }


def _shared_errors(method: str, operation: dict[str, Any]) -> dict[int, str]:
    """The statuses this operation can get from shared layers, with why."""
    found = {503: "the database is briefly unreachable (`database_unavailable`)"}
    body = operation.get("requestBody", {}).get("content", {})
    if operation.get("parameters") or body:
        found[422] = "a parameter or the body is invalid (`validation_error`)"
    if "application/json" in body:
        found[400] = "the body is not valid JSON (`bad_request`)"
    schemes = {name for entry in operation.get("security", []) for name in entry}
    if schemes:
        found[401] = "no valid credentials (`not_authenticated`)"
    if SESSION_SCHEME in schemes and method in UNSAFE_METHODS:
        found[403] = "a session cookie without its CSRF token (`csrf_failed`)"
    return found


def document_shared_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the shared error responses that an operation does not list itself."""
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, note in _shared_errors(method, operation).items():
                responses.setdefault(status, _error_response(status, note))
    return schema
