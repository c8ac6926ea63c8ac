"""Demand forecasts over HTTP: a doctor's next days, the high-demand days, and
recommended slots."""

from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from ninja import Field, Query, Router, Schema

from domain.api.analytics import Filters, scope_of
from domain.api.common import AUTH, errors, run_service, user_of
from domain.api.types import IsoDate, IsoDateTime, RecordId
from forecasting.models import DemandForecast
from forecasting.selectors import (
    doctor_forecast_view,
    forecast_after_scope,
    high_demand_view,
)
from forecasting.slots import recommended_slots

router = Router(tags=["forecasts"], auth=AUTH)
# Mounted under /analytics: the dashboard's forecast figures, as JSON.
analytics_router = Router(tags=["analytics"], auth=AUTH)
# Mounted under /doctors: GET /doctors/{id}/slots/recommended.
doctor_router = Router(tags=["forecasts"])


class Window(Schema):
    days: int = Field(14, ge=1, le=28, description="days ahead, from today")


class ForecastDayOut(Schema):
    date: IsoDate
    expected: float = Field(description="expected appointments that day")
    lower: int = Field(description="80% interval, lower end")
    upper: int = Field(description="80% interval, upper end")
    capacity: int = Field(description="bookable slots that day")
    high_demand: bool


class DoctorForecastOut(Schema):
    doctor_id: RecordId
    high_demand_share: float = Field(
        description="a day is high demand when expected >= this share of capacity"
    )
    model_version: int | None
    origin: IsoDate | None = Field(description="bookings known up to this day")
    days: list[ForecastDayOut]


class HighDemandDayOut(ForecastDayOut):
    doctor_id: RecordId
    doctor_name: str
    specialization: str

    @staticmethod
    def resolve_doctor_name(obj: DemandForecast) -> str:
        return str(obj.doctor)

    @staticmethod
    def resolve_specialization(obj: DemandForecast) -> str:
        return obj.doctor.specialization.name


class HighDemandOut(Schema):
    high_demand_share: float
    items: list[HighDemandDayOut]


@router.get(
    "/doctors/{doctor_id}",
    response={200: DoctorForecastOut, **errors(401, 403, 404, 422)},
    summary="A doctor's demand forecast (that doctor or an admin)",
)
async def doctor_forecast(request, doctor_id: RecordId, window: Query[Window]):
    return await run_service(
        doctor_forecast_view, user_of(request), doctor_id, days=window.days
    )


@router.get(
    "/high-demand",
    response={200: HighDemandOut, **errors(401, 403, 422)},
    summary="Days forecast at or above the high-demand share of capacity",
)
async def high_demand(request, window: Query[Window]):
    return await run_service(high_demand_view, user_of(request), days=window.days)


class _Anyone:
    """Lets a request through without credentials; signed-in patients still get
    scores for their own attendance record."""

    async def __call__(self, request):
        return AnonymousUser()


class RecommendedRange(Schema):
    date_from: IsoDate | None = Field(
        None, description="First local day (default: today in the doctor's zone)"
    )
    date_to: IsoDate | None = Field(None, description="Last local day, included")
    limit: int = Field(5, ge=1, le=50)


class ScoredSlotOut(Schema):
    start: IsoDateTime
    end: IsoDateTime
    score: float = Field(description="0..1, higher is better")
    attendance: float = Field(description="chance the booking is kept")
    load: float | None = Field(description="expected share of the day's capacity")
    reason: str


class RecommendedOut(Schema):
    doctor_id: RecordId
    time_zone: str
    slots: list[ScoredSlotOut]


@doctor_router.get(
    "/{doctor_id}/slots/recommended",
    response={200: RecommendedOut, **errors(401, 404, 422)},
    auth=[*AUTH, _Anyone()],
    # Ninja adds this empty requirement to the two schemes of AUTH: in OpenAPI
    # it says that credentials are optional.
    openapi_extra={"security": [{}]},
    summary="The best free slots, scored by attendance chance and day load",
)
async def recommended(request, doctor_id: RecordId, span: Query[RecommendedRange]):
    user = request.auth
    patient = user if user.is_authenticated and user.is_patient else None
    found = await run_service(
        recommended_slots,
        doctor_id,
        patient=patient,
        date_from=span.date_from,
        date_to=span.date_to,
        limit=span.limit,
    )
    zone = ZoneInfo(found["time_zone"])
    for slot in found["slots"]:
        slot["start"] = slot["start"].astimezone(zone)
        slot["end"] = slot["end"].astimezone(zone)
    return {"doctor_id": doctor_id, **found}


class ForecastTotalOut(Schema):
    date: IsoDate
    expected: float = Field(description="sum of the doctors' expected counts")
    lower: int = Field(description="sum of their 80% lower bounds")
    upper: int = Field(description="sum of their 80% upper bounds")
    capacity: int
    high_demand_doctors: int


class FlaggedDayOut(Schema):
    date: IsoDate
    doctor_id: RecordId
    doctor: str
    specialization: str
    expected: float
    capacity: int


class ForecastAheadOut(Schema):
    totals: list[ForecastTotalOut]
    high_demand: list[FlaggedDayOut]


@analytics_router.get(
    "/forecast",
    response={200: ForecastAheadOut, **errors(401, 403, 422)},
    summary="The 14 days after date_to: forecast totals and high-demand days",
    description="The same filters as the other analytics; the band sums each "
    "doctor's 80% bounds, so it is wider than an 80% interval of the total.",
)
async def forecast_ahead(request, filters: Query[Filters]):
    return await run_service(forecast_after_scope, scope_of(request, filters))
