"""Pieces every router uses: auth, the error schema, the request context."""

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest
from ninja import Schema
from ninja.security import APIKeyCookie
from ninja.utils import check_csrf
from ninja_jwt.authentication import AsyncJWTAuth

from domain.context import RequestContext
from domain.errors import PermissionDenied
from domain.models import User


class AsyncSessionAuth(APIKeyCookie):
    """Django's session cookie, for the web pages' own calls (CSRF checked).

    Only a session that signs somebody in is held to the CSRF check: a caller
    with no session, a stale one or a bad JWT is simply not authenticated
    (401), as an API client expects, rather than refused for a missing token.
    """

    param_name = settings.SESSION_COOKIE_NAME
    is_async = True

    async def __call__(self, request: HttpRequest) -> Any:
        return await self.authenticate(request, request.COOKIES.get(self.param_name))

    async def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key:
            return None
        user = await request.auser()
        if not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise PermissionDenied("CSRF check failed.", code="csrf_failed")
        return user


# JWT for API clients first; the session for pages served by this app.
AUTH = [AsyncJWTAuth(), AsyncSessionAuth()]


class ErrorOut(Schema):
    detail: Any
    code: str


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Document the error statuses an operation can answer with."""
    return dict.fromkeys(statuses, ErrorOut)


def context_of(request: HttpRequest) -> RequestContext:
    return RequestContext.from_request(
        request, trusted_proxies=settings.TRUSTED_PROXY_COUNT
    )


def user_of(request: HttpRequest) -> User:
    """The authenticated caller of an operation that requires auth."""
    return request.auth  # type: ignore[attr-defined,return-value]


def run_service(func, /, *args, **kwargs):
    """Run a sync service (one transaction) from an async handler."""
    return sync_to_async(func, thread_sensitive=True)(*args, **kwargs)
