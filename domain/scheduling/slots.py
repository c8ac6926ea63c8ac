"""The slot engine: free slots from a doctor's rules, windows and busy time.

Pure functions over plain values (no ORM), so the rules can be tested alone and
the selector decides what to load. Windows are wall-clock times in the doctor's
zone; every other instant is aware. A local start time that does not exist (the
spring-forward gap) yields no slot, and a local time that occurs twice (the
fall-back repeat) yields one slot, at its first occurrence.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Rules:
    """The booking rules of one doctor (the fields of ``DoctorProfile``)."""

    time_zone: str
    slot_minutes: int = 30
    buffer_minutes: int = 0
    min_notice_minutes: int = 120
    booking_horizon_days: int = 60
    max_patients_per_day: int = 10

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@dataclass(frozen=True)
class DatedWindow:
    day: date
    start_time: time
    end_time: time


@dataclass(frozen=True)
class WeeklyWindow:
    weekday: int  # 0 = Monday
    start_time: time
    end_time: time
    valid_from: date | None = None
    valid_until: date | None = None

    def applies_on(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or day >= self.valid_from)
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Schedule:
    """Everything the engine needs about one doctor for a range of local days.

    ``appointments`` are the active appointments (they block time and count
    toward the daily cap); ``holds`` are live waitlist holds of other patients
    (they block time only). Both are widened by the buffer on either side.
    """

    rules: Rules
    windows: Sequence[DatedWindow] = ()
    weekly: Sequence[WeeklyWindow] = ()
    time_off: Sequence[Interval] = ()
    appointments: Sequence[Interval] = ()
    holds: Sequence[Interval] = ()


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a wall-clock time, or None when it does not exist.

    A repeated wall-clock time resolves to its first occurrence (``fold=0``).
    """
    local = datetime.combine(day, at, tzinfo=zone)
    instant = local.astimezone(UTC)
    # A time in the gap does not survive the round trip back to local time.
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def _window_end(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant a window ends; an end inside a gap moves to the gap's end."""
    local = datetime.combine(day, at, tzinfo=zone)
    # Of the two readings of an ambiguous or missing time, the later one keeps
    # the slots the doctor meant to work (fold=1 is the later instant).
    return max(local.astimezone(UTC), local.replace(fold=1).astimezone(UTC))


def merge_times(spans: Iterable[tuple[time, time]]) -> list[tuple[time, time]]:
    """Merge overlapping or touching wall-clock spans of one day, in order."""
    merged: list[tuple[time, time]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _days(date_from: date, date_to: date) -> Iterable[date]:
    day = date_from
    while day <= date_to:
        yield day
        day += timedelta(days=1)


def _overlaps(start: datetime, end: datetime, spans: Sequence[Interval]) -> bool:
    return any(
        other_start < end and start < other_end for other_start, other_end in spans
    )


def _widen(spans: Sequence[Interval], by: timedelta) -> list[Interval]:
    return [(start - by, end + by) for start, end in spans]


def working_slots(schedule: Schedule, *, date_from: date, date_to: date) -> list[Slot]:
    """The slot grid inside working time and outside time off, ordered by start.

    This is the time a doctor works at all, whoever may still book it:
    ``candidate_slots`` narrows it to the booking window, and the dashboard's
    capacity adds it up.
    """
    zone = schedule.rules.zone
    length = timedelta(minutes=schedule.rules.slot_minutes)
    by_day: dict[date, list[tuple[time, time]]] = {}
    for window in schedule.windows:
        if date_from <= window.day <= date_to:
            by_day.setdefault(window.day, []).append(
                (window.start_time, window.end_time)
            )
    for day in _days(date_from, date_to):
        for window in schedule.weekly:
            if window.applies_on(day):
                by_day.setdefault(day, []).append((window.start_time, window.end_time))

    slots: set[Slot] = set()
    for day, spans in by_day.items():
        for start_time, end_time in merge_times(spans):
            window_end = _window_end(day, end_time, zone)
            # Step in wall-clock time so 09:00 stays 09:00 across a DST change.
            cursor = datetime.combine(day, start_time)
            limit = datetime.combine(day, end_time)
            previous_end = None
            while cursor + length <= limit:
                start = local_instant(day, cursor.time(), zone)
                cursor += length
                if start is None:
                    continue
                # After a spring-forward gap the next wall-clock step can start
                # before the slot that straddled the gap has ended.
                if previous_end is not None and start < previous_end:
                    continue
                end = start + length
                previous_end = end
                if end > window_end or _overlaps(start, end, schedule.time_off):
                    continue
                slots.add(Slot(start, end))
    return sorted(slots)


def candidate_slots(
    schedule: Schedule, *, date_from: date, date_to: date, now: datetime
) -> list[Slot]:
    """Slots inside working time, outside time off, within notice and horizon.

    These are the slots a doctor offers at all; ``free_slots`` also removes the
    ones that are taken. Ordered by start, without duplicates.
    """
    rules = schedule.rules
    earliest = now + timedelta(minutes=rules.min_notice_minutes)
    latest = now + timedelta(days=rules.booking_horizon_days)
    return [
        slot
        for slot in working_slots(schedule, date_from=date_from, date_to=date_to)
        if earliest <= slot.start <= latest
    ]


def daily_counts(appointments: Iterable[Interval], zone: ZoneInfo) -> Counter[date]:
    """Active appointments per local day of their start."""
    return Counter(start.astimezone(zone).date() for start, _ in appointments)


def is_blocked(slot: Slot, schedule: Schedule) -> bool:
    """Whether an appointment or hold (buffers included) overlaps the slot."""
    buffer = timedelta(minutes=schedule.rules.buffer_minutes)
    busy = _widen([*schedule.appointments, *schedule.holds], buffer)
    return _overlaps(slot.start, slot.end, busy)


def day_is_full(slot: Slot, schedule: Schedule) -> bool:
    """Whether the slot's local day already has the maximum of appointments."""
    zone = schedule.rules.zone
    counts = daily_counts(schedule.appointments, zone)
    return counts[slot.start.astimezone(zone).date()] >= (
        schedule.rules.max_patients_per_day
    )


def free_slots(
    schedule: Schedule, *, date_from: date, date_to: date, now: datetime
) -> list[Slot]:
    """The bookable slots of the local days ``date_from``..``date_to``, in order."""
    rules = schedule.rules
    zone = rules.zone
    counts = daily_counts(schedule.appointments, zone)
    buffer = timedelta(minutes=rules.buffer_minutes)
    busy = sorted(_widen([*schedule.appointments, *schedule.holds], buffer))
    # One sweep over both sorted lists: slots share one length, so their ends
    # grow with their starts; a busy span that ended before one slot's start
    # cannot touch a later slot, and one that started before a slot's end
    # stays a candidate for every later slot.
    free = []
    upcoming = 0
    current: list[Interval] = []
    candidates = candidate_slots(
        schedule, date_from=date_from, date_to=date_to, now=now
    )
    for slot in candidates:
        while upcoming < len(busy) and busy[upcoming][0] < slot.end:
            current.append(busy[upcoming])
            upcoming += 1
        current = [span for span in current if span[1] > slot.start]
        if current:
            continue
        if counts[slot.start.astimezone(zone).date()] >= rules.max_patients_per_day:
            continue
        free.append(slot)
    return free


def held_slots(
    schedule: Schedule, *, date_from: date, date_to: date, now: datetime
) -> list[Slot]:
    """The slots that would be free but for a live hold on the slot itself.

    A slot kept only by a hold's buffer is busy rather than held: it is not
    listed, since accepting or releasing the hold decides it only indirectly.
    """
    if not schedule.holds:
        return []
    unheld = free_slots(
        replace(schedule, holds=()), date_from=date_from, date_to=date_to, now=now
    )
    return [slot for slot in unheld if _overlaps(slot.start, slot.end, schedule.holds)]
