"""Proving that an e-mail address belongs to its account."""

import logging

from django.conf import settings
from django.core import signing
from django.db import transaction

from domain import events
from domain.context import RequestContext
from domain.errors import DomainError
from domain.models import User
from domain.services.audit import audit_record
from domain.services.throttle import throttle_check

logger = logging.getLogger(__name__)

_SALT = "domain.email-verification"


def email_verification_token(user: User) -> str:
    """A signed, timestamped token naming the user and the address being proved.

    Binding the address means a token stops working once the address changes.
    """
    return signing.dumps({"u": str(user.pk), "e": user.email.lower()}, salt=_SALT)


def _token_refused(detail: str, code: str) -> DomainError:
    return DomainError(detail, code=code, status=400)


def email_verify(token: str, *, context: RequestContext) -> User:
    """Mark the address in ``token`` verified; verifying twice is harmless."""
    max_age = settings.EMAIL_VERIFICATION_MAX_AGE_HOURS * 3600
    try:
        claims = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise _token_refused(
            "This verification link has expired; ask for a new one.", "token_expired"
        ) from exc
    except signing.BadSignature as exc:
        raise _token_refused(
            "This verification link is invalid.", "token_invalid"
        ) from exc

    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(pk=claims.get("u"), is_active=True)
            .first()
        )
        if user is None or user.email.lower() != claims.get("e"):
            raise _token_refused("This verification link is invalid.", "token_invalid")
        if not user.email_verified:
            user.email_verified = True
            user.save(update_fields=["email_verified", "updated_at"])
            audit_record(
                "account.email_verified", actor=user, context=context, target=user
            )
            logger.info("email verified user_id=%s", user.pk)
    return user


def email_verification_resend(user: User, *, context: RequestContext) -> None:
    """Send a new verification mail, a few times an hour at most."""
    if user.email_verified:
        raise DomainError(
            "Your e-mail address is already verified.",
            code="already_verified",
            status=409,
        )
    with transaction.atomic():
        throttle_check(
            "account.verification_resent",
            user=user,
            per_hour=settings.VERIFICATION_RESENDS_PER_HOUR,
        )
        audit_record(
            "account.verification_resent", actor=user, context=context, target=user
        )
        events.emit(events.VERIFICATION_REQUESTED, user_id=str(user.pk))
