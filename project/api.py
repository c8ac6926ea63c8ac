"""The versioned REST API: one NinjaAPI, its routers and its error handlers.

Every error reaches the client as ``{"detail": ..., "code": ...}``; validation
errors keep Ninja's per-field list in ``detail``.
"""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja_extra.exceptions import APIException

from domain.api import (
    account,
    analytics,
    appointments,
    auth,
    availability,
    calendar,
    doctors,
    feedback,
    me,
    profile,
    queue,
    specializations,
    waitlist,
)
from domain.api import reports as report_routes
from domain.errors import DomainError, RateLimited
from forecasting import api as forecasting_api
from project.openapi import document_shared_errors
from project.parser import JsonObjectParser

logger = logging.getLogger(__name__)


class ClinicAPI(NinjaAPI):
    """The API, whose schema also lists the errors shared layers answer with."""

    def get_openapi_schema(self, *args, **kwargs):
        return document_shared_errors(super().get_openapi_schema(*args, **kwargs))


api = ClinicAPI(
    title="Clinic API",
    version="1",
    description=(
        "Book, reschedule and cancel appointments, manage doctors' availability, "
        "and read forecasts. Authenticate with `POST /api/v1/auth/token/pair` and "
        "send `Authorization: Bearer <access>`."
    ),
    urls_namespace="api-v1",
    parser=JsonObjectParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

api.add_router("/auth", auth.router)
api.add_router("/me", me.router)
api.add_router("/specializations", specializations.router)
api.add_router("/doctors", doctors.router)
api.add_router("/doctors", availability.router)
api.add_router("/appointments", appointments.router)
api.add_router("/auth", account.router)
api.add_router("/me/profile", profile.router)
api.add_router("/appointments", calendar.router)
api.add_router("/appointments", queue.router)
api.add_router("/waitlist", waitlist.router)
api.add_router("/feedback", feedback.router)
api.add_router("/doctors", feedback.doctor_router)
api.add_router("/reports", report_routes.router)
api.add_router("/analytics", analytics.router)
api.add_router("/forecasts", forecasting_api.router)
api.add_router("/analytics", forecasting_api.analytics_router)
api.add_router("/doctors", forecasting_api.doctor_router)


@csrf_exempt
def unmatched(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any other URL under /api/: the API's 404 shape, never an HTML page.

    Ninja routes typed path parameters with converters (``<int:entry_id>``),
    so ``/waitlist/abc`` matches no operation and would otherwise fall
    through to Django's HTML 404. Exempt from CSRF like every API operation,
    so a stray POST gets this 404 rather than the HTML 403 page.
    """
    return _error(request, 404, "Not found.", "not_found")


def _error(request: HttpRequest, status: int, detail, code: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    body = {"detail": exc.detail, "code": exc.code, **exc.extra}
    response = api.create_response(request, body, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    return _error(request, 422, exc.errors, "validation_error")


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return _error(request, 401, "Authentication required.", "not_authenticated")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 429: "throttled"}
    return _error(
        request, exc.status_code, str(exc), codes.get(exc.status_code, "error")
    )


@api.exception_handler(APIException)
def on_ninja_extra_error(request, exc: APIException):
    return _error(
        request, exc.status_code, exc.detail, getattr(exc, "default_code", "error")
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "Not found.", "not_found")


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request, exc):
    logger.error("database unavailable: %s", exc.__class__.__name__)
    response = _error(
        request,
        503,
        "The service is briefly unavailable; retry.",
        "database_unavailable",
    )
    response["Retry-After"] = "5"
    return response


@api.exception_handler(DatabaseError)
@api.exception_handler(Exception)
def on_unexpected(request, exc: Exception):
    logger.exception("unhandled error on %s %s", request.method, request.path)
    return _error(request, 500, "Internal error.", "server_error")
