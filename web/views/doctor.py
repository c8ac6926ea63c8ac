"""A doctor's own pages: the week's schedule and the working-time forms."""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from domain.errors import DomainError
from domain.models import DoctorProfile
from domain.selectors.appointments import appointment_list
from domain.selectors.availability import (
    availability_list,
    time_off_list,
    weekly_hours_list,
)
from domain.selectors.doctors import doctor_of
from domain.selectors.slots import local_today
from domain.services.availability import (
    availability_create,
    availability_delete,
    time_off_create,
    time_off_delete,
    weekly_hours_create,
    weekly_hours_delete,
)
from domain.services.booking import appointment_confirm
from web.forms import TimeOffForm, WeekForm, WeeklyHoursForm, WindowForm
from web.views.common import context_of

# How far back and ahead the schedule may be paged; further weeks are clamped.
SCHEDULE_REACH = timedelta(days=400)


def doctor_required(view: Callable) -> Callable:
    """Only doctors reach these pages; the view gets their profile."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        doctor = doctor_of(request.user)
        if doctor is None:
            raise PermissionDenied("These pages are for doctors.")
        return view(request, doctor, *args, **kwargs)

    return wrapper


def _back(request: HttpRequest) -> HttpResponse:
    """Return to the schedule week the form was sent from."""
    week = WeekForm(request.POST)
    url = reverse("web:schedule")
    if week.is_valid() and week.cleaned_data["week"]:
        url += f"?week={week.cleaned_data['week'].isoformat()}"
    return redirect(url)


def _form_errors(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _weekly_applies(hours, day) -> bool:
    """Weekly hours work on ``day``: its weekday, inside their validity range."""
    return (
        hours.weekday == day.weekday()
        and (hours.valid_from is None or hours.valid_from <= day)
        and (hours.valid_until is None or day <= hours.valid_until)
    )


@doctor_required
def schedule(request: HttpRequest, doctor: DoctorProfile) -> HttpResponse:
    """The week's appointments, windows and time off, day by day."""
    today = local_today(doctor)
    week = WeekForm(request.GET)
    start = (week.cleaned_data.get("week") if week.is_valid() else None) or today
    start = min(max(start, today - SCHEDULE_REACH), today + SCHEDULE_REACH)
    end = start + timedelta(days=6)
    zone = ZoneInfo(doctor.time_zone)
    windows = availability_list(
        doctor.pk, actor=request.user, date_from=start, date_to=end
    )
    # Appointments are filtered by UTC day; a day either side covers any zone.
    appointments = appointment_list(
        request.user, date_from=start - timedelta(days=1), date_to=end + timedelta(1)
    ).exclude(status="cancelled")
    time_off = time_off_list(doctor.pk, actor=request.user)
    weekly_hours = weekly_hours_list(doctor.pk, actor=request.user)
    days = []
    for n in range(7):
        day = start + timedelta(days=n)
        days.append(
            {
                "day": day,
                "is_today": day == today,
                "windows": [w for w in windows if w.date == day],
                "weekly": [h for h in weekly_hours if _weekly_applies(h, day)],
                "appointments": [
                    a for a in appointments if a.start.astimezone(zone).date() == day
                ],
                "time_off": [
                    off
                    for off in time_off
                    if off.start.astimezone(zone).date()
                    <= day
                    <= (off.end - timedelta(microseconds=1)).astimezone(zone).date()
                ],
            }
        )
    return render(
        request,
        "web/doctor/schedule.html",
        {
            "doctor": doctor,
            "days": days,
            "week_start": start,
            "week_end": end,
            "previous_week": start - timedelta(days=7),
            "next_week": start + timedelta(days=7),
            "weekly_hours": weekly_hours,
            "time_off": time_off,
            "window_form": WindowForm(initial={"date": today}),
            "weekly_form": WeeklyHoursForm(),
            "time_off_form": TimeOffForm(),
        },
    )


def _run(request: HttpRequest, action: Callable[[], object], done: str) -> None:
    """Call one service and report its outcome as a message."""
    try:
        action()
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, done)


@doctor_required
@require_POST
def window_add(request: HttpRequest, doctor: DoctorProfile) -> HttpResponse:
    form = WindowForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _run(
            request,
            lambda: availability_create(
                doctor.pk,
                day=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                actor=request.user,
                context=context_of(request),
            ),
            "Working hours added.",
        )
    else:
        _form_errors(request, form)
    return _back(request)


@doctor_required
@require_POST
def window_delete(
    request: HttpRequest, doctor: DoctorProfile, window_id: int
) -> HttpResponse:
    _run(
        request,
        lambda: availability_delete(
            window_id,
            doctor_id=doctor.pk,
            actor=request.user,
            context=context_of(request),
        ),
        "Working hours removed.",
    )
    return _back(request)


@doctor_required
@require_POST
def weekly_add(request: HttpRequest, doctor: DoctorProfile) -> HttpResponse:
    form = WeeklyHoursForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _run(
            request,
            lambda: weekly_hours_create(
                doctor.pk,
                weekday=data["weekday"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                actor=request.user,
                context=context_of(request),
            ),
            "Weekly hours added.",
        )
    else:
        _form_errors(request, form)
    return _back(request)


@doctor_required
@require_POST
def weekly_delete(
    request: HttpRequest, doctor: DoctorProfile, hours_id: int
) -> HttpResponse:
    _run(
        request,
        lambda: weekly_hours_delete(
            hours_id,
            doctor_id=doctor.pk,
            actor=request.user,
            context=context_of(request),
        ),
        "Weekly hours removed.",
    )
    return _back(request)


@doctor_required
@require_POST
def time_off_add(request: HttpRequest, doctor: DoctorProfile) -> HttpResponse:
    form = TimeOffForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _run(
            request,
            lambda: time_off_create(
                doctor.pk,
                date_from=data["date_from"],
                date_to=data["date_to"],
                reason=data["reason"],
                actor=request.user,
                context=context_of(request),
            ),
            "Time off added.",
        )
    else:
        _form_errors(request, form)
    return _back(request)


@doctor_required
@require_POST
def time_off_remove(
    request: HttpRequest, doctor: DoctorProfile, time_off_id: int
) -> HttpResponse:
    _run(
        request,
        lambda: time_off_delete(
            time_off_id,
            doctor_id=doctor.pk,
            actor=request.user,
            context=context_of(request),
        ),
        "Time off removed.",
    )
    return _back(request)


@doctor_required
@require_POST
def confirm(
    request: HttpRequest, doctor: DoctorProfile, appointment_id
) -> HttpResponse:
    _run(
        request,
        lambda: appointment_confirm(
            appointment_id, actor=request.user, context=context_of(request)
        ),
        "Appointment confirmed.",
    )
    return _back(request)
