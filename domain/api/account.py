"""Account lifecycle: e-mail verification and passwords."""

from ninja import Field, Router, Schema, Status
from pydantic import EmailStr

from domain.api.common import AUTH, context_of, errors, run_service, user_of
from domain.api.me import MeOut, me_out
from domain.api.ratelimit import Bucket, limits_consume
from domain.services.passwords import (
    password_change,
    password_reset_confirm,
    password_reset_request,
)
from domain.services.verification import email_verification_resend, email_verify

router = Router(tags=["auth"], auth=None)


class VerifyEmailIn(Schema):
    token: str = Field(min_length=1, max_length=500)


class PasswordChangeIn(Schema):
    current_password: str = Field(min_length=1, max_length=128)
    new_password: str = Field(min_length=1, max_length=128)


class PasswordResetIn(Schema):
    email: EmailStr


class PasswordResetConfirmIn(Schema):
    uid: str = Field(min_length=1, max_length=100)
    token: str = Field(min_length=1, max_length=100)
    new_password: str = Field(min_length=1, max_length=128)


@router.post(
    "/verify-email",
    response={200: MeOut, **errors(400, 422)},
    summary="Confirm an e-mail address with the token from the mail",
)
async def verify_email(request, payload: VerifyEmailIn):
    user = await run_service(email_verify, payload.token, context=context_of(request))
    return await me_out(user)


@router.post(
    "/verify-email/resend",
    response={202: None, **errors(401, 409, 429)},
    auth=AUTH,
    summary="Send the verification mail again (a few times an hour)",
)
async def verify_email_resend(request):
    await run_service(
        email_verification_resend, user_of(request), context=context_of(request)
    )
    return Status(202, None)


@router.post(
    "/password/change",
    response={204: None, **errors(401, 422)},
    auth=AUTH,
    summary="Change the caller's password; other sign-ins are revoked",
)
async def change_password(request, payload: PasswordChangeIn):
    await run_service(
        password_change,
        user_of(request),
        current_password=payload.current_password,
        new_password=payload.new_password,
        context=context_of(request),
    )
    return Status(204, None)


@router.post(
    "/password/reset",
    response={202: None, **errors(422, 429)},
    summary="Mail a password reset link (the answer never reveals accounts)",
)
async def reset_password(request, payload: PasswordResetIn):
    context = context_of(request)
    # Per address only: the per-account limit lives in the service, silently,
    # so that this answer says nothing about which addresses have accounts.
    await limits_consume(Bucket("password_reset_ip", context.ip_address or "unknown"))
    await run_service(password_reset_request, payload.email, context=context)
    return Status(202, None)


@router.post(
    "/password/reset/confirm",
    response={204: None, **errors(400, 422)},
    summary="Choose a new password with the uid and token from the reset mail",
)
async def reset_password_confirm(request, payload: PasswordResetConfirmIn):
    await run_service(
        password_reset_confirm,
        payload.uid,
        token=payload.token,
        new_password=payload.new_password,
        context=context_of(request),
    )
    return Status(204, None)
