"""A doctor's queue for today, moving as patients arrive and are seen."""

from datetime import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from domain.errors import DomainError
from domain.models import DoctorProfile
from domain.selectors.queue import queue_for_doctor
from domain.services.booking import appointment_complete, appointment_no_show
from domain.services.queue import appointment_check_in, appointment_start
from web.views.common import context_of
from web.views.doctor import doctor_required

QUEUE_ACTIONS = {
    "check-in": (appointment_check_in, "Checked in."),
    "start": (appointment_start, "Consultation started."),
    "complete": (appointment_complete, "Visit completed."),
    "no-show": (appointment_no_show, "Marked as not arrived."),
}


def _with_times(queue: dict) -> dict:
    """The queue with its ISO instants parsed, for the template's formatting."""
    for item in queue["items"]:
        item["start_at"] = datetime.fromisoformat(item["start"])
    return queue


@doctor_required
def queue(request: HttpRequest, doctor: DoctorProfile) -> HttpResponse:
    """Today's patients in order, with the next step for each."""
    return render(
        request,
        "web/live/queue.html",
        {"doctor": doctor, "queue": _with_times(queue_for_doctor(doctor))},
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
