"""Demand: how many booking requests a doctor-day attracts, and when they come.

The expected number of requests for a working day is

    capacity * UTILISATION * popularity * weekday * season * trend

times a gamma-distributed day effect with mean 1 (busy and quiet days cluster
less than a Poisson process alone would give). The count is Poisson around it.
Demand above capacity is turned away, so the history shows censored demand,
as a real diary does.
"""

import math
import random
from dataclasses import dataclass
from datetime import date

# Mean demand as a share of a day's bookable capacity, before the factors.
UTILISATION = 0.85
# Clinic growth: demand rises this much per year across the history.
GROWTH_PER_YEAR = 0.08
# Shape of the gamma day effect; its coefficient of variation is 1/sqrt(shape).
DAY_EFFECT_SHAPE = 10.0
# Monday is the busiest day; Friday the quietest working day.
WEEKDAY_FACTOR = (1.25, 1.05, 1.0, 0.95, 0.8, 0.6, 0.5)
# Which local hours patients ask for when they have a choice.
HOUR_WEIGHT = {
    7: 0.6, 8: 0.9, 9: 1.25, 10: 1.35, 11: 1.15, 12: 0.8, 13: 0.75,
    14: 0.9, 15: 1.0, 16: 1.1, 17: 0.95, 18: 0.8,
}  # fmt: skip


@dataclass(frozen=True)
class SpecialtyDemand:
    # Yearly cycle: 1 + amplitude * cos(2 pi (day_of_year - peak) / 365.25).
    season_amplitude: float
    season_peak_day: int
    # Share of requests that want a visit within about a day.
    urgent_share: float
    # Median lead time of the other (planned) requests, in days.
    planned_median_days: float


WINTER = 15  # mid-January: colds, flu and chest infections
SPRING = 120  # early May: hay fever, eczema flares, sun-exposed skin
AUTUMN = 280  # October: back to school, back to routine check-ups

SPECIALTY_DEMAND = {
    "General Practice": SpecialtyDemand(0.22, WINTER, 0.35, 4),
    "Pediatrics": SpecialtyDemand(0.28, WINTER, 0.4, 3),
    "Pulmonology": SpecialtyDemand(0.25, WINTER, 0.15, 12),
    "Otolaryngology (ENT)": SpecialtyDemand(0.2, WINTER, 0.15, 10),
    "Internal Medicine": SpecialtyDemand(0.12, WINTER, 0.2, 8),
    "Dermatology": SpecialtyDemand(0.2, SPRING, 0.08, 16),
    "Allergy and Immunology": SpecialtyDemand(0.3, SPRING, 0.1, 12),
    "Orthopedics": SpecialtyDemand(0.1, AUTUMN, 0.15, 12),
    "Psychiatry": SpecialtyDemand(0.12, WINTER, 0.05, 14),
    "Cardiology": SpecialtyDemand(0.1, WINTER, 0.1, 18),
}
DEFAULT_DEMAND = SpecialtyDemand(0.08, AUTUMN, 0.1, 12)

VISIT_REASONS = {
    "General Practice": [
        "Fever and cough", "Repeat prescription review", "Annual check-up",
        "Sore throat", "Blood pressure follow-up", "Fatigue",
    ],
    "Pediatrics": [
        "Vaccination", "Ear infection", "Growth check", "Fever", "Rash",
    ],
    "Cardiology": [
        "Chest pain assessment", "Palpitations", "Hypertension review",
        "ECG follow-up",
    ],
    "Dermatology": ["Eczema flare", "Acne review", "Mole check", "Itchy rash"],
    "Obstetrics and Gynecology": [
        "Antenatal visit", "Routine screening", "Pelvic pain", "Cycle review",
    ],
    "Orthopedics": ["Knee pain", "Shoulder injury", "Back pain", "Fracture review"],
    "Psychiatry": ["Anxiety follow-up", "Sleep problems", "Medication review"],
    "Neurology": ["Migraine", "Dizziness", "Numbness in hands", "Seizure review"],
    "Otolaryngology (ENT)": ["Sinus pain", "Earache", "Hearing loss", "Tonsils"],
    "Ophthalmology": ["Blurry vision", "Red eye", "Glaucoma review", "Eye test"],
    "Pulmonology": ["Asthma review", "Persistent cough", "Breathlessness"],
}  # fmt: skip
DEFAULT_REASONS = ["Consultation", "Follow-up visit", "New symptoms"]


def specialty_demand(specialization: str) -> SpecialtyDemand:
    return SPECIALTY_DEMAND.get(specialization, DEFAULT_DEMAND)


def season_factor(specialization: str, day: date) -> float:
    """The yearly cycle of a specialty, with summer and year-end holiday dips."""
    profile = specialty_demand(specialization)
    day_of_year = day.timetuple().tm_yday
    phase = 2 * math.pi * (day_of_year - profile.season_peak_day) / 365.25
    factor = 1 + profile.season_amplitude * math.cos(phase)
    if day.month == 8:
        factor *= 0.88
    if (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 3):
        factor *= 0.8
    return factor


def trend_factor(day: date, *, first_day: date) -> float:
    """Slow growth over the history; 1.0 one year in."""
    years = (day - first_day).days / 365.25
    return 1 + GROWTH_PER_YEAR * (years - 1)


def expected_requests(
    *,
    capacity: int,
    popularity: float,
    weekday_tilt: tuple[float, ...],
    specialization: str,
    day: date,
    first_day: date,
) -> float:
    """The mean number of booking requests for one working day, before noise."""
    weekday = day.weekday()
    return (
        capacity
        * UTILISATION
        * popularity
        * WEEKDAY_FACTOR[weekday]
        * weekday_tilt[weekday]
        * season_factor(specialization, day)
        * trend_factor(day, first_day=first_day)
    )


def weekday_tilt(rng: random.Random) -> tuple[float, ...]:
    """A doctor's own small deviation from the clinic's weekday pattern."""
    return tuple(math.exp(rng.gauss(0, 0.06)) for _ in range(7))


def day_effect(rng: random.Random) -> float:
    return rng.gammavariate(DAY_EFFECT_SHAPE, 1 / DAY_EFFECT_SHAPE)


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw; multiplication method for small means, normal otherwise."""
    if mean <= 0:
        return 0
    if mean > 60:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def lead_days(rng: random.Random, specialization: str, *, horizon_days: int) -> float:
    """How many days before the visit day a request is made."""
    profile = specialty_demand(specialization)
    if rng.random() < profile.urgent_share:
        lead = rng.expovariate(1 / 0.6)
    else:
        lead = rng.lognormvariate(math.log(profile.planned_median_days), 0.75)
    return min(lead, horizon_days)


def booking_hour(rng: random.Random) -> float:
    """The local clock hour at which a request is made (online or by phone)."""
    return rng.triangular(7, 22, 10)


def visit_reason(rng: random.Random, specialization: str) -> str:
    return rng.choice(VISIT_REASONS.get(specialization, DEFAULT_REASONS))
