"""The caller's own profile and photo."""

from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Field, File, Router, Schema, UploadedFile

from domain.api.common import AUTH, context_of, errors, run_service, user_of
from domain.api.types import IsoDate, RecordId
from domain.selectors.profiles import profile_of
from domain.services.profiles import (
    profile_photo_remove,
    profile_photo_set,
    profile_update,
)

router = Router(tags=["me"], auth=AUTH)

PHONE = r"^\+?[0-9 ()-]{5,32}$"


class PatientPart(Schema):
    date_of_birth: IsoDate
    gender: str
    contact_number: str | None
    relative_contact_number: str


class DoctorPart(Schema):
    id: int
    specialization_id: RecordId
    degree: str
    description: str
    years_of_experience: int
    rating: Decimal
    rating_count: int
    time_zone: str


class ProfileOut(Schema):
    id: UUID
    username: str
    email: str
    email_verified: bool
    role: str
    first_name: str
    last_name: str
    photo_url: str | None
    patient: PatientPart | None
    doctor: DoctorPart | None


class ProfilePatchIn(Schema):
    first_name: str | None = Field(None, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    date_of_birth: IsoDate | None = None
    gender: Literal["female", "male", "other", "undisclosed"] | None = None
    contact_number: str | None = Field(None, max_length=32, pattern=PHONE)
    relative_contact_number: str | None = Field(None, max_length=32, pattern=PHONE)
    degree: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=5000)
    years_of_experience: int | None = Field(None, ge=0, le=80)


async def _profile(user) -> dict:
    return await run_service(profile_of, user)


@router.get("", response={200: ProfileOut, **errors(401)}, summary="My profile")
async def get_profile(request):
    return await _profile(user_of(request))


@router.patch(
    "",
    response={200: ProfileOut, **errors(401, 403, 409, 422)},
    summary="Update my profile (patients: personal details; doctors: biography)",
)
async def patch_profile(request, payload: ProfilePatchIn):
    user = await run_service(
        profile_update,
        user_of(request),
        changes={
            name: value
            for name, value in payload.dict(exclude_unset=True).items()
            if value is not None
        },
        context=context_of(request),
    )
    return await _profile(user)


@router.post(
    "/photo",
    response={200: ProfileOut, **errors(401, 413, 415, 422)},
    summary="Upload my photo (JPEG, PNG or WebP; resized, metadata removed)",
)
async def upload_photo(request, photo: File[UploadedFile]):
    user = await run_service(
        profile_photo_set, user_of(request), upload=photo, context=context_of(request)
    )
    return await _profile(user)


@router.delete(
    "/photo", response={200: ProfileOut, **errors(401)}, summary="Remove my photo"
)
async def delete_photo(request):
    user = await run_service(
        profile_photo_remove, user_of(request), context=context_of(request)
    )
    return await _profile(user)
