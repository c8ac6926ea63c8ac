"""Who is on the other end of a websocket: session cookie or JWT access token."""

from datetime import UTC, datetime

from channels.db import database_sync_to_async
from django.core.exceptions import ValidationError
from ninja_jwt.exceptions import TokenError
from ninja_jwt.settings import api_settings
from ninja_jwt.tokens import AccessToken

from domain.models import User


class WebsocketAuthError(Exception):
    """The token is missing, malformed, expired, or names no active user."""


@database_sync_to_async
def user_from_access_token(raw: object) -> tuple[User, datetime]:
    """The active user an access token names, and when the token expires."""
    if not isinstance(raw, str) or not raw:
        raise WebsocketAuthError("A token is required.")
    try:
        token = AccessToken(raw)
    except TokenError as exc:
        raise WebsocketAuthError("The token is invalid or expired.") from exc
    user_id = token.get(api_settings.USER_ID_CLAIM)
    try:
        user = User.objects.filter(pk=user_id, is_active=True).first()
    except (ValueError, ValidationError):
        user = None
    if user is None:
        raise WebsocketAuthError("The token names no active user.")
    return user, datetime.fromtimestamp(token["exp"], tz=UTC)
