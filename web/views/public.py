"""Pages anyone may read: doctor search and a doctor's profile."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from domain.models import DoctorProfile
from domain.selectors.doctors import doctor_get, doctor_search
from domain.selectors.feedback import doctor_feedback, feedback_author
from web.forms import DoctorSearchForm

RESULTS_LIMIT = 30
REVIEWS_SHOWN = 10


def home(request: HttpRequest) -> HttpResponse:
    """Search doctors; with no filters the best rated doctors are listed."""
    form = DoctorSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    doctors = doctor_search(
        specialization_id=filters.get("specialization"),
        text=filters.get("q") or None,
        symptoms=filters.get("symptoms") or None,
        min_rating=filters.get("min_rating"),
    )[:RESULTS_LIMIT]
    return render(
        request,
        "web/home.html",
        {"form": form, "doctors": doctors, "searched": bool(filters)},
    )


def doctor_detail(request: HttpRequest, doctor_id: int) -> HttpResponse:
    """A doctor's public profile with the latest reviews."""
    try:
        doctor = doctor_get(doctor_id)
    except DoctorProfile.DoesNotExist as exc:
        raise Http404("Doctor not found.") from exc
    reviews = [
        (feedback, feedback_author(feedback))
        for feedback in doctor_feedback(doctor.pk)[:REVIEWS_SHOWN]
    ]
    return render(
        request, "web/doctors/detail.html", {"doctor": doctor, "reviews": reviews}
    )
