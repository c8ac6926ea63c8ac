"""The clinic's data. Rules that change it live in ``domain.services``."""

from domain.models.accounts import (
    DoctorProfile,
    Gender,
    PatientProfile,
    Role,
    Specialization,
    SymptomKeyword,
    User,
)
from domain.models.audit import AuditLog
from domain.models.care import Feedback, Report, ReportKind
from domain.models.scheduling import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    Availability,
    OfferStatus,
    TimeOff,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
    WeeklyHours,
)

__all__ = [
    "ACTIVE_STATUSES",
    "Appointment",
    "AppointmentStatus",
    "AuditLog",
    "Availability",
    "DoctorProfile",
    "Feedback",
    "Gender",
    "OfferStatus",
    "PatientProfile",
    "Report",
    "ReportKind",
    "Role",
    "Specialization",
    "SymptomKeyword",
    "TimeOff",
    "User",
    "WaitlistEntry",
    "WaitlistOffer",
    "WaitlistStatus",
    "WeeklyHours",
]
