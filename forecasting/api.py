"""Demand forecasts over HTTP: a doctor's next days, and the high-demand days."""

from datetime import date

from ninja import Field, Query, Router, Schema

from domain.api.common import AUTH, errors, run_service, user_of
from forecasting.models import DemandForecast
from forecasting.selectors import doctor_forecast_view, high_demand_view

router = Router(tags=["forecasts"], auth=AUTH)


class Window(Schema):
    days: int = Field(14, ge=1, le=28, description="days ahead, from today")


class ForecastDayOut(Schema):
    date: date
    expected: float = Field(description="expected appointments that day")
    lower: int = Field(description="80% interval, lower end")
    upper: int = Field(description="80% interval, upper end")
    capacity: int = Field(description="bookable slots that day")
    high_demand: bool


class DoctorForecastOut(Schema):
    doctor_id: int
    high_demand_share: float = Field(
        description="a day is high demand when expected >= this share of capacity"
    )
    model_version: int | None
    origin: date | None = Field(description="bookings known up to this day")
    days: list[ForecastDayOut]


class HighDemandDayOut(ForecastDayOut):
    doctor_id: int
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
async def doctor_forecast(request, doctor_id: int, window: Query[Window]):
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
