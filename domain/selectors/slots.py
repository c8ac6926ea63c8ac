"""Loading what the slot engine needs, for the requested days only.

Every query is bounded on both sides by the requested range, through an index
(appointments and holds by doctor and start, time off by doctor and end, dated
windows by doctor and date), so a week of slots costs the same for a doctor
with ten years of history as for a new one. Several doctors load in one query
per table, which is how search shows each doctor's next free slot.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from domain.errors import InvalidInput, NotFound
from domain.models import (
    ACTIVE_STATUSES,
    Appointment,
    Availability,
    DoctorProfile,
    OfferStatus,
    TimeOff,
    WaitlistOffer,
    WeeklyHours,
)
from domain.scheduling.slots import (
    DatedWindow,
    Rules,
    Schedule,
    Slot,
    WeeklyWindow,
    free_slots,
    held_slots,
)

# The widest range one request may ask for, in days (both ends included).
MAX_RANGE_DAYS = 31
# No appointment lasts longer than this (slot_minutes is capped at 240), so an
# appointment that reaches into the range started at most this long before it.
LONGEST_APPOINTMENT = timedelta(days=1)


@dataclass(frozen=True)
class DoctorSlots:
    doctor_id: int
    time_zone: str
    slots: list[Slot]
    # Slots held by other patients' waitlist offers; filled on request only.
    held: list[Slot] = field(default_factory=list)


def rules_of(doctor: DoctorProfile) -> Rules:
    return Rules(
        time_zone=doctor.time_zone,
        slot_minutes=doctor.slot_minutes,
        buffer_minutes=doctor.buffer_minutes,
        min_notice_minutes=doctor.min_notice_minutes,
        booking_horizon_days=doctor.booking_horizon_days,
        max_patients_per_day=doctor.max_patients_per_day,
    )


def local_today(doctor: DoctorProfile, *, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(ZoneInfo(doctor.time_zone)).date()


def check_range(date_from: date, date_to: date) -> None:
    """Refuse an inverted range or one wider than ``MAX_RANGE_DAYS``."""
    if date_to < date_from:
        raise InvalidInput(
            "date_to must not be before date_from.", code="invalid", field="date_to"
        )
    if (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
        raise InvalidInput(
            f"A range may cover at most {MAX_RANGE_DAYS} days.",
            code="range_too_wide",
            field="date_to",
        )


def _utc_bounds(
    doctors: Sequence[DoctorProfile], date_from: date, date_to: date
) -> tuple[datetime, datetime]:
    """UTC instants that cover the local days in every doctor's zone."""
    starts, ends = [], []
    for doctor in doctors:
        zone = ZoneInfo(doctor.time_zone)
        starts.append(datetime.combine(date_from, time.min, tzinfo=zone))
        ends.append(
            datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
        )
    # The buffer can reach across midnight; two hours cover its maximum.
    margin = timedelta(hours=2)
    return min(starts) - margin, max(ends) + margin


def working_schedules_for(
    doctors: Sequence[DoctorProfile], *, date_from: date, date_to: date
) -> dict[int, Schedule]:
    """Each doctor's working time over the local days given: dated windows,
    weekly hours and time off, without bookings or holds (three queries)."""
    if not doctors:
        return {}
    ids = [doctor.pk for doctor in doctors]
    lo, hi = _utc_bounds(doctors, date_from, date_to)

    windows = defaultdict(list)
    for row in Availability.objects.filter(
        doctor_id__in=ids, date__gte=date_from, date__lte=date_to
    ).values_list("doctor_id", "date", "start_time", "end_time"):
        windows[row[0]].append(DatedWindow(*row[1:]))

    weekly = defaultdict(list)
    for row in (
        WeeklyHours.objects.filter(doctor_id__in=ids)
        .filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=date_to),
            Q(valid_until__isnull=True) | Q(valid_until__gte=date_from),
        )
        .values_list(
            "doctor_id",
            "weekday",
            "start_time",
            "end_time",
            "valid_from",
            "valid_until",
        )
    ):
        weekly[row[0]].append(WeeklyWindow(*row[1:]))

    time_off = defaultdict(list)
    for doctor_id, start, end in TimeOff.objects.filter(
        doctor_id__in=ids, end__gt=lo, start__lt=hi
    ).values_list("doctor_id", "start", "end"):
        time_off[doctor_id].append((start, end))

    return {
        doctor.pk: Schedule(
            rules=rules_of(doctor),
            windows=windows[doctor.pk],
            weekly=weekly[doctor.pk],
            time_off=time_off[doctor.pk],
        )
        for doctor in doctors
    }


