"""A patient's path from a free slot to a booked, moved or cancelled visit."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from domain.api.ratelimit import Bucket, limits_consume_sync
from domain.errors import Conflict, DomainError, RateLimited
from domain.models import DoctorProfile
from domain.selectors.appointments import appointment_get, appointment_list
from domain.selectors.doctors import doctor_get
from domain.selectors.queue import queue_for_doctor
from domain.selectors.reports import reports_visible_to
from domain.selectors.slots import doctor_slots, local_today
from domain.selectors.waitlist import pending_offers_of, waitlist_entries_of
from domain.services.booking import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
)
from forecasting.slots import recommended_slots
from web.forms import BookForm, CancelForm, FeedbackForm, SlotChoiceForm, WeekForm
from web.views.common import (
    add_domain_error,
    as_rate_limited,
    context_of,
    iso_utc,
    nearest_slots,
    refuse_on_form,
    slots_by_day,
)

WEEKS_AHEAD_MAX = 60
# How many of the week's free slots are highlighted as recommended.
RECOMMENDED_SHOWN = 3
# Refusals after which the nearest other free times are worth offering.
SLOT_GONE_CODES = {"slot_taken", "slot_unavailable", "patient_busy"}


def _doctor_or_404(doctor_id: int) -> DoctorProfile:
    try:
        return doctor_get(doctor_id)
    except DoctorProfile.DoesNotExist as exc:
        raise Http404("Doctor not found.") from exc


def week_context(request: HttpRequest, doctor: DoctorProfile) -> dict:
    """The week of slots a page shows, from the ``week`` query parameter: the
    free ones, and those held for the waiting list marked as such."""
    today = local_today(doctor)
    form = WeekForm(request.GET)
    start = (form.cleaned_data.get("week") if form.is_valid() else None) or today
    # Past weeks have no free slots; far-future ones are beyond any horizon.
    start = min(max(start, today), today + timedelta(days=WEEKS_AHEAD_MAX * 7))
    free = doctor_slots(
        doctor.pk,
        date_from=start,
        date_to=start + timedelta(days=6),
        for_patient=request.user if request.user.is_authenticated else None,
        with_held=True,
    )
    previous = start - timedelta(days=7)
    best = recommended_slots(
        doctor.pk,
        patient=request.user if request.user.is_authenticated else None,
        date_from=start,
        date_to=start + timedelta(days=6),
        limit=RECOMMENDED_SHOWN,
    )["slots"]
    return {
        "week_start": start,
        "week_end": start + timedelta(days=6),
        "previous_week": max(previous, today) if start > today else None,
        "next_week": start + timedelta(days=7),
        "days": slots_by_day(
            free.slots, zone=doctor.time_zone, date_from=start, held=free.held
        ),
        "slot_count": len(free.slots),
        "recommended": {iso_utc(item["start"]): item["reason"] for item in best},
    }


def _alternatives(doctor: DoctorProfile, start) -> list:
    """Free slots near a time that was just taken, in the doctor's zone."""
    today = local_today(doctor)
    day = start.astimezone(ZoneInfo(doctor.time_zone)).date()
    date_from = max(today, day - timedelta(days=3))
    free = doctor_slots(
        doctor.pk, date_from=date_from, date_to=date_from + timedelta(days=13)
    )
    return slots_by_day(
        nearest_slots(free.slots, to=start),
        zone=doctor.time_zone,
        date_from=date_from,
        days=14,
    )


