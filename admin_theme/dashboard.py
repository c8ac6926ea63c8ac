"""The admin index: cards and charts from the analytics selectors.

Figures come from ``domain.selectors.analytics`` (and the forecaster's stored
forecasts when it has any); this module only reads the filters, calls the
selectors and shapes their output for Unfold's card and Chart.js components.
"""

import json
import logging
from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils import timezone
from unfold.widgets import BASE_INPUT_CLASSES, UnfoldAdminSelectWidget

from domain.errors import InvalidInput
from domain.models import DoctorProfile, Specialization
from domain.selectors import analytics
from domain.selectors.analytics import Scope
from forecasting.selectors import forecast_after_scope

logger = logging.getLogger(__name__)

# Charts of one bar per doctor stay readable up to this many doctors.
DOCTORS_SHOWN = 12

PRIMARY = "var(--color-primary-600)"
PRIMARY_LIGHT = "var(--color-primary-300)"
GREY = "var(--color-base-300)"
GREY_DARK = "var(--color-base-500)"
RED = "#ef4444"
AMBER = "#f59e0b"
VIOLET = "#8b5cf6"
VIOLET_FILL = "rgba(139, 92, 246, 0.15)"


class DashboardFilters(forms.Form):
    date_from = forms.DateField(
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "class": " ".join(BASE_INPUT_CLASSES)}
        ),
    )
    date_to = forms.DateField(
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "class": " ".join(BASE_INPUT_CLASSES)}
        ),
    )
    specialization = forms.ModelChoiceField(
        queryset=Specialization.objects.order_by("name"),
        required=False,
        empty_label="All specializations",
        widget=UnfoldAdminSelectWidget,
    )
    doctor = forms.ModelChoiceField(
        queryset=DoctorProfile.objects.select_related("user").order_by(
            "user__last_name", "user__first_name"
        ),
        required=False,
        empty_label="All doctors",
        widget=UnfoldAdminSelectWidget,
    )


def _scope_from(form: DashboardFilters, today: date) -> tuple[Scope, list[str]]:
    """The scope the filters ask for, or the default one with the reasons why not."""
    if not form.is_valid():
        problems = [str(error) for errors in form.errors.values() for error in errors]
        return analytics.scope_default(today), problems
    data = form.cleaned_data
    try:
        scope = analytics.scope_build(
            today,
            date_from=data["date_from"],
            date_to=data["date_to"],
            specialization_id=data["specialization"].pk
            if data["specialization"]
            else None,
            doctor_id=data["doctor"].pk if data["doctor"] else None,
        )
    except InvalidInput as exc:
        return analytics.scope_default(today), [exc.detail]
    return scope, []


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.1f}%"


def _change(change: float | None) -> dict[str, str] | None:
    """A rate's change in percentage points; for these rates, down is good."""
    if change is None:
        return None
    points = change * 100
    if abs(points) < 0.05:
        return {"text": "no change", "tone": "neutral"}
    return {
        "text": f"{points:+.1f} pts vs previous",
        "tone": "good" if points < 0 else "bad",
    }


def _chart(
    labels: list, datasets: list[dict], *, stacked: bool = False, percent=False
) -> dict[str, str]:
    """Data and options for Unfold's chart components, as the JSON they read."""
    axis = {
        "grid": {"display": True, "tickWidth": 0},
        "border": {"width": 0},
        "ticks": {"color": "#9ca3af"},
    }
    y_axis = {**axis, "beginAtZero": True, "stacked": stacked}
    if percent:
        y_axis["title"] = {"display": True, "text": "%", "color": "#9ca3af"}
    options = {
        "animation": False,
        "responsive": True,
        "maintainAspectRatio": False,
        "interaction": {"mode": "index", "intersect": False},
        "plugins": {
            "legend": {
                "display": True,
                "align": "end",
                "position": "top",
                "labels": {
                    "boxHeight": 8,
                    "boxWidth": 8,
                    "color": "#9ca3af",
                    "usePointStyle": True,
                    "pointStyle": "circle",
                },
            },
            "tooltip": {"enabled": True},
        },
        "scales": {
            "x": {**axis, "stacked": stacked, "grid": {"display": False}},
            "y": y_axis,
        },
    }
    return {
        "data": json.dumps({"labels": labels, "datasets": datasets}),
        "options": json.dumps(options),
    }


def _bar(label: str, values: list, colour: str, **extra: Any) -> dict[str, Any]:
    return {
        "label": label,
        "data": values,
        "backgroundColor": colour,
        "borderRadius": 4,
        "maxBarThickness": 18,
        **extra,
    }


def _line(label: str, values: list, colour: str, **extra: Any) -> dict[str, Any]:
    return {
        "label": label,
        "data": values,
        "borderColor": colour,
        "backgroundColor": colour,
        "borderWidth": 2,
        "pointRadius": 0,
        "tension": 0.3,
        **extra,
    }


def _short(day: date) -> str:
    return day.strftime("%d %b")


