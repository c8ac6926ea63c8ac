"""Pages around live events: the waitlist and its offers, and a doctor's queue."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from domain.errors import DomainError
from domain.models import DoctorProfile
from domain.selectors.queue import queue_for_doctor
from domain.selectors.waitlist import pending_offers_of
from domain.services.booking import appointment_complete, appointment_no_show
from domain.services.queue import appointment_check_in, appointment_start
from domain.services.waitlist import (
    waitlist_join,
    waitlist_leave,
    waitlist_offer_accept,
    waitlist_offer_decline,
)
from forecasting.selectors import doctor_forecast_view
from web.forms import WaitlistJoinForm
from web.views.common import context_of
from web.views.doctor import doctor_required

FORECAST_DAYS = 14
QUEUE_ACTIONS = {
    "check-in": (appointment_check_in, "Checked in."),
    "start": (appointment_start, "Consultation started."),
    "complete": (appointment_complete, "Visit completed."),
    "no-show": (appointment_no_show, "Marked as not arrived."),
}


@login_required
@require_POST
def waitlist_join_view(request: HttpRequest, doctor_id: int) -> HttpResponse:
    """Join a doctor's waitlist; a freed slot in the range is then offered live."""
    form = WaitlistJoinForm(request.POST)
    if form.is_valid():
        try:
            waitlist_join(
                request.user,
                doctor_id=doctor_id,
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
                context=context_of(request),
            )
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(
                request,
                "You are on the waiting list. If a time frees up we will offer it "
                "to you here and by e-mail.",
            )
    else:
        messages.error(request, "Give the first and last day you could come.")
    return redirect("web:doctor", doctor_id=doctor_id)


@login_required
@require_POST
def waitlist_leave_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    try:
        waitlist_leave(request.user, entry_id=entry_id, context=context_of(request))
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, "You have left the waiting list.")
    return redirect("web:appointments")


@login_required
def offer(request: HttpRequest, offer_id: int) -> HttpResponse:
    """An open offer (the e-mail links here): accept or decline it."""
    found = pending_offers_of(request.user).filter(pk=offer_id).first()
    if found is None:
        raise Http404("This offer is no longer open.")
    return render(request, "web/live/offer.html", {"offer": found})


@login_required
@require_POST
def offer_accept(request: HttpRequest, offer_id: int) -> HttpResponse:
    try:
        appointment = waitlist_offer_accept(
            request.user, offer_id=offer_id, context=context_of(request)
        )
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("web:appointments")
    messages.success(request, "The time is yours: your visit is booked.")
    return redirect("web:appointment", appointment_id=appointment.pk)


@login_required
@require_POST
def offer_decline(request: HttpRequest, offer_id: int) -> HttpResponse:
    try:
        waitlist_offer_decline(
            request.user, offer_id=offer_id, context=context_of(request)
        )
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, "Offer declined; you stay on the waiting list.")
    return redirect("web:appointments")


def _with_times(queue: dict) -> dict:
    """The queue with its ISO instants parsed, for the template's formatting."""
    for item in queue["items"]:
        item["start_at"] = datetime.fromisoformat(item["start"])
    return queue


@doctor_required
def queue(request: HttpRequest, doctor: DoctorProfile) -> HttpResponse:
    """Today's patients in order, with the next step for each, and the forecast."""
    return render(
        request,
        "web/live/queue.html",
        {
            "doctor": doctor,
            "queue": _with_times(queue_for_doctor(doctor)),
            "forecast": doctor_forecast_view(
                request.user, doctor.pk, days=FORECAST_DAYS
            ),
        },
    )


@doctor_required
@require_POST
def queue_action(
    request: HttpRequest, doctor: DoctorProfile, appointment_id, action: str
) -> HttpResponse:
    """One step of a visit; the service checks it fits the visit's state."""
    if action not in QUEUE_ACTIONS:
        raise Http404("Unknown step.")
    service, done = QUEUE_ACTIONS[action]
    try:
        service(appointment_id, actor=request.user, context=context_of(request))
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, done)
    return redirect("web:queue")
