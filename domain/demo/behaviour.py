"""What patients do after booking: cancel ahead of time, or fail to turn up.

Both are logistic in the same drivers: the lead time (log of one plus the days
between booking and visit: plans made far ahead change more), the weekday and
local hour of the visit, and a per-patient bias drawn once.
"""

import math
import random

CANCEL_INTERCEPT = -2.4
CANCEL_LEAD = 0.4
CANCEL_WEEKDAY = (0.15, 0.0, -0.05, 0.0, 0.2, 0.2, 0.2)

NO_SHOW_INTERCEPT = -3.6
NO_SHOW_LEAD = 0.45
NO_SHOW_WEEKDAY = (0.2, 0.0, -0.05, 0.05, 0.3, 0.3, 0.3)

# Share of cancellations made by the doctor's side rather than the patient.
DOCTOR_CANCEL_SHARE = 0.08

PATIENT_REASONS = [
    "Feeling better",
    "Work commitment",
    "Travel",
    "Booked with another doctor",
    "Childcare problem",
    "",
]
DOCTOR_REASONS = ["Doctor unwell", "Emergency surgery", "Clinic closure"]


def _logistic(value: float) -> float:
    return 1 / (1 + math.exp(-value))


def _hour_term(local_hour: int, *, early: float, late: float) -> float:
    if local_hour < 9:
        return early
    if local_hour >= 16:
        return late
    if local_hour in (12, 13):
        return 0.1
    return 0.0


def cancel_probability(
    *, lead_days: float, weekday: int, local_hour: int, bias: float
) -> float:
    """Probability that a booking is cancelled before the visit."""
    return _logistic(
        CANCEL_INTERCEPT
        + CANCEL_LEAD * math.log1p(max(lead_days, 0))
        + CANCEL_WEEKDAY[weekday]
        + _hour_term(local_hour, early=0.2, late=0.15)
        + bias
    )


def no_show_probability(
    *, lead_days: float, weekday: int, local_hour: int, bias: float
) -> float:
    """Probability that a booking still standing at visit time is missed."""
    return _logistic(
        NO_SHOW_INTERCEPT
        + NO_SHOW_LEAD * math.log1p(max(lead_days, 0))
        + NO_SHOW_WEEKDAY[weekday]
        + _hour_term(local_hour, early=0.35, late=0.25)
        + bias
    )


def cancel_fraction(rng: random.Random) -> float:
    """Share of the time between booking and visit that passes before cancelling.

    Skewed towards the end: most cancellations come in the last days.
    """
    return rng.betavariate(2.5, 1.0)


def cancellation(rng: random.Random) -> tuple[bool, str]:
    """Who cancels (True for the doctor's side) and the reason they give."""
    if rng.random() < DOCTOR_CANCEL_SHARE:
        return True, rng.choice(DOCTOR_REASONS)
    return False, rng.choice(PATIENT_REASONS)
