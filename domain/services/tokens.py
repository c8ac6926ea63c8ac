"""JWT refresh-token rotation and sign-out, on top of ninja-jwt's token classes."""

from django.conf import settings
from django.db import transaction
from ninja_jwt.exceptions import TokenError
from ninja_jwt.tokens import RefreshToken

from domain.errors import DomainError


def _load_refresh(raw: str) -> RefreshToken:
    try:
        # Verifies signature, expiry and (with the blacklist app) revocation.
        return RefreshToken(raw)
    except TokenError as exc:
        raise DomainError(
            "The refresh token is invalid, expired or revoked.",
            code="token_invalid",
            status=401,
        ) from exc


@transaction.atomic
def token_rotate(raw: str) -> dict[str, str]:
    """Trade a refresh token for a new access token and, rotating, a new refresh."""
    refresh = _load_refresh(raw)
    pair = {"access": str(refresh.access_token), "refresh": raw}
    if settings.NINJA_JWT.get("ROTATE_REFRESH_TOKENS"):
        # The old token is revoked so a stolen copy stops working on next use.
        refresh.blacklist()
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        pair["refresh"] = str(refresh)
    return pair


def token_revoke(raw: str) -> None:
    """Sign out: the refresh token can no longer be used."""
    _load_refresh(raw).blacklist()