def _trend_chart(history: list[dict], forecast: list[dict]) -> dict:
    days = [row["date"] for row in history] + [row["date"] for row in forecast]
    padding = [None] * len(forecast)
    lead = [None] * len(history)
    datasets = [
        _line("Booked", [row["booked"] for row in history] + padding, PRIMARY),
        _line("Completed", [row["completed"] for row in history] + padding, GREY_DARK),
    ]
    if forecast:
        # The band is drawn as the upper line filled down to the lower one.
        datasets += [
            _line(
                "Forecast",
                lead + [row["expected"] for row in forecast],
                VIOLET,
                borderDash=[6, 4],
            ),
            _line(
                "Summed 80% intervals",
                lead + [row["upper"] for row in forecast],
                VIOLET_FILL,
                fill="+1",
                borderWidth=0,
            ),
            _line(
                "Summed 80% intervals (low)",
                lead + [row["lower"] for row in forecast],
                VIOLET_FILL,
                borderWidth=0,
            ),
        ]
    return _chart([_short(day) for day in days], datasets)


def _workload_chart(rows: list[dict]) -> dict:
    rows = rows[:DOCTORS_SHOWN]
    labels = [row["doctor"].removeprefix("Dr. ") for row in rows]
    return _chart(
        labels,
        [
            _bar("Booked this week", [r["booked_this_week"] for r in rows], PRIMARY),
            _bar("Capacity this week", [r["capacity_this_week"] for r in rows], GREY),
            _bar(
                "Booked next week", [r["booked_next_week"] for r in rows], PRIMARY_LIGHT
            ),
            _bar(
                "Capacity next week",
                [r["capacity_next_week"] for r in rows],
                GREY_DARK,
            ),
        ],
    )


def _as_percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _rates_chart(rows: list[dict], label_key: str) -> dict:
    return _chart(
        [str(row[label_key]).removeprefix("Dr. ") for row in rows],
        [
            _bar(
                "Cancellation %",
                [_as_percent(row["cancellation_rate"]) for row in rows],
                RED,
            ),
            _bar(
                "No-show %", [_as_percent(row["no_show_rate"]) for row in rows], AMBER
            ),
        ],
        percent=True,
    )


def _days_ahead_chart(days_ahead: list[dict], forecast: list[dict]) -> dict:
    expected = {row["date"]: row["expected"] for row in forecast}
    datasets = [_bar("Booked so far", [row["booked"] for row in days_ahead], PRIMARY)]
    if expected:
        datasets.append(
            _bar(
                "Forecast",
                [expected.get(row["date"]) for row in days_ahead],
                VIOLET,
            )
        )
    return _chart([_short(row["date"]) for row in days_ahead], datasets)


def dashboard_figures(scope: Scope) -> dict[str, Any]:
    """Every card and chart of the dashboard for one scope."""
    rates = analytics.analytics_rates(scope)
    utilisation = analytics.analytics_utilisation(scope)
    ahead = forecast_after_scope(scope, days=14)
    forecast = ahead["totals"]
    days_ahead = analytics.analytics_busiest_days_ahead(scope, days=14)
    activity = analytics.analytics_activity(scope)
    by_time = activity["by_time"]
    lead_times = analytics.analytics_lead_times(scope)
    return {
        "day": analytics.analytics_day(scope),
        "day_title": "Today's appointments"
        if scope.date_to == timezone.localdate()
        else f"Appointments on {scope.date_to:%-d %b %Y}",
        "utilisation": utilisation,
        "utilisation_percent": _percent(utilisation["utilisation"]),
        "utilisation_bar": min(100, round((utilisation["utilisation"] or 0) * 100)),
        "rates": rates,
        "cancellation_rate": _percent(rates["current"]["cancellation_rate"]),
        "cancellation_change": _change(rates["cancellation_change"]),
        "no_show_rate": _percent(rates["current"]["no_show_rate"]),
        "no_show_change": _change(rates["no_show_change"]),
        "waitlist": analytics.analytics_waitlist(scope),
        "has_forecast": bool(forecast),
        "high_demand": ahead["high_demand"][:DOCTORS_SHOWN],
        "charts": {
            "trend": _trend_chart(activity["trend"], forecast),
            "workload": _workload_chart(analytics.analytics_workload(scope)),
            "rates_doctor": _rates_chart(
                analytics.analytics_rates_by_doctor(scope)[:DOCTORS_SHOWN], "doctor"
            ),
            "rates_weekday": _rates_chart(by_time["weekdays"], "weekday"),
            "rates_hour": _rates_chart(
                [{**row, "hour": f"{row['hour']:02d}:00"} for row in by_time["hours"]],
                "hour",
            ),
            "lead_times": _chart(
                [row["bucket"] for row in lead_times],
                [
                    _bar(
                        "Appointments",
                        [row["appointments"] for row in lead_times],
                        PRIMARY,
                    )
                ],
            ),
            "days_ahead": _days_ahead_chart(days_ahead, forecast),
        },
    }


def dashboard_callback(request: HttpRequest, context: dict) -> dict:
    """Unfold's DASHBOARD_CALLBACK: add the filters and the figures to the index."""
    today = timezone.localdate()
    if request.GET:
        form = DashboardFilters(request.GET)
        scope, problems = _scope_from(form, today)
    else:
        scope, problems = analytics.scope_default(today), []
        form = DashboardFilters(
            initial={"date_from": scope.date_from, "date_to": scope.date_to}
        )
    context.update(
        {
            "filters": form,
            "filter_problems": problems,
            "scope": scope,
            "scope_week_end": analytics.week_of(scope.date_to)[1],
            "scope_ahead_end": scope.date_to + timedelta(days=14),
            "dashboard": dashboard_figures(scope),
        }
    )
    return context
