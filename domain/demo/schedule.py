"""When a doctor works: closures, leave, and the slot grid of a working day.

Blocks are wall-clock times in the doctor's zone; ``zoneinfo`` turns each slot
into UTC instants, so a slot keeps its local hour across daylight-saving
changes (London and New York shift, Kolkata does not).
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.demo.records import DoctorSeed


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime
    end: datetime
    local_hour: int


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday of a month; n = -1 is the last one."""
    if n > 0:
        first = date(year, month, 1)
        offset = (weekday - first.weekday()) % 7
        return first + timedelta(days=offset + 7 * (n - 1))
    following = date(year + month // 12, month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def public_holidays(zone: str, year: int) -> set[date]:
    """A few fixed closures per zone: enough to put holes in the history."""
    days = {date(year, 1, 1), date(year, 12, 25)}
    if zone == "Europe/London":
        days |= {
            date(year, 12, 26),
            _nth_weekday(year, 5, 0, 1),  # early May bank holiday
            _nth_weekday(year, 8, 0, -1),  # summer bank holiday
        }
    elif zone == "America/New_York":
        days |= {
            date(year, 7, 4),
            _nth_weekday(year, 9, 0, 1),  # Labor Day
            _nth_weekday(year, 11, 3, 4),  # Thanksgiving
        }
    elif zone == "Asia/Kolkata":
        days |= {date(year, 1, 26), date(year, 8, 15), date(year, 10, 2)}
    return days


def leave_days(rng: random.Random, first: date, last: date) -> set[date]:
    """Two weeks of leave a year, one week at a time, on random weeks."""
    days: set[date] = set()
    year_start = first
    while year_start <= last:
        for _ in range(2):
            monday = year_start + timedelta(days=rng.randrange(0, 358))
            monday -= timedelta(days=monday.weekday())
            days |= {monday + timedelta(days=i) for i in range(5)}
        year_start += timedelta(days=365)
    return days


def slots_for_day(doctor: DoctorSeed, day: date) -> list[Slot]:
    """The doctor's slot grid on a local date: each block cut into slot lengths."""
    blocks = doctor.week.get(day.weekday(), ())
    zone = ZoneInfo(doctor.time_zone)
    step = timedelta(minutes=doctor.slot_minutes)
    slots = []
    for block in blocks:
        local = datetime.combine(day, block.start)
        block_end = datetime.combine(day, block.end)
        while local + step <= block_end:
            start = local.replace(tzinfo=zone).astimezone(UTC)
            end = (local + step).replace(tzinfo=zone).astimezone(UTC)
            slots.append(Slot(start, end, local.hour))
            local += step
    return slots


def local_datetime(day: date, hour: float, zone: str) -> datetime:
    """A UTC instant for a fractional local hour of a local date."""
    local = datetime.combine(day, datetime.min.time()) + timedelta(hours=hour)
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
