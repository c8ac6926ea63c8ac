"""Clinic figures for admins: the numbers behind the admin dashboard, as JSON.

Every operation takes the same filters (``date_from``, ``date_to``,
``specialization_id``, ``doctor_id``); the range defaults to the last 90 days
and ``date_to`` is the reference day for "today", "this week" and "ahead".
"""

from django.utils import timezone
from ninja import Query, Router, Schema

from domain.api.common import AUTH, errors, run_service, user_of
from domain.api.types import IsoDate, RecordId
from domain.permissions import require_admin
from domain.selectors import analytics
from domain.selectors.analytics import Scope

router = Router(tags=["analytics"], auth=AUTH)

ERRORS = errors(401, 403, 422)


class Filters(Schema):
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    specialization_id: RecordId | None = None
    doctor_id: RecordId | None = None


class DayOut(Schema):
    date: IsoDate
    total: int
    booked: int
    cancelled: int
    completed: int
    no_show: int
    upcoming: int


class UtilisationOut(Schema):
    week_start: IsoDate
    booked_hours: float
    capacity_hours: float
    utilisation: float | None


class RateWindowOut(Schema):
    date_from: IsoDate
    date_to: IsoDate
    appointments: int
    cancellation_rate: float | None
    no_show_rate: float | None


class RatesOut(Schema):
    days: int
    current: RateWindowOut
    previous: RateWindowOut
    cancellation_change: float | None
    no_show_change: float | None


class WaitlistOut(Schema):
    active: int
    offered: int


class SummaryOut(Schema):
    date_from: IsoDate
    date_to: IsoDate
    today: DayOut
    utilisation: UtilisationOut
    rates: RatesOut
    waitlist: WaitlistOut


class TrendDayOut(Schema):
    date: IsoDate
    booked: int
    completed: int
    cancelled: int


class WorkloadOut(Schema):
    doctor_id: RecordId
    doctor: str
    booked_this_week: float
    capacity_this_week: float
    booked_next_week: float
    capacity_next_week: float


class RateFigures(Schema):
    appointments: int
    cancelled: int
    no_show: int
    cancellation_rate: float | None
    no_show_rate: float | None


class DoctorRatesOut(RateFigures):
    doctor_id: RecordId
    doctor: str


class WeekdayRatesOut(RateFigures):
    weekday: str


class HourRatesOut(RateFigures):
    hour: int


class TimeRatesOut(Schema):
    weekdays: list[WeekdayRatesOut]
    hours: list[HourRatesOut]


class LeadTimeOut(Schema):
    bucket: str
    appointments: int


class DayAheadOut(Schema):
    date: IsoDate
    booked: int


def scope_of(request, filters: Filters) -> Scope:
    """The filters as a scope, for admins only (403 for anyone else)."""
    require_admin(user_of(request))
    return analytics.scope_build(
        timezone.localdate(),
        date_from=filters.date_from,
        date_to=filters.date_to,
        specialization_id=filters.specialization_id,
        doctor_id=filters.doctor_id,
    )


def _summary(scope: Scope) -> dict:
    return {
        "date_from": scope.date_from,
        "date_to": scope.date_to,
        "today": analytics.analytics_day(scope),
        "utilisation": analytics.analytics_utilisation(scope),
        "rates": analytics.analytics_rates(scope),
        "waitlist": analytics.analytics_waitlist(scope),
    }


@router.get(
    "/summary",
    response={200: SummaryOut, **ERRORS},
    summary="The dashboard cards: the day, this week's utilisation, rates, waitlist",
)
async def summary(request, filters: Query[Filters]):
    return await run_service(_summary, scope_of(request, filters))


@router.get(
    "/trend",
    response={200: list[TrendDayOut], **ERRORS},
    summary="Appointments booked, completed and cancelled per day of the range",
)
async def trend(request, filters: Query[Filters]):
    return await run_service(analytics.analytics_trend, scope_of(request, filters))


@router.get(
    "/workload",
    response={200: list[WorkloadOut], **ERRORS},
    summary="Booked hours against capacity per doctor, this week and next",
)
async def workload(request, filters: Query[Filters]):
    return await run_service(analytics.analytics_workload, scope_of(request, filters))


@router.get(
    "/rates/doctors",
    response={200: list[DoctorRatesOut], **ERRORS},
    summary="Cancellation and no-show rates per doctor over the range",
)
async def rates_by_doctor(request, filters: Query[Filters]):
    return await run_service(
        analytics.analytics_rates_by_doctor, scope_of(request, filters)
    )


@router.get(
    "/rates/time",
    response={200: TimeRatesOut, **ERRORS},
    summary="Cancellation and no-show rates by local weekday and hour of the start",
)
async def rates_by_time(request, filters: Query[Filters]):
    return await run_service(
        analytics.analytics_rates_by_time, scope_of(request, filters)
    )


@router.get(
    "/lead-times",
    response={200: list[LeadTimeOut], **ERRORS},
    summary="How far ahead the range's appointments were booked",
)
async def lead_times(request, filters: Query[Filters]):
    return await run_service(analytics.analytics_lead_times, scope_of(request, filters))


@router.get(
    "/days-ahead",
    response={200: list[DayAheadOut], **ERRORS},
    summary="Appointments already booked on each of the 14 days after date_to",
)
async def days_ahead(request, filters: Query[Filters]):
    return await run_service(
        analytics.analytics_busiest_days_ahead, scope_of(request, filters)
    )
