"""A doctor's working time and free slots, under ``/doctors/{doctor_id}/``."""

from zoneinfo import ZoneInfo

from ninja import Field, Query, Router, Schema, Status

from domain.api.common import AUTH, context_of, errors, run_service, user_of
from domain.api.types import IsoDate, IsoDateTime, LocalTime, RecordId
from domain.selectors.availability import (
    availability_list,
    time_off_list,
    weekly_hours_list,
)
from domain.selectors.slots import MAX_RANGE_DAYS, DoctorSlots, doctor_slots
from domain.services import availability as services

router = Router(tags=["availability"])


class SlotOut(Schema):
    start: IsoDateTime
    end: IsoDateTime


class SlotsOut(Schema):
    doctor_id: RecordId
    time_zone: str
    slots: list[SlotOut]
    held: list[SlotOut] = Field(
        description="Held for a waiting patient's offer: not bookable now (409), "
        "free again if the offer is declined or expires"
    )


class SlotRange(Schema):
    date_from: IsoDate | None = Field(
        None, description="First local day (default: today in the doctor's zone)"
    )
    date_to: IsoDate | None = Field(
        None,
        description=f"Last local day, included (default: a week; at most "
        f"{MAX_RANGE_DAYS} days)",
    )


class WindowIn(Schema):
    date: IsoDate
    start_time: LocalTime = Field(description="Doctor's local time, e.g. 09:00")
    end_time: LocalTime


class WindowPatchIn(Schema):
    date: IsoDate | None = None
    start_time: LocalTime | None = None
    end_time: LocalTime | None = None


class WindowOut(Schema):
    id: int
    date: IsoDate
    start_time: LocalTime
    end_time: LocalTime


class WeeklyHoursIn(Schema):
    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    start_time: LocalTime
    end_time: LocalTime
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None


class WeeklyHoursPatchIn(Schema):
    weekday: int | None = Field(None, ge=0, le=6)
    start_time: LocalTime | None = None
    end_time: LocalTime | None = None
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None


class WeeklyHoursOut(WeeklyHoursIn):
    id: int


class TimeOffIn(Schema):
    start: IsoDateTime | None = Field(
        None, description="With offset; without one it is the doctor's local time"
    )
    end: IsoDateTime | None = None
    date_from: IsoDate | None = Field(None, description="Or whole local days")
    date_to: IsoDate | None = None
    reason: str = Field("", max_length=200)


class TimeOffOut(Schema):
    id: int
    start: IsoDateTime
    end: IsoDateTime
    reason: str


class DateRange(Schema):
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


def _slots_out(found: DoctorSlots) -> dict:
    zone = ZoneInfo(found.time_zone)

    def local(slots) -> list[dict]:
        return [
            {"start": slot.start.astimezone(zone), "end": slot.end.astimezone(zone)}
            for slot in slots
        ]

    return {
        "doctor_id": found.doctor_id,
        "time_zone": found.time_zone,
        "slots": local(found.slots),
        "held": local(found.held),
    }


@router.get(
    "/{doctor_id}/slots",
    response={200: SlotsOut, **errors(404, 422)},
    auth=None,
    summary="Free slots over local days, in the doctor's zone",
    description=f"The range covers at most {MAX_RANGE_DAYS} days "
    "(422 `range_too_wide`).",
)
async def slots(request, doctor_id: RecordId, span: Query[SlotRange]):
    found = await run_service(
        doctor_slots,
        doctor_id,
        date_from=span.date_from,
        date_to=span.date_to,
        with_held=True,
    )
    return _slots_out(found)


@router.post(
    "/{doctor_id}/availability",
    response={201: WindowOut, **errors(401, 403, 404, 422)},
    auth=AUTH,
    summary="Add a dated window (that doctor, admin); overlapping windows merge",
)
async def add_window(request, doctor_id: RecordId, payload: WindowIn):
    window = await run_service(
        services.availability_create,
        doctor_id,
        day=payload.date,
        start_time=payload.start_time,
        end_time=payload.end_time,
        actor=user_of(request),
        context=context_of(request),
    )
    return Status(201, window)


@router.get(
    "/{doctor_id}/availability",
    response={200: list[WindowOut], **errors(401, 403, 404, 422)},
    auth=AUTH,
    summary="Dated windows (that doctor, admin)",
)
async def list_windows(request, doctor_id: RecordId, span: Query[DateRange]):
    return await run_service(
        availability_list,
        doctor_id,
        actor=user_of(request),
        date_from=span.date_from,
        date_to=span.date_to,
    )


