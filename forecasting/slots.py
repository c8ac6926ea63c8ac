"""Scoring a doctor's free slots for a patient, and picking the best ones."""

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from django.utils import timezone

from domain.models import Appointment, PatientProfile, User
from domain.selectors.slots import doctor_slots
from forecasting.core.noshow import (
    FINAL_STATUSES,
    RiskModel,
    feature_matrix,
    outcome_labels,
)
from forecasting.core.scoring import SlotScore, score_slot
from forecasting.models import ModelKind
from forecasting.selectors import daily_load, serving_model

logger = logging.getLogger(__name__)

# The serving no-show model by registry row (id and creation time, so a
# reused id is a new key); None when its weights could not be read, so a
# process tries (and warns) once per version, not on every request.
_risk_cache: dict[tuple, RiskModel | None] = {}

# Used when no no-show model has been trained yet: the share of bookings
# kept in a typical clinic (about 1 in 10 ends as a no-show or late cancel).
DEFAULT_ATTENDANCE = 0.9


def _risk_model() -> RiskModel | None:
    from forecasting.services import load_risk_model

    row = serving_model(ModelKind.NO_SHOW)
    if row is None:
        return None
    key = (row.pk, row.created_at)
    if key not in _risk_cache:
        try:
            model = load_risk_model(row)
        except OSError:
            # The weights were written where this process cannot read them (a
            # worker's own disk without shared storage): score without them.
            logger.warning("no-show model v%s weights unreadable", row.version)
            model = None
        _risk_cache.clear()
        _risk_cache[key] = model
    return _risk_cache[key]


def _patient_record(patient: User | None, now: datetime) -> tuple[float, float, float]:
    """(visits so far, of which bad, age in years or NaN) for ``patient``."""
    if patient is None:
        return 0.0, 0.0, float("nan")
    past = pd.DataFrame.from_records(
        Appointment.objects.filter(
            patient=patient, start__lt=now, status__in=FINAL_STATUSES
        ).values("start", "status", "cancelled_at"),
        columns=["start", "status", "cancelled_at"],
    )
    bad = float(outcome_labels(past).sum()) if len(past) else 0.0
    born = (
        PatientProfile.objects.filter(user=patient)
        .values_list("date_of_birth", flat=True)
        .first()
    )
    age = (now.date() - born).days / 365.25 if born else float("nan")
    return float(len(past)), bad, age


def score_slots(
    slots: list, *, time_zone: str, doctor_id: int, patient: User | None, now: datetime
) -> list[SlotScore]:
    """A score with its reason for each slot (objects with ``start``)."""
    if not slots:
        return []
    zone = ZoneInfo(time_zone)
    local = [slot.start.astimezone(zone) for slot in slots]
    loads = daily_load(doctor_id, date_from=local[0].date(), date_to=local[-1].date())
    model = _risk_model()
    if model is None:
        attendance = np.full(len(slots), DEFAULT_ATTENDANCE)
    else:
        visits, bad, age = _patient_record(patient, now)
        frame = pd.DataFrame(
            {
                "start": pd.to_datetime([slot.start for slot in slots], utc=True),
                "booked_at": pd.Timestamp(now),
                "hour": [moment.hour for moment in local],
                "weekday": [moment.weekday() for moment in local],
                "age": age,
            }
        )
        features = feature_matrix(
            frame, np.full(len(slots), visits), np.full(len(slots), bad)
        )
        attendance = 1 - model.predict(features)
    return [
        score_slot(float(chance), loads.get(moment.date()))
        for chance, moment in zip(attendance, local, strict=True)
    ]


def recommended_slots(
    doctor_id: int,
    *,
    patient: User | None,
    date_from: date | None,
    date_to: date | None,
    limit: int,
) -> dict:
    """The doctor's best free slots in the range, highest score first (earlier
    first among equals), each with its score and reason."""
    now = timezone.now()
    free = doctor_slots(
        doctor_id, date_from=date_from, date_to=date_to, now=now, for_patient=patient
    )
    scores = score_slots(
        free.slots,
        time_zone=free.time_zone,
        doctor_id=doctor_id,
        patient=patient,
        now=now,
    )
    ranked = sorted(
        zip(free.slots, scores, strict=True),
        key=lambda pair: (-pair[1].score, pair[0].start),
    )[:limit]
    return {
        "time_zone": free.time_zone,
        "slots": [
            {
                "start": slot.start,
                "end": slot.end,
                "score": score.score,
                "attendance": score.attendance,
                "load": None if score.load is None else round(score.load, 3),
                "reason": score.reason,
            }
            for slot, score in ranked
        ],
    }
