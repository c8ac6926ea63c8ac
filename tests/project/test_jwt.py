"""JWT settings: the algorithm is pinned and clock skew is tolerated, briefly."""

from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.utils import timezone
from ninja_jwt.tokens import AccessToken, RefreshToken

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def _call(client, token: str):
    return client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")


def _claims(user, *, expires_in: timedelta) -> dict:
    claims = dict(AccessToken.for_user(user).payload)
    claims["exp"] = int((timezone.now() + expires_in).timestamp())
    return claims


def test_access_tokens_are_short_lived_and_refresh_tokens_rotate():
    jwt_settings = settings.NINJA_JWT

    assert jwt_settings["ACCESS_TOKEN_LIFETIME"] <= timedelta(minutes=15)
    assert jwt_settings["ROTATE_REFRESH_TOKENS"] is True
    assert jwt_settings["BLACKLIST_AFTER_ROTATION"] is True


def test_a_token_signed_with_another_algorithm_is_refused(client, patient):
    claims = _claims(patient, expires_in=timedelta(minutes=5))
    token = jwt.encode(claims, settings.SECRET_KEY, algorithm="HS384")

    assert _call(client, token).status_code == 401


def test_an_unsigned_token_is_refused(client, patient):
    claims = _claims(patient, expires_in=timedelta(minutes=5))
    token = jwt.encode(claims, None, algorithm="none")

    assert _call(client, token).status_code == 401


def test_a_token_expired_within_the_allowed_skew_still_works(client, patient):
    claims = _claims(patient, expires_in=timedelta(seconds=-10))
    token = jwt.encode(claims, settings.SECRET_KEY, algorithm="HS256")

    assert _call(client, token).status_code == 200


def test_a_token_expired_beyond_the_skew_is_refused(client, patient):
    claims = _claims(patient, expires_in=timedelta(seconds=-90))
    token = jwt.encode(claims, settings.SECRET_KEY, algorithm="HS256")

    assert _call(client, token).status_code == 401


def test_a_refresh_token_revoked_at_logout_no_longer_refreshes(client, patient):
    refresh = str(RefreshToken.for_user(patient))

    logout = client.post(
        "/api/v1/auth/logout", {"refresh": refresh}, content_type="application/json"
    )
    again = client.post(
        "/api/v1/auth/token/refresh",
        {"refresh": refresh},
        content_type="application/json",
    )

    assert logout.status_code == 204
    assert again.status_code == 401
