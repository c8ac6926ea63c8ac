"""Sign-up and JWT tokens."""

import logging
from typing import Literal

from django.contrib.auth import aauthenticate
from ninja import Field, Router, Schema, Status
from ninja_jwt.tokens import RefreshToken
from pydantic import EmailStr

from domain.api.common import context_of, errors, run_service
from domain.api.me import MeOut, me_out
from domain.api.ratelimit import Bucket, limits_check, limits_consume, limits_hit
from domain.api.types import IsoDate
from domain.errors import DomainError
from domain.models import Gender
from domain.services.accounts import NewAccount, patient_register
from domain.services.audit import audit_record
from domain.services.tokens import token_revoke, token_rotate

logger = logging.getLogger(__name__)
router = Router(tags=["auth"], auth=None)


class RegisterIn(Schema):
    username: str = Field(min_length=3, max_length=150, pattern=r"^[\w.@+-]+$")
    email: EmailStr
    password: str = Field(min_length=1, max_length=128)
    date_of_birth: IsoDate
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    gender: Literal["female", "male", "other", "undisclosed"] = Gender.UNDISCLOSED
    contact_number: str | None = Field(
        None, max_length=32, pattern=r"^\+?[0-9 ()-]{5,32}$"
    )


class TokenPairIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=128)


class TokenPairOut(Schema):
    access: str
    refresh: str


@router.post(
    "/register",
    response={201: MeOut, **errors(409, 422, 429)},
    summary="Sign up as a patient",
)
async def register(request, payload: RegisterIn):
    context = context_of(request)
    await limits_consume(
        Bucket("register_ip", context.ip_address or "unknown"),
        Bucket("register_account", payload.email),
    )
    account = NewAccount(
        username=payload.username,
        email=payload.email,
        password=payload.password,
        first_name=payload.first_name,
        last_name=payload.last_name,
    )
    user = await run_service(
        patient_register,
        account,
        date_of_birth=payload.date_of_birth,
        gender=payload.gender,
        contact_number=payload.contact_number,
        context=context,
    )
    return Status(201, await me_out(user))


@router.post(
    "/token/pair",
    response={200: TokenPairOut, **errors(401, 422, 429)},
    summary="Exchange username and password for an access and a refresh token",
)
async def token_pair(request, payload: TokenPairIn):
    context = context_of(request)
    # Failures are counted per account and per address; once either is full,
    # even the right password is refused until the window ends.
    buckets = (
        Bucket("login_account", payload.username),
        Bucket("login_ip", context.ip_address or "unknown"),
    )
    await limits_check(*buckets)
    user = await aauthenticate(
        request, username=payload.username, password=payload.password
    )
    if user is None or user.imported:
        await run_service(
            audit_record,
            "auth.sign_in_failed",
            actor=None,
            context=context,
            detail={"username": payload.username[:150]},
        )
        logger.info("sign-in refused")
        await limits_hit(*buckets)
        raise DomainError(
            "No active account with these credentials.",
            code="invalid_credentials",
            status=401,
        )
    await run_service(audit_record, "auth.signed_in", actor=user, context=context)
    refresh = await run_service(RefreshToken.for_user, user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


class RefreshIn(Schema):
    refresh: str = Field(min_length=1, max_length=2000)


@router.post(
    "/token/refresh",
    response={200: TokenPairOut, **errors(401, 422)},
    summary="Rotate a refresh token into a new pair",
)
async def token_refresh(request, payload: RefreshIn):
    return await run_service(token_rotate, payload.refresh)


@router.post(
    "/logout",
    response={204: None, **errors(401, 422)},
    summary="Revoke a refresh token",
)
async def logout(request, payload: RefreshIn):
    await run_service(token_revoke, payload.refresh)
    return Status(204, None)
