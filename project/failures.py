"""Failures outside the API's handlers, answered the way each caller expects.

The API turns a database outage into its 503 JSON (``project/api.py``); the
pages and the admin get a short 503 page with ``Retry-After`` here instead of
Django's 500. And Ninja answers a method a path does not take with a
plain-text 405, which this middleware gives the API's error shape.
"""

import json
import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from project.middleware import ResponseMiddleware

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "5"


class FailureMiddleware(ResponseMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponse
    ) -> HttpResponse:
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            body = {"detail": "Method not allowed.", "code": "method_not_allowed"}
            shaped = HttpResponse(
                json.dumps(body), status=405, content_type="application/json"
            )
            if "Allow" in response:
                shaped["Allow"] = response["Allow"]
            return shaped
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s", exception.__class__.__name__)
        # Rendered without the request: context processors would query the
        # database that just failed.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
