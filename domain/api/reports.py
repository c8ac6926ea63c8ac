"""Private patient reports: upload, list, download. Never a public URL."""

from typing import Literal
from uuid import UUID

from asgiref.sync import sync_to_async
from django.http import StreamingHttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from domain.api.common import AUTH, context_of, errors, run_service, user_of
from domain.api.pagination import LimitOffset
from domain.api.types import IsoDateTime, RecordId
from domain.selectors.reports import reports_visible_to
from domain.services.reports import (
    REPORT_CONTENT_TYPES,
    report_download,
    report_upload,
)

router = Router(tags=["reports"], auth=AUTH)

CHUNK_BYTES = 64 * 1024


class ReportIn(Schema):
    patient_id: UUID | None = Field(
        None, description="Required for doctors; patients upload their own"
    )
    kind: Literal["lab", "imaging", "prescription", "referral", "other"] = "other"
    description: str = Field("", max_length=2000)
    appointment_id: UUID | None = None


class ReportOut(Schema):
    id: UUID
    patient_id: UUID
    doctor_id: RecordId | None
    appointment_id: UUID | None
    uploaded_by_id: UUID | None
    kind: str
    description: str
    original_name: str
    content_type: str
    size: int
    created_at: IsoDateTime
    download_path: str

    @staticmethod
    def resolve_download_path(obj) -> str:
        return f"/api/v1/reports/{obj.pk}/download"


class ReportFilters(Schema):
    patient_id: UUID | None = None


@router.post(
    "",
    response={201: ReportOut, **errors(401, 404, 413, 415, 422)},
    summary="Upload a PDF, PNG or JPEG report for a patient",
)
async def upload_report(request, data: Form[ReportIn], file: File[UploadedFile]):
    actor = user_of(request)
    report = await run_service(
        report_upload,
        actor,
        patient_id=data.patient_id or actor.pk,
        upload=file,
        kind=data.kind,
        description=data.description,
        appointment_id=data.appointment_id,
        context=context_of(request),
    )
    return Status(201, report)


@router.get("", response=list[ReportOut], summary="Reports I may see")
@paginate(LimitOffset)
async def list_reports(request, filters: Query[ReportFilters]):
    return await run_service(
        reports_visible_to, user_of(request), patient_id=filters.patient_id
    )


async def _chunks(handle):
    try:
        while chunk := await sync_to_async(handle.read)(CHUNK_BYTES):
            yield chunk
    finally:
        await sync_to_async(handle.close)()


@router.get(
    "/{report_id}/download",
    response={200: None, **errors(401, 404)},
    summary="Download a report (the patient, their doctors, admins)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, served as the type it was stored as",
                "content": {
                    content_type: {"schema": {"type": "string", "format": "binary"}}
                    for content_type in REPORT_CONTENT_TYPES
                },
            }
        }
    },
)
async def download_report(request, report_id: UUID):
    report = await run_service(
        report_download,
        report_id,
        actor=user_of(request),
        context=context_of(request),
    )
    handle = await sync_to_async(report.file.open)("rb")
    response = StreamingHttpResponse(_chunks(handle), content_type=report.content_type)
    response["Content-Length"] = str(report.size)
    extension = report.file.name.rsplit(".", 1)[-1]
    response["Content-Disposition"] = (
        f'attachment; filename="report-{report.pk}.{extension}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
