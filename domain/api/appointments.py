"""Appointments: book, read, and move through their lifecycle."""

from datetime import datetime
from typing import Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from domain.api.common import AUTH, context_of, errors, run_service, user_of
from domain.api.pagination import LimitOffset
from domain.api.ratelimit import Bucket, limits_consume
from domain.api.types import IsoDate, IsoDateTime, RecordId
from domain.models import Appointment
from domain.selectors.appointments import appointment_get, appointment_list
from domain.services.booking import (
    appointment_book,
    appointment_cancel,
    appointment_complete,
    appointment_confirm,
    appointment_no_show,
    appointment_reschedule,
)

router = Router(tags=["appointments"], auth=AUTH)

StatusName = Literal["pending", "confirmed", "completed", "cancelled", "no_show"]


class AppointmentOut(Schema):
    id: UUID
    doctor_id: RecordId
    patient_id: UUID
    start: IsoDateTime = Field(description="In the doctor's time zone, with offset")
    end: IsoDateTime
    time_zone: str
    status: StatusName
    reason: str
    booked_at: IsoDateTime
    cancellation_reason: str
    cancelled_at: IsoDateTime | None
    rescheduled_from_id: UUID | None
    sequence: int

    @staticmethod
    def resolve_start(obj: Appointment) -> datetime:
        return obj.start.astimezone(ZoneInfo(obj.doctor.time_zone))

    @staticmethod
    def resolve_end(obj: Appointment) -> datetime:
        return obj.end.astimezone(ZoneInfo(obj.doctor.time_zone))

    @staticmethod
    def resolve_time_zone(obj: Appointment) -> str:
        return obj.doctor.time_zone


class BookIn(Schema):
    doctor_id: RecordId
    start: IsoDateTime = Field(description="A free slot's start, with its UTC offset")
    reason: str = Field("", max_length=2000)
    patient_id: UUID | None = Field(None, description="Admins only: who to book")


class CancelIn(Schema):
    reason: str = Field("", max_length=2000)


# A cancellation may come without a body; it then gives no reason.
NO_REASON = CancelIn()


class RescheduleIn(Schema):
    start: IsoDateTime = Field(description="The new slot's start, with its UTC offset")


class AppointmentFilters(Schema):
    status: StatusName | None = None
    date_from: IsoDate | None = Field(None, description="First day (UTC), included")
    date_to: IsoDate | None = Field(None, description="Last day (UTC), included")
    doctor_id: RecordId | None = None


async def _out(request, appointment: Appointment) -> Appointment:
    """Re-read through the caller's view so the doctor rides along."""
    return await run_service(appointment_get, user_of(request), appointment.pk)


@router.post(
    "",
    response={201: AppointmentOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Book a free slot (patients; admins for a patient)",
    description=(
        "422 `not_a_slot` when the start is not one of the doctor's slots; "
        "409 `slot_taken` when it is no longer free, `patient_busy` when the "
        "patient has another appointment then, `day_full` at the daily cap."
    ),
)
async def book(request, payload: BookIn):
    actor = user_of(request)
    # Bursts are counted per patient, whoever books for them.
    await limits_consume(Bucket("booking_patient", str(payload.patient_id or actor.pk)))
    appointment = await run_service(
        appointment_book,
        actor,
        doctor_id=payload.doctor_id,
        start=payload.start,
        reason=payload.reason,
        patient_id=payload.patient_id,
        context=context_of(request),
    )
    return Status(201, await _out(request, appointment))


@router.get(
    "",
    response={200: list[AppointmentOut], **errors(401)},
    summary="Own appointments (patient), schedule (doctor), all (admin)",
)
@paginate(LimitOffset)
async def list_appointments(request, filters: Query[AppointmentFilters]):
    return await run_service(
        appointment_list,
        user_of(request),
        status=filters.status,
        date_from=filters.date_from,
        date_to=filters.date_to,
        doctor_id=filters.doctor_id,
    )


@router.get(
    "/{appointment_id}",
    response={200: AppointmentOut, **errors(401, 404)},
    summary="One appointment the caller may see",
)
async def get_appointment(request, appointment_id: UUID):
    return await run_service(appointment_get, user_of(request), appointment_id)


@router.post(
    "/{appointment_id}/cancel",
    response={200: AppointmentOut, **errors(401, 404, 409)},
    summary="Cancel (patient before the cutoff; the doctor or an admin any time)",
    description="409 `cutoff_passed` for a patient too close to the start; "
    "409 `invalid_transition` when it is not pending or confirmed.",
)
async def cancel(request, appointment_id: UUID, payload: CancelIn = NO_REASON):
    appointment = await run_service(
        appointment_cancel,
        appointment_id,
        actor=user_of(request),
        reason=payload.reason,
        context=context_of(request),
    )
    return await _out(request, appointment)


@router.post(
    "/{appointment_id}/reschedule",
    response={200: AppointmentOut, **errors(401, 404, 409, 422)},
    summary="Move to another free slot, all or nothing; answers the new appointment",
)
async def reschedule(request, appointment_id: UUID, payload: RescheduleIn):
    appointment = await run_service(
        appointment_reschedule,
        appointment_id,
        actor=user_of(request),
        start=payload.start,
        context=context_of(request),
    )
    return await _out(request, appointment)


def _status_route(path: str, service, summary: str):
    @router.post(
        f"/{{appointment_id}}/{path}",
        response={200: AppointmentOut, **errors(401, 403, 404, 409)},
        summary=summary,
        operation_id=f"appointment_{path.replace('-', '_')}",
    )
    async def change(request, appointment_id: UUID):
        appointment = await run_service(
            service,
            appointment_id,
            actor=user_of(request),
            context=context_of(request),
        )
        return await _out(request, appointment)

    return change


confirm = _status_route(
    "confirm", appointment_confirm, "Confirm a pending appointment (its doctor)"
)
complete = _status_route(
    "complete", appointment_complete, "Record as held, after the start (its doctor)"
)
no_show = _status_route(
    "no-show", appointment_no_show, "Record a no-show, after the start (its doctor)"
)
