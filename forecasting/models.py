"""The model registry and the stored forecasts that the API and dashboards read."""

from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q

from domain.models import DoctorProfile


def _private_storage():
    # Weights are not for the public media URL; keep them with private files.
    return storages["private"]


class ModelKind(models.TextChoices):
    DEMAND = "demand", "Demand per doctor and day"
    NO_SHOW = "no_show", "No-show and late-cancellation risk"


class ForecastModel(models.Model):
    """One trained model version: weights in file storage, metadata here.

    The newest version marked ``good`` of a kind is the one that serves.
    """

    kind = models.CharField(max_length=16, choices=ModelKind.choices)
    version = models.PositiveIntegerField()
    good = models.BooleanField(
        default=False, help_text="Passed its quality gate; only good models serve."
    )
    weights = models.FileField(upload_to="forecasting/", storage=_private_storage)
    data_start = models.DateField()
    data_end = models.DateField()
    features = models.JSONField(default=list)
    metrics = models.JSONField(default=dict)
    config = models.JSONField(default=dict)
    code_version = models.CharField(max_length=64)
    train_seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "version"], name="forecast_model_kind_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class DemandForecast(models.Model):
    """The forecast number of appointments of one doctor on one local date."""

    doctor = models.ForeignKey(
        DoctorProfile, on_delete=models.CASCADE, related_name="demand_forecasts"
    )
    date = models.DateField()
    expected = models.FloatField()
    lower = models.PositiveIntegerField()
    upper = models.PositiveIntegerField()
    capacity = models.PositiveIntegerField()
    high_demand = models.BooleanField(default=False)
    model = models.ForeignKey(
        ForecastModel, on_delete=models.CASCADE, related_name="forecasts"
    )
    origin = models.DateField(help_text="Forecast made with bookings up to this day.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "doctor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["doctor", "date"], name="demand_forecast_doctor_date_unique"
            ),
            models.CheckConstraint(
                condition=Q(upper__gte=F("lower")), name="demand_forecast_interval"
            ),
        ]
        indexes = [models.Index(fields=["date", "high_demand"])]

    def __str__(self) -> str:
        return f"{self.doctor_id} {self.date}: {self.expected:.1f}"
