"""Time: when doctors work, when they are away, and who is booked when.

Availability and weekly hours are stored in the doctor's wall-clock time, as the
doctor entered them; appointments, holds and time off are aware UTC instants.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from domain.models.accounts import DoctorProfile


class AppointmentStatus(models.TextChoices):
    PENDING = "pending", "Pending confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


# Statuses that occupy the doctor's time; the overlap constraints cover these.
ACTIVE_STATUSES = (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED)


class Availability(models.Model):
    """A dated window of work, in the doctor's local time."""

    doctor = models.ForeignKey(
        DoctorProfile, on_delete=models.CASCADE, related_name="availabilities"
    )
    date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name_plural = "availabilities"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="availability_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["doctor", "date"])]

    def __str__(self) -> str:
        return f"{self.doctor} {self.date} {self.start_time}-{self.end_time}"


class WeeklyHours(models.Model):
    """A recurring weekly window (weekday 0 = Monday), in the doctor's local time."""

    doctor = models.ForeignKey(
        DoctorProfile, on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name_plural = "weekly hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="weekly_hours_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6),
                name="weekly_hours_weekday_range",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="weekly_hours_validity_ordered",
            ),
        ]
        indexes = [models.Index(fields=["doctor", "weekday"])]

    def __str__(self) -> str:
        return f"{self.doctor} weekday {self.weekday} {self.start_time}-{self.end_time}"


class TimeOff(models.Model):
    """Time the doctor is away; it removes time from windows and weekly hours."""

    doctor = models.ForeignKey(
        DoctorProfile, on_delete=models.CASCADE, related_name="time_off"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="time_off_end_after_start"
            ),
        ]
        # Slot queries ask for time off that ends after the range starts.
        indexes = [
            models.Index(fields=["doctor", "start"]),
            models.Index(fields=["doctor", "end"], name="time_off_doctor_end_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.doctor} off {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M}"


class Appointment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    doctor = models.ForeignKey(
        DoctorProfile, on_delete=models.PROTECT, related_name="appointments"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.TextField(blank=True)
    status = models.CharField(
        max_length=16,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.CONFIRMED,
    )
    # When the booking was made: the pickup ledger the forecaster reads. It is
    # separate from created_at so imported history keeps its real booking time.
    booked_at = models.DateTimeField(default=timezone.now)
    reminder_sent = models.BooleanField(default=False)
    cancellation_reason = models.TextField(blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    rescheduled_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rescheduled_to",
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)
    consultation_started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every change a calendar should see (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="appointment_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AppointmentStatus.values),
                name="appointment_status_valid",
            ),
            # Backstop on every database; on PostgreSQL an exclusion constraint
            # (migration 0002) also refuses overlapping ranges.
            models.UniqueConstraint(
                fields=["doctor", "start"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="appointment_active_doctor_start_unique",
            ),
            models.UniqueConstraint(
                fields=["patient", "start"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="appointment_active_patient_start_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["doctor", "start"], name="appt_doctor_start_idx"),
            models.Index(fields=["patient", "start"], name="appt_patient_start_idx"),
            models.Index(fields=["status"], name="appt_status_idx"),
            models.Index(fields=["booked_at"], name="appt_booked_at_idx"),
            # Clinic-wide figures by day (the dashboard) read a date range
            # across all doctors; status and doctor make the counts covered.
            models.Index(
                fields=["start", "status", "doctor"], name="appt_start_status_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} with {self.doctor} at {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offer out"
    BOOKED = "booked", "Booked"
    LEFT = "left", "Left"
    EXPIRED = "expired", "Range passed"


class WaitlistEntry(models.Model):
    """A patient waiting for any free slot of a doctor within a date range."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist"
    )
    doctor = models.ForeignKey(
        DoctorProfile, on_delete=models.CASCADE, related_name="waitlist"
    )
    date_from = models.DateField()
    date_to = models.DateField()
    # Optional preferred local times of day; a slot must start within them.
    preferred_start_time = models.TimeField(null=True, blank=True)
    preferred_end_time = models.TimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__gte=F("date_from")),
                name="waitlist_range_ordered",
            ),
            models.UniqueConstraint(
                fields=["patient", "doctor", "date_from", "date_to"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_active_entry_unique",
            ),
        ]
        indexes = [models.Index(fields=["doctor", "status", "created_at"])]

    def __str__(self) -> str:
        return (
            f"{self.patient} waits for {self.doctor} {self.date_from}..{self.date_to}"
        )


class OfferStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"


class WaitlistOffer(models.Model):
    """A freed slot held for one waiting patient until it is taken or expires."""

    entry = models.ForeignKey(
        WaitlistEntry, on_delete=models.CASCADE, related_name="offers"
    )
    doctor = models.ForeignKey(
        DoctorProfile, on_delete=models.CASCADE, related_name="offers"
    )
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offers"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    expires_at = models.DateTimeField()
    appointment = models.OneToOneField(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="from_offer",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="offer_end_after_start"
            ),
            # One live hold per slot start; expiry is checked on read as well.
            models.UniqueConstraint(
                fields=["doctor", "start"],
                condition=Q(status="pending"),
                name="offer_pending_slot_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["doctor", "status", "start"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"offer to {self.patient} for {self.start:%Y-%m-%d %H:%M}"
