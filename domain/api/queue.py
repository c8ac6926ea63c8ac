"""The doctor's day at the practice: check patients in and call them in."""

from uuid import UUID

from ninja import Router, Schema

from domain.api.common import AUTH, context_of, errors, run_service, user_of
from domain.api.types import IsoDateTime, RecordId
from domain.services.queue import appointment_check_in, appointment_start

router = Router(tags=["appointments"], auth=AUTH)


class QueueStepOut(Schema):
    id: UUID
    doctor_id: RecordId
    patient_id: UUID
    start: IsoDateTime
    end: IsoDateTime
    status: str
    checked_in_at: IsoDateTime | None
    consultation_started_at: IsoDateTime | None
    finished_at: IsoDateTime | None


@router.post(
    "/{appointment_id}/check-in",
    response={200: QueueStepOut, **errors(401, 403, 404, 409)},
    summary="The patient has arrived (the doctor or an admin)",
    description="409 `checked_in` when already done, `not_today` for another "
    "day's appointment, `invalid_transition` when it is not active.",
)
async def check_in(request, appointment_id: UUID):
    return await run_service(
        appointment_check_in,
        appointment_id,
        actor=user_of(request),
        context=context_of(request),
    )


@router.post(
    "/{appointment_id}/start",
    response={200: QueueStepOut, **errors(401, 403, 404, 409)},
    summary="Call the checked-in patient in: the consultation starts",
    description="409 `not_checked_in` before check-in, `started` when already "
    "in consultation.",
)
async def start(request, appointment_id: UUID):
    return await run_service(
        appointment_start,
        appointment_id,
        actor=user_of(request),
        context=context_of(request),
    )
