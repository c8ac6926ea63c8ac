"""Reading stored forecasts: the API, the pages and the admin dashboards use these.

Forecasts are written after each training (and each refresh) for the 28 days
after the last fully known day, one row per doctor and local date. Reads are
plain indexed queries; nothing here runs the model.
"""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from domain.errors import NotFound
from domain.models import DoctorProfile, Role, User
from domain.permissions import require_doctor_insight, require_role
from domain.selectors.analytics import Scope
from forecasting.models import DemandForecast, ForecastModel, ModelKind


def serving_model(kind: str = ModelKind.DEMAND) -> ForecastModel | None:
    """The newest registered model of ``kind`` that passed its quality gate."""
    return (
        ForecastModel.objects.filter(kind=kind, good=True).order_by("-version").first()
    )


def doctor_forecast(
    doctor_id: int, *, date_from: date, days: int
) -> QuerySet[DemandForecast]:
    """One doctor's stored forecasts for ``days`` dates from ``date_from``."""
    return (
        DemandForecast.objects.filter(
            doctor_id=doctor_id,
            date__gte=date_from,
            date__lt=date_from + timedelta(days=days),
        )
        .select_related("model")
        .order_by("date")
    )


def high_demand_days(
    *, date_from: date, days: int, doctor_id: int | None = None
) -> QuerySet[DemandForecast]:
    """Flagged doctor-days in the window (optionally one doctor's), by date, with
    the doctor's user and specialization loaded for display."""
    rows = DemandForecast.objects.filter(
        high_demand=True,
        date__gte=date_from,
        date__lt=date_from + timedelta(days=days),
    )
    if doctor_id is not None:
        rows = rows.filter(doctor_id=doctor_id)
    return rows.select_related("doctor__user", "doctor__specialization").order_by(
        "date", "-expected"
    )


def daily_load(doctor_id: int, *, date_from: date, date_to: date) -> dict[date, float]:
    """Expected load (expected / capacity, 0..1+) per forecast date of a doctor."""
    return {
        row.date: (row.expected / row.capacity if row.capacity else 1.0)
        for row in DemandForecast.objects.filter(
            doctor_id=doctor_id, date__gte=date_from, date__lte=date_to
        ).only("date", "expected", "capacity")
    }


def _local_today(doctor: DoctorProfile) -> date:
    return timezone.localtime(timezone=ZoneInfo(doctor.time_zone)).date()


def doctor_forecast_view(user: User, doctor_id: int, *, days: int) -> dict:
    """A doctor's next ``days`` stored forecasts from their local today, for a
    caller allowed to see them (``require_doctor_insight``)."""
    doctor = DoctorProfile.objects.filter(pk=doctor_id).select_related("user").first()
    if doctor is None:
        raise NotFound("Doctor")
    require_doctor_insight(user, doctor)
    rows = list(doctor_forecast(doctor.pk, date_from=_local_today(doctor), days=days))
    return {
        "doctor_id": doctor.pk,
        "high_demand_share": settings.FORECAST_HIGH_DEMAND_SHARE,
        "model_version": rows[0].model.version if rows else None,
        "origin": rows[0].origin if rows else None,
        "days": rows,
    }


def high_demand_view(user: User, *, days: int) -> dict:
    """Flagged doctor-days from today: every doctor's for admins, own for doctors."""
    require_role(user, Role.ADMIN, Role.DOCTOR)
    doctor_id = None
    if user.role == Role.DOCTOR:
        doctor_id = (
            DoctorProfile.objects.filter(user=user).values_list("pk", flat=True).first()
        )
        if doctor_id is None:
            return {
                "high_demand_share": settings.FORECAST_HIGH_DEMAND_SHARE,
                "items": [],
            }
    rows = high_demand_days(
        date_from=timezone.now().date(), days=days, doctor_id=doctor_id
    )
    return {
        "high_demand_share": settings.FORECAST_HIGH_DEMAND_SHARE,
        "items": list(rows),
    }


def forecast_totals(
    *,
    date_from: date,
    days: int,
    doctor_ids: list[int] | None = None,
    specialization_id: int | None = None,
) -> list[dict]:
    """Per date, the summed stored forecasts of the chosen doctors (all by
    default): ``date``, ``expected``, ``lower``, ``upper``, ``capacity``,
    ``high_demand_doctors``. Summed bounds are wider than an 80% interval of
    the total, which suits a dashboard band that should not look too sure."""
    rows = DemandForecast.objects.filter(
        date__gte=date_from, date__lt=date_from + timedelta(days=days)
    )
    if doctor_ids is not None:
        rows = rows.filter(doctor_id__in=doctor_ids)
    if specialization_id is not None:
        rows = rows.filter(doctor__specialization_id=specialization_id)
    totals = (
        rows.values("date")
        .annotate(
            total_expected=Sum("expected"),
            total_lower=Sum("lower"),
            total_upper=Sum("upper"),
            total_capacity=Sum("capacity"),
            flagged=Count("pk", filter=Q(high_demand=True)),
        )
        .order_by("date")
    )
    return [
        {
            "date": row["date"],
            "expected": round(row["total_expected"], 2),
            "lower": row["total_lower"],
            "upper": row["total_upper"],
            "capacity": row["total_capacity"],
            "high_demand_doctors": row["flagged"],
        }
        for row in totals
    ]


def forecast_after_scope(scope: Scope, *, days: int = 14) -> dict:
    """The stored forecast of the ``days`` after a dashboard scope's reference
    day, for the scope's doctors: per-day ``totals`` (``forecast_totals``) and
    the ``high_demand`` doctor-days, by date, with doctor and specialization."""
    start = scope.date_to + timedelta(days=1)
    flagged = high_demand_days(date_from=start, days=days, doctor_id=scope.doctor_id)
    if scope.specialization_id is not None:
        flagged = flagged.filter(doctor__specialization_id=scope.specialization_id)
    return {
        "totals": forecast_totals(
            date_from=start,
            days=days,
            doctor_ids=[scope.doctor_id] if scope.doctor_id is not None else None,
            specialization_id=scope.specialization_id,
        ),
        "high_demand": [
            {
                "date": row.date,
                "doctor_id": row.doctor_id,
                "doctor": str(row.doctor),
                "specialization": row.doctor.specialization.name,
                "expected": round(row.expected, 1),
                "capacity": row.capacity,
            }
            for row in flagged
        ],
    }
