"""Request ids and the one log line per request.

A request id comes from the client's or the proxy's ``X-Request-ID`` when it
looks sane, or is made here. It lives in a context variable for the length of
the request, so every log line written while serving it carries it (see
``RequestIdFilter``), and it is echoed in the response header.

The per-request line names the route template (``api/v1/doctors/<int:doctor_id>``)
rather than the path, and never the query string, headers or body: those can
hold tokens, and in this application health data.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# Long enough for the ids proxies make (UUIDs, Railway's and others' base62
# ids), short and plain enough that a client cannot stuff a log line with it.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
_NO_REQUEST = "-"
# Probes arrive every few seconds; their lines would drown the real traffic.
_QUIET_PATHS = frozenset({"/healthz", "/livez", "/readyz"})

request_id_var: ContextVar[str] = ContextVar("request_id", default=_NO_REQUEST)


def current_request_id() -> str:
    """The id of the request being served, or ``-`` outside a request."""
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record, so formatters can always print it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


def _incoming_request_id(request: HttpRequest) -> str:
    candidate = request.headers.get(REQUEST_ID_HEADER, "")
    if _VALID_REQUEST_ID.match(candidate):
        return candidate
    return uuid.uuid4().hex


def _route_of(request: HttpRequest) -> str:
    if request.path in _QUIET_PATHS:
        return request.path
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route:
        return "(unmatched)"
    return match.route


def _user_id_of(request: HttpRequest) -> str | None:
    # Only identities already resolved while serving the request are read: a
    # lazy session user would cost a query, and from async code would not be
    # allowed at all.
    auth = getattr(request, "auth", None)
    if getattr(auth, "pk", None) is not None:
        return str(auth.pk)
    user = getattr(request, "_cached_user", None)
    if user is not None and user.is_authenticated:
        return str(user.pk)
    return None


class RequestLogMiddleware:
    """Sets the request id and writes one INFO line per request when done."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if iscoroutinefunction(self):
            return self._acall(request)
        token, started = self._start(request)
        try:
            response = self.get_response(request)
            self._finish(request, response, started)
            return response
        finally:
            request_id_var.reset(token)

    async def _acall(self, request: HttpRequest):
        token, started = self._start(request)
        try:
            response = await self.get_response(request)
            self._finish(request, response, started)
            return response
        finally:
            request_id_var.reset(token)

    def _start(self, request: HttpRequest):
        request_id = _incoming_request_id(request)
        request.request_id = request_id
        return request_id_var.set(request_id), time.perf_counter()

    def _finish(
        self, request: HttpRequest, response: HttpResponse, started: float
    ) -> None:
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response[REQUEST_ID_HEADER] = request.request_id
        route = _route_of(request)
        logger.log(
            logging.DEBUG if request.path in _QUIET_PATHS else logging.INFO,
            "%s %s %s %sms",
            request.method,
            route,
            response.status_code,
            duration_ms,
            extra={
                "event": "http.request",
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": _user_id_of(request),
            },
        )
