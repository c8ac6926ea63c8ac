"""The waitlist: join, list and leave; accept or decline offered slots."""

from typing import Literal

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from domain.api.appointments import AppointmentOut
from domain.api.common import AUTH, context_of, errors, run_service, user_of
from domain.api.pagination import LimitOffset
from domain.api.types import IsoDate, IsoDateTime, LocalTime, RecordId
from domain.selectors.appointments import appointment_get
from domain.selectors.waitlist import pending_offers_of, waitlist_entries_of
from domain.services.waitlist import (
    waitlist_join,
    waitlist_leave,
    waitlist_offer_accept,
    waitlist_offer_decline,
    waitlist_offers_expire_due,
)

router = Router(tags=["waitlist"], auth=AUTH)


class JoinIn(Schema):
    doctor_id: RecordId
    date_from: IsoDate = Field(description="First day, in the doctor's time zone")
    date_to: IsoDate = Field(description="Last day, included")
    preferred_start_time: LocalTime | None = Field(
        None, description="Only slots starting at or after this local time"
    )
    preferred_end_time: LocalTime | None = Field(
        None, description="Only slots starting before this local time"
    )


class OfferOut(Schema):
    id: int
    doctor_id: RecordId
    start: IsoDateTime
    end: IsoDateTime
    status: Literal["pending", "accepted", "declined", "expired"]
    expires_at: IsoDateTime


class EntryOut(Schema):
    id: int
    doctor_id: RecordId
    date_from: IsoDate
    date_to: IsoDate
    preferred_start_time: LocalTime | None
    preferred_end_time: LocalTime | None
    status: Literal["waiting", "offered", "booked", "left", "expired"]
    created_at: IsoDateTime


@router.post(
    "",
    response={201: EntryOut, **errors(401, 403, 404, 409, 422)},
    summary="Wait for a doctor's freed slots in a range of days (patients)",
    description="409 `waitlist_duplicate` when the patient already waits for "
    "this doctor and range. Offers are first come, first served.",
)
async def join(request, payload: JoinIn):
    entry = await run_service(
        waitlist_join,
        user_of(request),
        doctor_id=payload.doctor_id,
        date_from=payload.date_from,
        date_to=payload.date_to,
        preferred_start_time=payload.preferred_start_time,
        preferred_end_time=payload.preferred_end_time,
        context=context_of(request),
    )
    return Status(201, entry)


def _entries(user):
    waitlist_offers_expire_due(patient=user)
    return list(waitlist_entries_of(user))


@router.get(
    "",
    response={200: list[EntryOut], **errors(401)},
    summary="The caller's waitlist entries, newest first",
)
@paginate(LimitOffset)
async def list_entries(request):
    return await run_service(_entries, user_of(request))


@router.delete(
    "/{int:entry_id}",
    response={204: None, **errors(401, 404)},
    summary="Leave a waitlist (a pending offer on it is passed on)",
)
async def leave(request, entry_id: RecordId):
    await run_service(
        waitlist_leave, user_of(request), entry_id=entry_id, context=context_of(request)
    )
    return Status(204, None)


def _offers(user):
    waitlist_offers_expire_due(patient=user)
    return list(pending_offers_of(user))


@router.get(
    "/offers",
    response={200: list[OfferOut], **errors(401)},
    summary="The caller's open offers",
)
async def list_offers(request):
    return await run_service(_offers, user_of(request))


@router.post(
    "/offers/{offer_id}/accept",
    response={201: AppointmentOut, **errors(401, 404, 409)},
    summary="Book the held slot (only the offered patient, before it expires)",
    description="404 when the offer is not the caller's; 409 `offer_closed` "
    "once it expired, was declined or was accepted.",
)
async def accept(request, offer_id: RecordId):
    user = user_of(request)
    appointment = await run_service(
        waitlist_offer_accept, user, offer_id=offer_id, context=context_of(request)
    )
    return Status(201, await run_service(appointment_get, user, appointment.pk))


@router.post(
    "/offers/{offer_id}/decline",
    response={200: OfferOut, **errors(401, 404, 409)},
    summary="Turn the offer down; the slot goes to the next waiting patient",
)
async def decline(request, offer_id: RecordId):
    return await run_service(
        waitlist_offer_decline,
        user_of(request),
        offer_id=offer_id,
        context=context_of(request),
    )
