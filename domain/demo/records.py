"""Plain records the simulator produces and the loader turns into rows.

Nothing here knows about Django: instants are aware UTC datetimes, local
wall-clock values are naive ``date`` and ``time`` objects in the doctor's zone.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from random import Random


def seeded_uuid(rng: Random) -> uuid.UUID:
    """A version-4 UUID drawn from ``rng``, so ids repeat with the seed."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass(frozen=True, slots=True)
class Block:
    """A working block of one weekday, in the doctor's wall-clock time."""

    start: time
    end: time


@dataclass(frozen=True, slots=True)
class DoctorSeed:
    index: int
    user_id: uuid.UUID
    username: str
    first_name: str
    last_name: str
    specialization: str
    time_zone: str
    degree: str
    license_number: str
    years_of_experience: int
    consultation_fee: Decimal
    description: str
    slot_minutes: int
    min_notice_minutes: int
    booking_horizon_days: int
    max_patients_per_day: int
    requires_confirmation: bool
    cancellation_cutoff_hours: int
    # Weekday (0 = Monday) -> working blocks; days not present are days off.
    week: dict[int, tuple[Block, ...]]
    # Latent traits that drive the simulation; they are not stored as columns.
    popularity: float
    quality: float


@dataclass(frozen=True, slots=True)
class PatientSeed:
    index: int
    user_id: uuid.UUID
    username: str
    first_name: str
    last_name: str
    date_of_birth: date
    gender: str
    contact_number: str
    relative_contact_number: str
    symptoms: str
    # Latent traits: where they live (doctors mostly see patients from their
    # own zone), how often they book, and their personal tilt towards
    # cancelling or not turning up (log-odds added to the population rate).
    home_zone: str
    activity: float
    cancel_bias: float
    no_show_bias: float


@dataclass(frozen=True, slots=True)
class WindowSeed:
    """A dated availability window, in the doctor's wall-clock time."""

    doctor_index: int
    date: date
    start_time: time
    end_time: time


@dataclass(frozen=True, slots=True)
class FeedbackSeed:
    rating: int
    comments: str
    anonymous: bool
    created_at: datetime


@dataclass(slots=True)
class VisitSeed:
    """One appointment as it stands at the simulation's ``now``."""

    id: uuid.UUID
    doctor_index: int
    patient_index: int
    start: datetime
    end: datetime
    status: str
    reason: str
    booked_at: datetime
    reminder_sent: bool = False
    cancelled_at: datetime | None = None
    cancelled_by_doctor: bool = False
    cancellation_reason: str = ""
    checked_in_at: datetime | None = None
    consultation_started_at: datetime | None = None
    finished_at: datetime | None = None
    feedback: FeedbackSeed | None = None


@dataclass(slots=True)
class DoctorHistory:
    """Everything simulated for one doctor, plus counts for the summary."""

    doctor_index: int
    visits: list[VisitSeed] = field(default_factory=list)
    windows: list[WindowSeed] = field(default_factory=list)
    requests: int = 0
    turned_away: int = 0
