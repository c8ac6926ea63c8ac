"""Insights: the forecasting models in the registry and their stored forecasts.

Both are written only by training (``train_forecaster``, the nightly job), so
they are read-only here: an admin checks which version serves, how it scored,
and what it expects of each doctor's coming days.
"""

from django.contrib import admin
from unfold.contrib.filters.admin import RangeDateFilter
from unfold.decorators import display

from admin_theme.admin.base import ReadOnlyAdmin
from forecasting.models import DemandForecast, ForecastModel


@admin.register(ForecastModel)
class ForecastModelAdmin(ReadOnlyAdmin):
    list_display = (
        "kind",
        "version",
        "serving_gate",
        "data_start",
        "data_end",
        "validation_mae",
        "train_seconds",
        "created_at",
    )
    list_filter = ("kind", "good")
    exclude = ("weights",)

    @display(description="passed its gate", boolean=True)
    def serving_gate(self, obj: ForecastModel) -> bool:
        return obj.good

    @display(description="validation MAE")
    def validation_mae(self, obj: ForecastModel) -> str:
        validation = obj.metrics.get("validation", {})
        if "mae" not in validation:
            return "-"
        return f"{validation['mae']} (pickup {validation.get('pickup_mae', '-')})"


@admin.register(DemandForecast)
class DemandForecastAdmin(ReadOnlyAdmin):
    list_display = (
        "date",
        "doctor",
        "expected",
        "lower",
        "upper",
        "capacity",
        "high_demand",
        "model",
    )
    list_filter = (("date", RangeDateFilter), "high_demand")
    search_fields = ("doctor__user__last_name", "doctor__user__first_name")
    list_select_related = ("doctor__user", "model")
    date_hierarchy = "date"
