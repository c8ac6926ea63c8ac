"""Private patient reports: checked uploads and audited downloads."""

import logging
import os
from typing import Any

from django.conf import settings
from django.db import transaction

from domain.context import RequestContext
from domain.errors import DomainError, InvalidInput, NotFound
from domain.models import Appointment, DoctorProfile, Report, ReportKind, User
from domain.permissions import can_upload_report_for, require_report_visible
from domain.services.audit import audit_record

logger = logging.getLogger(__name__)

# Leading bytes of each accepted format, and what it is stored and served as.
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
REPORT_CONTENT_TYPES = tuple(content_type for _, content_type, _ in _SIGNATURES)


def report_detect_type(head: bytes) -> tuple[str, str] | None:
    """The content type and extension that the file's magic bytes announce."""
    for signature, content_type, extension in _SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def _checked_upload(upload: Any) -> tuple[str, str]:
    limit = settings.REPORT_MAX_BYTES
    if upload.size > limit:
        raise DomainError(
            f"The file is larger than the limit of {limit} bytes.",
            code="file_too_large",
            status=413,
        )
    if upload.size == 0:
        raise InvalidInput("The file is empty.", code="file_empty", field="file")
    upload.seek(0)
    detected = report_detect_type(upload.read(8))
    upload.seek(0)
    if detected is None:
        raise DomainError(
            "Upload a PDF, PNG or JPEG file.",
            code="unsupported_file_type",
            status=415,
        )
    return detected


def report_upload(
    actor: User,
    *,
    patient_id: object,
    upload: Any,
    kind: str = ReportKind.OTHER,
    description: str = "",
    appointment_id: object | None = None,
    context: RequestContext,
) -> Report:
    """Store a report for a patient; the patient or a doctor treating them may."""
    if not can_upload_report_for(actor, patient_id):
        raise NotFound("Patient")
    if kind not in ReportKind.values:
        raise InvalidInput("Unknown report kind.", field="kind")
    content_type, extension = _checked_upload(upload)
    patient = User.objects.filter(pk=patient_id).first()
    if patient is None:
        raise NotFound("Patient")
    doctor = DoctorProfile.objects.filter(user=actor).first()
    appointment = None
    if appointment_id is not None:
        appointment = Appointment.objects.filter(
            pk=appointment_id, patient=patient
        ).first()
        if appointment is None:
            raise InvalidInput("Unknown appointment.", field="appointment_id")
        doctor = doctor or appointment.doctor

    original_name = os.path.basename(upload.name or "")[:255] or f"report.{extension}"
    stored = None
    try:
        with transaction.atomic():
            report = Report(
                patient=patient,
                doctor=doctor,
                appointment=appointment,
                uploaded_by=actor,
                original_name=original_name,
                content_type=content_type,
                size=upload.size,
                kind=kind,
                description=description.strip(),
            )
            # The stored name is random; the extension follows the content,
            # never the name the client sent.
            report.file.save(f"upload.{extension}", upload, save=False)
            stored = report.file.name
            report.save()
            audit_record(
                "report.uploaded",
                actor=actor,
                context=context,
                target=report,
                detail={
                    "patient_id": str(patient.pk),
                    "kind": kind,
                    "bytes": upload.size,
                },
            )
    except Exception:
        if stored:
            Report._meta.get_field("file").storage.delete(stored)
        raise
    logger.info("report uploaded report_id=%s by=%s", report.pk, actor.pk)
    return report


def report_download(
    report_id: object, *, actor: User, context: RequestContext
) -> Report:
    """Authorise and audit a download; the caller then streams ``report.file``."""
    with transaction.atomic():
        report = Report.objects.filter(pk=report_id).first()
        if report is None:
            raise NotFound("Report")
        require_report_visible(actor, report)
        audit_record(
            "report.downloaded",
            actor=actor,
            context=context,
            target=report,
            detail={"patient_id": str(report.patient_id)},
        )
    return report