@router.patch(
    "/{doctor_id}/availability/{window_id}",
    response={200: WindowOut, **errors(401, 403, 404, 422)},
    auth=AUTH,
    summary="Change a dated window",
)
async def patch_window(
    request, doctor_id: RecordId, window_id: RecordId, payload: WindowPatchIn
):
    return await run_service(
        services.availability_update,
        window_id,
        doctor_id=doctor_id,
        changes=payload.dict(exclude_unset=True),
        actor=user_of(request),
        context=context_of(request),
    )


@router.delete(
    "/{doctor_id}/availability/{window_id}",
    response={204: None, **errors(401, 403, 404)},
    auth=AUTH,
    summary="Remove a dated window (booked appointments stay)",
)
async def delete_window(request, doctor_id: RecordId, window_id: RecordId):
    await run_service(
        services.availability_delete,
        window_id,
        doctor_id=doctor_id,
        actor=user_of(request),
        context=context_of(request),
    )
    return Status(204, None)


@router.post(
    "/{doctor_id}/weekly-hours",
    response={201: WeeklyHoursOut, **errors(401, 403, 404, 422)},
    auth=AUTH,
    summary="Add recurring weekly hours (that doctor, admin)",
)
async def add_weekly_hours(request, doctor_id: RecordId, payload: WeeklyHoursIn):
    hours = await run_service(
        services.weekly_hours_create,
        doctor_id,
        **payload.dict(),
        actor=user_of(request),
        context=context_of(request),
    )
    return Status(201, hours)


@router.get(
    "/{doctor_id}/weekly-hours",
    response={200: list[WeeklyHoursOut], **errors(401, 403, 404)},
    auth=AUTH,
    summary="Weekly hours (that doctor, admin)",
)
async def list_weekly_hours(request, doctor_id: RecordId):
    return await run_service(weekly_hours_list, doctor_id, actor=user_of(request))


@router.patch(
    "/{doctor_id}/weekly-hours/{hours_id}",
    response={200: WeeklyHoursOut, **errors(401, 403, 404, 422)},
    auth=AUTH,
    summary="Change weekly hours (null clears a validity bound)",
)
async def patch_weekly_hours(
    request, doctor_id: RecordId, hours_id: RecordId, payload: WeeklyHoursPatchIn
):
    return await run_service(
        services.weekly_hours_update,
        hours_id,
        doctor_id=doctor_id,
        changes=payload.dict(exclude_unset=True),
        actor=user_of(request),
        context=context_of(request),
    )


@router.delete(
    "/{doctor_id}/weekly-hours/{hours_id}",
    response={204: None, **errors(401, 403, 404)},
    auth=AUTH,
    summary="Remove weekly hours",
)
async def delete_weekly_hours(request, doctor_id: RecordId, hours_id: RecordId):
    await run_service(
        services.weekly_hours_delete,
        hours_id,
        doctor_id=doctor_id,
        actor=user_of(request),
        context=context_of(request),
    )
    return Status(204, None)


@router.post(
    "/{doctor_id}/time-off",
    response={201: TimeOffOut, **errors(401, 403, 404, 422)},
    auth=AUTH,
    summary="Block time: start and end, or whole local days (that doctor, admin)",
)
async def add_time_off(request, doctor_id: RecordId, payload: TimeOffIn):
    off = await run_service(
        services.time_off_create,
        doctor_id,
        **payload.dict(),
        actor=user_of(request),
        context=context_of(request),
    )
    return Status(201, off)


@router.get(
    "/{doctor_id}/time-off",
    response={200: list[TimeOffOut], **errors(401, 403, 404)},
    auth=AUTH,
    summary="Upcoming time off (that doctor, admin)",
)
async def list_time_off(request, doctor_id: RecordId):
    return await run_service(time_off_list, doctor_id, actor=user_of(request))


@router.delete(
    "/{doctor_id}/time-off/{time_off_id}",
    response={204: None, **errors(401, 403, 404)},
    auth=AUTH,
    summary="Remove time off",
)
async def delete_time_off(request, doctor_id: RecordId, time_off_id: RecordId):
    await run_service(
        services.time_off_delete,
        time_off_id,
        doctor_id=doctor_id,
        actor=user_of(request),
        context=context_of(request),
    )
    return Status(204, None)
