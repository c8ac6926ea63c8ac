"""Pages anyone may read: doctor search and a doctor's profile."""

from datetime import timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from domain.models import DoctorProfile
from domain.selectors.doctors import doctor_get, doctor_search_page
from domain.selectors.feedback import doctor_feedback, feedback_author
from web.forms import DoctorSearchForm
from web.views.booking import week_context

RESULTS_LIMIT = 30
REVIEWS_SHOWN = 10


def home(request: HttpRequest) -> HttpResponse:
    """Search doctors, each with their next free time; best rated first."""
    form = DoctorSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    week = {}
    if filters.get("this_week"):
        today = timezone.localdate()
        week = {"available_from": today, "available_to": today + timedelta(days=6)}
    found = doctor_search_page(
        limit=RESULTS_LIMIT,
        offset=0,
        specialization_id=filters.get("specialization"),
        text=filters.get("q") or None,
        symptoms=filters.get("symptoms") or None,
        min_rating=filters.get("min_rating"),
        **week,
    )
    return render(
        request,
        "web/home.html",
        {
            "form": form,
            "doctors": found["items"],
            "count": found["count"],
            "searched": any(filters.values()),
        },
    )


def doctor_detail(request: HttpRequest, doctor_id: int) -> HttpResponse:
    """A doctor's public profile and a week of free slots to pick from."""
    try:
        doctor = doctor_get(doctor_id)
    except DoctorProfile.DoesNotExist as exc:
        raise Http404("Doctor not found.") from exc
    reviews = [
        (feedback, feedback_author(feedback))
        for feedback in doctor_feedback(doctor.pk)[:REVIEWS_SHOWN]
    ]
    return render(
        request,
        "web/doctors/detail.html",
        {"doctor": doctor, "reviews": reviews, **week_context(request, doctor)},
    )
