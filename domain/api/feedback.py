"""Feedback on visits: patients write it, anyone reads a doctor's."""

from uuid import UUID

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from domain.api.common import AUTH, context_of, errors, run_service, user_of
from domain.api.pagination import LimitOffset
from domain.api.types import IsoDateTime, RecordId
from domain.models import Feedback
from domain.selectors.feedback import doctor_feedback, feedback_author
from domain.services.feedback import feedback_submit

router = Router(tags=["feedback"], auth=AUTH)
# Mounted under /doctors: GET doctors/{id}/feedback.
doctor_router = Router(tags=["feedback"], auth=None)


class FeedbackIn(Schema):
    appointment_id: UUID
    rating: int = Field(ge=1, le=5)
    comments: str = Field("", max_length=5000)
    anonymous: bool = False


class FeedbackOut(Schema):
    id: int
    doctor_id: RecordId
    rating: int
    comments: str
    anonymous: bool
    author: str | None = Field(
        description="First name and initial; null when the patient chose anonymity"
    )
    created_at: IsoDateTime

    @staticmethod
    def resolve_author(obj: Feedback) -> str | None:
        return feedback_author(obj)


@router.post(
    "",
    response={201: FeedbackOut, **errors(401, 403, 404, 409, 422)},
    summary="Rate a completed visit (once per appointment)",
)
async def submit_feedback(request, payload: FeedbackIn):
    feedback = await run_service(
        feedback_submit,
        user_of(request),
        appointment_id=payload.appointment_id,
        rating=payload.rating,
        comments=payload.comments,
        anonymous=payload.anonymous,
        context=context_of(request),
    )
    return Status(201, feedback)


@doctor_router.get(
    "/{doctor_id}/feedback",
    response={200: list[FeedbackOut], **errors(404)},
    summary="A doctor's feedback, newest first",
)
@paginate(LimitOffset)
async def list_doctor_feedback(request, doctor_id: RecordId):
    return await run_service(doctor_feedback, doctor_id)