@login_required
def book(request: HttpRequest, doctor_id: int) -> HttpResponse:
    """Confirm a chosen slot with a reason, then book it."""
    doctor = _doctor_or_404(doctor_id)
    if request.method == "POST":
        form = BookForm(request.POST)
    else:
        choice = SlotChoiceForm(request.GET)
        if not choice.is_valid():
            messages.error(request, "Choose a time first.")
            return redirect("web:doctor", doctor_id=doctor.pk)
        form = BookForm(initial={"start": request.GET["start"]})
        start = choice.cleaned_data["start"]
        return render(
            request,
            "web/booking/confirm.html",
            {"doctor": doctor, "form": form, "start": start},
        )
    alternatives = []
    start = None
    if form.is_valid():
        start = form.cleaned_data["start"]
        try:
            # The API's burst limit per patient counts bookings made here too.
            limits_consume_sync(Bucket("booking_patient", str(request.user.pk)))
            appointment = appointment_book(
                request.user,
                doctor_id=doctor.pk,
                start=start,
                reason=form.cleaned_data["reason"],
                context=context_of(request),
            )
        except RateLimited as error:
            refuse_on_form(form, error)
            page = {"doctor": doctor, "form": form, "start": start}
            return as_rate_limited(
                render(request, "web/booking/confirm.html", page), error
            )
        except DomainError as error:
            add_domain_error(form, error)
            if isinstance(error, Conflict) or error.code in SLOT_GONE_CODES:
                alternatives = _alternatives(doctor, start)
            return render(
                request,
                "web/booking/confirm.html",
                {
                    "doctor": doctor,
                    "form": form,
                    "start": start,
                    "error_code": error.code,
                    "alternatives": alternatives,
                },
                status=409 if isinstance(error, Conflict) else 400,
            )
        messages.success(
            request,
            "Your visit is booked."
            if appointment.status == "confirmed"
            else "Your request is sent; the doctor will confirm it.",
        )
        return redirect("web:appointment", appointment_id=appointment.pk)
    return render(
        request,
        "web/booking/confirm.html",
        {"doctor": doctor, "form": form, "start": start},
        status=400,
    )


@login_required
def appointments(request: HttpRequest) -> HttpResponse:
    """The caller's appointments: upcoming first, then the past ones."""
    now = timezone.now()
    upcoming, past = [], []
    for appointment in appointment_list(request.user):
        (upcoming if appointment.end > now else past).append(appointment)
    past.reverse()
    return render(
        request,
        "web/booking/appointments.html",
        {
            "upcoming": upcoming,
            "past": past,
            "reports": reports_visible_to(request.user)[:50],
            "offers": pending_offers_of(request.user).select_related("doctor__user"),
            "waiting": waitlist_entries_of(request.user)
            .filter(status__in=["waiting", "offered"])
            .select_related("doctor__user"),
        },
    )


def _visible_appointment(request: HttpRequest, appointment_id):
    try:
        return appointment_get(request.user, appointment_id)
    except DomainError as exc:
        raise Http404("Appointment not found.") from exc


def _queue_item(appointment) -> dict | None:
    """The appointment's row in today's queue, if it is in it."""
    if not appointment.is_active:
        return None
    queue = queue_for_doctor(appointment.doctor)
    return next(
        (i for i in queue["items"] if i["appointment_id"] == str(appointment.pk)),
        None,
    )


@login_required
def appointment_detail(request: HttpRequest, appointment_id) -> HttpResponse:
    appointment = _visible_appointment(request, appointment_id)
    return render(
        request,
        "web/booking/appointment.html",
        {
            "appointment": appointment,
            "cancel_form": CancelForm(),
            "feedback_form": FeedbackForm(),
            "reports": reports_visible_to(request.user).filter(appointment=appointment),
            "queue_item": _queue_item(appointment),
        },
    )


@login_required
@require_POST
def cancel(request: HttpRequest, appointment_id) -> HttpResponse:
    """Cancel with a reason; the service applies the cancellation cutoff."""
    appointment = _visible_appointment(request, appointment_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            appointment_cancel(
                appointment.pk,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                context=context_of(request),
            )
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, "The appointment is cancelled.")
    return redirect("web:appointment", appointment_id=appointment.pk)


@login_required
def reschedule(request: HttpRequest, appointment_id) -> HttpResponse:
    """Pick another free slot of the same doctor; the old one is kept on refusal."""
    appointment = _visible_appointment(request, appointment_id)
    doctor = _doctor_or_404(appointment.doctor_id)
    if request.method == "POST":
        form = SlotChoiceForm(request.POST)
        if form.is_valid():
            try:
                moved = appointment_reschedule(
                    appointment.pk,
                    actor=request.user,
                    start=form.cleaned_data["start"],
                    context=context_of(request),
                )
            except DomainError as error:
                messages.error(request, error.detail)
            else:
                messages.success(request, "Your visit has moved.")
                return redirect("web:appointment", appointment_id=moved.pk)
        else:
            messages.error(request, "Choose one of the times shown.")
    return render(
        request,
        "web/booking/reschedule.html",
        {
            "appointment": appointment,
            "doctor": doctor,
            **week_context(request, doctor),
        },
    )
