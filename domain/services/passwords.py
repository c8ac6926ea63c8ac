"""Changing a password, and resetting a forgotten one by e-mail."""

import logging

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from ninja_jwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from domain import events
from domain.context import RequestContext
from domain.errors import DomainError, InvalidInput
from domain.models import User
from domain.models.accounts import same_text_ignoring_case
from domain.services.audit import audit_record
from domain.services.throttle import Throttled, throttle_check

logger = logging.getLogger(__name__)


def _set_password(user: User, new_password: str) -> None:
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="new_password") from exc
    user.set_password(new_password)


def _revoke_refresh_tokens(user: User) -> None:
    # A new password must also end sessions held by whoever knew the old one.
    outstanding = OutstandingToken.objects.filter(user=user).exclude(
        blacklistedtoken__isnull=False
    )
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding],
        ignore_conflicts=True,
    )


def password_change(
    user: User,
    *,
    current_password: str,
    new_password: str,
    context: RequestContext,
) -> None:
    """Replace the caller's password after checking the current one."""
    if not user.check_password(current_password):
        raise InvalidInput(
            "The current password is wrong.",
            code="wrong_password",
            field="current_password",
        )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _set_password(user, new_password)
        user.save(update_fields=["password", "updated_at"])
        _revoke_refresh_tokens(user)
        audit_record(
            "account.password_changed", actor=user, context=context, target=user
        )
    logger.info("password changed user_id=%s", user.pk)


def password_reset_request(email: str, *, context: RequestContext) -> None:
    """Mail a reset link if an account has this address; silent either way.

    The answer never reveals whether the address is registered, so an unknown
    address, an imported account or a throttled one all look like success.
    """
    user = (
        User.objects.filter(
            # The e-mail index leaves out empty addresses; so must the query.
            same_text_ignoring_case("email", email.strip()) & ~Q(email=""),
            is_active=True,
            imported=False,
        )
        .order_by("created_at")
        .first()
    )
    if user is None:
        logger.info("password reset requested for an unknown address")
        return
    with transaction.atomic():
        try:
            throttle_check(
                "account.password_reset_requested",
                user=user,
                per_hour=settings.PASSWORD_RESET_MAILS_PER_HOUR,
            )
        except Throttled:
            logger.info("password reset throttled user_id=%s", user.pk)
            return
        audit_record(
            "account.password_reset_requested",
            actor=None,
            context=context,
            target=user,
        )
        events.emit(events.PASSWORD_RESET_REQUESTED, user_id=str(user.pk))


def password_reset_confirm(
    uid: str, *, token: str, new_password: str, context: RequestContext
) -> User:
    """Set a new password with a token from the reset mail; the token works once."""
    refused = DomainError(
        "This reset link is invalid or has expired.", code="token_invalid", status=400
    )
    try:
        user_id = force_str(urlsafe_base64_decode(uid))
    except (ValueError, TypeError) as exc:
        raise refused from exc
    with transaction.atomic():
        try:
            user = (
                User.objects.select_for_update()
                .filter(pk=user_id, is_active=True)
                .first()
            )
        except ValidationError as exc:
            raise refused from exc
        # The token hashes the password and last login, so using it spends it.
        if user is None or not default_token_generator.check_token(user, token):
            raise refused
        _set_password(user, new_password)
        # Reading the mail proved the address, so it counts as verified.
        user.email_verified = True
        user.save(update_fields=["password", "email_verified", "updated_at"])
        _revoke_refresh_tokens(user)
        audit_record("account.password_reset", actor=user, context=context, target=user)
    logger.info("password reset user_id=%s", user.pk)
    return user
