"""Calendar files of appointments."""

from uuid import UUID

from django.http import HttpResponse
from ninja import Router

from domain.api.common import AUTH, errors, run_service, user_of
from domain.selectors.calendar import appointment_calendar_file

router = Router(tags=["appointments"], auth=AUTH)


@router.get(
    "/{appointment_id}/ics",
    response={200: None, **errors(401, 404)},
    summary="The appointment as an iCalendar file (the one its mails carry)",
    openapi_extra={
        "responses": {
            200: {
                "description": "text/calendar",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
async def appointment_ics(request, appointment_id: UUID):
    body = await run_service(
        appointment_calendar_file, appointment_id, user=user_of(request)
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="appointment-{appointment_id}.ics"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
