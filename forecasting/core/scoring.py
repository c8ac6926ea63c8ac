"""Slot scores: prefer times the patient is likely to keep, on quieter days.

A score is ``0.6 x attendance + 0.4 x quietness``, both in 0..1: attendance is
one minus the no-show/late-cancellation risk for that patient and time, and
quietness is one minus the day's expected load (expected bookings over
capacity, capped at 1). A day without a stored forecast counts as half busy.
"""

from dataclasses import dataclass

ATTENDANCE_WEIGHT = 0.6
QUIET_WEIGHT = 0.4
UNKNOWN_LOAD = 0.5


@dataclass(frozen=True)
class SlotScore:
    score: float
    attendance: float
    load: float | None
    reason: str


def _day_words(load: float | None) -> str:
    if load is None:
        return "no demand forecast for this day yet"
    share = round(min(load, 1.0) * 100)
    if load < 0.6:
        return f"a quiet day (about {share}% of slots expected taken)"
    if load < 0.9:
        return f"a moderately busy day (about {share}% of slots expected taken)"
    return f"a busy day (about {share}% of slots expected taken)"


def score_slot(attendance: float, load: float | None) -> SlotScore:
    """Combine the attendance chance and the day's expected load into 0..1."""
    attendance = min(max(attendance, 0.0), 1.0)
    quiet = 1 - (UNKNOWN_LOAD if load is None else min(max(load, 0.0), 1.0))
    score = ATTENDANCE_WEIGHT * attendance + QUIET_WEIGHT * quiet
    reason = (
        f"{_day_words(load).capitalize()}; about {round(attendance * 100)}% of "
        "bookings like this one are kept."
    )
    return SlotScore(
        score=round(score, 3), attendance=round(attendance, 3), load=load, reason=reason
    )
