"""What happens around a visit: feedback on it and reports from it."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from domain.models.accounts import DoctorProfile
from domain.models.scheduling import Appointment


class Feedback(models.Model):
    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="feedback"
    )
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback"
    )
    doctor = models.ForeignKey(
        DoctorProfile, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField()
    comments = models.TextField(blank=True)
    anonymous = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5),
                name="feedback_rating_range",
            ),
        ]
        indexes = [models.Index(fields=["doctor", "created_at"])]

    def __str__(self) -> str:
        return f"{self.rating}/5 for {self.doctor}"


class ReportKind(models.TextChoices):
    LAB = "lab", "Lab result"
    IMAGING = "imaging", "Imaging"
    PRESCRIPTION = "prescription", "Prescription"
    REFERRAL = "referral", "Referral"
    OTHER = "other", "Other"


def _private_report_path(instance: "Report", filename: str) -> str:
    # The stored name is random: it must reveal nothing about the patient.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"reports/{uuid.uuid4().hex}.{extension}"


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Report(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    doctor = models.ForeignKey(
        DoctorProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    file = models.FileField(upload_to=_private_report_path, storage=_private_storage)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    kind = models.CharField(
        max_length=20, choices=ReportKind.choices, default=ReportKind.OTHER
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["patient", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="report_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} report {self.id}"