def schedules_for(
    doctors: Sequence[DoctorProfile],
    *,
    date_from: date,
    date_to: date,
    now: datetime,
    for_patient: Any = None,
) -> dict[int, Schedule]:
    """The engine's input for each doctor over the local days given.

    Holds of ``for_patient`` (a user or id) are left out: a patient's own
    pending offer does not block the slot it holds for them.
    """
    if not doctors:
        return {}
    ids = [doctor.pk for doctor in doctors]
    lo, hi = _utc_bounds(doctors, date_from, date_to)
    working = working_schedules_for(doctors, date_from=date_from, date_to=date_to)

    appointments = defaultdict(list)
    for doctor_id, start, end in Appointment.objects.filter(
        doctor_id__in=ids,
        status__in=ACTIVE_STATUSES,
        start__gte=lo - LONGEST_APPOINTMENT,
        start__lt=hi,
    ).values_list("doctor_id", "start", "end"):
        appointments[doctor_id].append((start, end))

    holds = defaultdict(list)
    offers = WaitlistOffer.objects.filter(
        doctor_id__in=ids,
        status=OfferStatus.PENDING,
        start__gte=lo - LONGEST_APPOINTMENT,
        start__lt=hi,
        expires_at__gt=now,
    )
    if for_patient is not None:
        offers = offers.exclude(patient_id=getattr(for_patient, "pk", for_patient))
    for doctor_id, start, end in offers.values_list("doctor_id", "start", "end"):
        holds[doctor_id].append((start, end))

    return {
        doctor_id: replace(
            schedule,
            appointments=appointments[doctor_id],
            holds=holds[doctor_id],
        )
        for doctor_id, schedule in working.items()
    }


def doctor_slots(
    doctor_id: int,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
    for_patient: Any = None,
    with_held: bool = False,
) -> DoctorSlots:
    """Free slots of an active doctor over local days (default: the next 7).

    With ``with_held`` the slots held for other patients' waitlist offers come
    too (``held``), so a page can show them as taken for now rather than gone.
    """
    now = now or timezone.now()
    doctor = DoctorProfile.objects.filter(
        pk=doctor_id, is_active=True, user__is_active=True
    ).first()
    if doctor is None:
        raise NotFound("Doctor")
    date_from = date_from or local_today(doctor, now=now)
    date_to = date_to or date_from + timedelta(days=6)
    check_range(date_from, date_to)
    schedule = schedules_for(
        [doctor], date_from=date_from, date_to=date_to, now=now, for_patient=for_patient
    )[doctor.pk]
    days = {"date_from": date_from, "date_to": date_to, "now": now}
    return DoctorSlots(
        doctor_id=doctor.pk,
        time_zone=doctor.time_zone,
        slots=free_slots(schedule, **days),
        held=held_slots(schedule, **days) if with_held else [],
    )


def free_slots_by_doctor(
    doctors: Sequence[DoctorProfile],
    *,
    date_from: date,
    date_to: date,
    now: datetime | None = None,
) -> dict[int, list[Slot]]:
    """Free slots of several doctors over the same local days, in bulk."""
    now = now or timezone.now()
    schedules = schedules_for(doctors, date_from=date_from, date_to=date_to, now=now)
    return {
        doctor_id: free_slots(schedule, date_from=date_from, date_to=date_to, now=now)
        for doctor_id, schedule in schedules.items()
    }


# Search looks ahead in chunks so doctors with an early free slot cost one pass.
NEXT_SLOT_CHUNK_DAYS = 14


def next_free_slots(
    doctors: Sequence[DoctorProfile], *, now: datetime | None = None
) -> dict[int, Slot | None]:
    """Each doctor's earliest free slot within their booking horizon, in bulk."""
    now = now or timezone.now()
    found: dict[int, Slot | None] = {doctor.pk: None for doctor in doctors}
    pending = list(doctors)
    if not pending:
        return found
    start = min(local_today(doctor, now=now) for doctor in pending)
    last = max(
        local_today(doctor, now=now) + timedelta(days=doctor.booking_horizon_days)
        for doctor in pending
    )
    while pending and start <= last:
        end = min(start + timedelta(days=NEXT_SLOT_CHUNK_DAYS - 1), last)
        slots = free_slots_by_doctor(pending, date_from=start, date_to=end, now=now)
        for doctor_id, doctor_slots_found in slots.items():
            if doctor_slots_found:
                found[doctor_id] = doctor_slots_found[0]
        pending = [
            doctor
            for doctor in pending
            if found[doctor.pk] is None
            and local_today(doctor, now=now)
            + timedelta(days=doctor.booking_horizon_days)
            > end
        ]
        start = end + timedelta(days=1)
    return found


def doctors_with_free_slots(
    doctors: Sequence[DoctorProfile],
    *,
    date_from: date,
    date_to: date,
    now: datetime | None = None,
) -> set[int]:
    """Ids of the doctors that have at least one free slot in the local range."""
    check_range(date_from, date_to)
    slots = free_slots_by_doctor(doctors, date_from=date_from, date_to=date_to, now=now)
    return {doctor_id for doctor_id, found in slots.items() if found}
