"""Doctors: public search and profiles; admins create them, doctors edit their own."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from ninja import Field, Query, Router, Schema, Status
from pydantic import EmailStr

from domain.api.common import AUTH, context_of, errors, run_service, user_of
from domain.api.types import IsoDate, IsoDateTime, PageOffset, PageSize, RecordId
from domain.errors import NotFound
from domain.models import DoctorProfile
from domain.permissions import require_admin
from domain.selectors.doctors import (
    doctor_get,
    doctor_search_page,
    doctor_with_next_slot,
)
from domain.services.accounts import NewAccount, doctor_create, doctor_update

router = Router(tags=["doctors"])


class SpecializationRef(Schema):
    id: int
    name: str


class NextSlot(Schema):
    start: IsoDateTime
    end: IsoDateTime


class DoctorOut(Schema):
    id: int
    user_id: str
    first_name: str
    last_name: str
    full_name: str
    specialization: SpecializationRef
    degree: str
    license_number: str
    years_of_experience: int
    rating: Decimal
    rating_count: int
    consultation_fee: Decimal
    description: str
    is_active: bool
    time_zone: str
    photo_url: str | None
    slot_minutes: int
    buffer_minutes: int
    min_notice_minutes: int
    booking_horizon_days: int
    max_patients_per_day: int
    requires_confirmation: bool
    cancellation_cutoff_hours: int
    next_slot: NextSlot | None = Field(
        None, description="Earliest free slot within the booking horizon"
    )

    @staticmethod
    def resolve_next_slot(obj: DoctorProfile) -> dict | None:
        slot = getattr(obj, "next_slot", None)
        if slot is None:
            return None
        zone = ZoneInfo(obj.time_zone)
        return {"start": slot.start.astimezone(zone), "end": slot.end.astimezone(zone)}

    @staticmethod
    def resolve_user_id(obj: DoctorProfile) -> str:
        return str(obj.user_id)

    @staticmethod
    def resolve_first_name(obj: DoctorProfile) -> str:
        return obj.user.first_name

    @staticmethod
    def resolve_last_name(obj: DoctorProfile) -> str:
        return obj.user.last_name

    @staticmethod
    def resolve_full_name(obj: DoctorProfile) -> str:
        return str(obj)

    @staticmethod
    def resolve_photo_url(obj: DoctorProfile) -> str | None:
        return obj.user.photo.url if obj.user.photo else None


class DoctorFilters(Schema):
    specialization_id: RecordId | None = None
    q: str | None = Field(None, max_length=200, description="Name or specialty words")
    symptoms: str | None = Field(
        None, max_length=500, description="Symptom words, mapped to specialties"
    )
    min_rating: Decimal | None = Field(None, ge=0, le=5)
    available_from: IsoDate | None = Field(
        None, description="Has a free slot from this local day"
    )
    available_to: IsoDate | None = Field(
        None, description="... to this one (at most 31 days)"
    )
    limit: PageSize = 20
    offset: PageOffset = 0


class DoctorPage(Schema):
    items: list[DoctorOut]
    count: int


class BookingRules(Schema):
    degree: str = Field("", max_length=100)
    years_of_experience: int = Field(0, ge=0, le=80)
    consultation_fee: Decimal = Field(
        Decimal("0.00"), ge=0, max_digits=8, decimal_places=2
    )
    description: str = Field("", max_length=5000)
    time_zone: str = Field("UTC", max_length=64)
    slot_minutes: int = Field(30, ge=5, le=240)
    buffer_minutes: int = Field(0, ge=0, le=120)
    min_notice_minutes: int = Field(120, ge=0, le=60 * 24 * 30)
    booking_horizon_days: int = Field(60, ge=1, le=365)
    max_patients_per_day: int = Field(10, ge=1, le=200)
    requires_confirmation: bool = False
    cancellation_cutoff_hours: int = Field(24, ge=0, le=24 * 14)


class DoctorCreateIn(BookingRules):
    username: str = Field(min_length=3, max_length=150, pattern=r"^[\w.@+-]+$")
    email: EmailStr
    password: str = Field(min_length=1, max_length=128)
    first_name: str = Field(min_length=1, max_length=150)
    last_name: str = Field(min_length=1, max_length=150)
    specialization_id: RecordId
    license_number: str = Field(min_length=1, max_length=50)


class DoctorPatchIn(Schema):
    email: EmailStr | None = None
    first_name: str | None = Field(None, min_length=1, max_length=150)
    last_name: str | None = Field(None, min_length=1, max_length=150)
    specialization_id: RecordId | None = None
    license_number: str | None = Field(None, min_length=1, max_length=50)
    degree: str | None = Field(None, max_length=100)
    years_of_experience: int | None = Field(None, ge=0, le=80)
    consultation_fee: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    description: str | None = Field(None, max_length=5000)
    time_zone: str | None = Field(None, max_length=64)
    slot_minutes: int | None = Field(None, ge=5, le=240)
    buffer_minutes: int | None = Field(None, ge=0, le=120)
    min_notice_minutes: int | None = Field(None, ge=0, le=60 * 24 * 30)
    booking_horizon_days: int | None = Field(None, ge=1, le=365)
    max_patients_per_day: int | None = Field(None, ge=1, le=200)
    requires_confirmation: bool | None = None
    cancellation_cutoff_hours: int | None = Field(None, ge=0, le=24 * 14)


@router.get(
    "",
    response={200: DoctorPage, **errors(422)},
    auth=None,
    summary="Search active doctors, each with their next free slot",
)
async def list_doctors(request, filters: Query[DoctorFilters]):
    return await run_service(
        doctor_search_page,
        limit=filters.limit,
        offset=filters.offset,
        specialization_id=filters.specialization_id,
        text=filters.q,
        symptoms=filters.symptoms,
        min_rating=filters.min_rating,
        available_from=filters.available_from,
        available_to=filters.available_to,
    )


@router.get(
    "/{doctor_id}",
    response={200: DoctorOut, **errors(404)},
    auth=None,
    summary="One doctor's public profile",
)
async def get_doctor(request, doctor_id: RecordId):
    try:
        return await run_service(doctor_with_next_slot, doctor_id)
    except DoctorProfile.DoesNotExist as exc:
        raise NotFound("Doctor") from exc


@router.post(
    "",
    response={201: DoctorOut, **errors(401, 403, 409, 422)},
    auth=AUTH,
    summary="Create a doctor account and profile (admins)",
)
async def create_doctor(request, payload: DoctorCreateIn):
    actor = user_of(request)
    require_admin(actor)
    data = payload.dict()
    account = NewAccount(
        username=data.pop("username"),
        email=data.pop("email"),
        password=data.pop("password"),
        first_name=data.pop("first_name"),
        last_name=data.pop("last_name"),
    )
    specialization_id = data.pop("specialization_id")
    doctor = await run_service(
        doctor_create,
        account,
        specialization_id=specialization_id,
        profile=data,
        actor=actor,
        context=context_of(request),
    )
    return Status(201, await run_service(doctor_get, doctor.pk, include_inactive=True))


@router.patch(
    "/{doctor_id}",
    response={200: DoctorOut, **errors(401, 403, 404, 409, 422)},
    auth=AUTH,
    summary="Update a doctor (that doctor or an admin)",
)
async def patch_doctor(request, doctor_id: RecordId, payload: DoctorPatchIn):
    doctor = await run_service(
        doctor_update,
        doctor_id,
        changes={
            name: value
            for name, value in payload.dict(exclude_unset=True).items()
            if value is not None
        },
        actor=user_of(request),
        context=context_of(request),
    )
    return await run_service(doctor_get, doctor.pk, include_inactive=True)
