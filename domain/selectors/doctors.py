"""Finding doctors and specializations."""

import re
from decimal import Decimal

from django.db.models import Q, QuerySet

from domain.models import DoctorProfile, Specialization, SymptomKeyword

_WORD = re.compile(r"[a-z]+")


def specialization_list() -> QuerySet[Specialization]:
    return Specialization.objects.order_by("name")


def doctor_queryset() -> QuerySet[DoctorProfile]:
    """Active doctors with what their public card shows, in one query."""
    return DoctorProfile.objects.filter(
        is_active=True, user__is_active=True
    ).select_related("user", "specialization")


def specializations_for_symptoms(text: str) -> set[int]:
    """Specialization ids whose symptom keywords appear among the words of ``text``."""
    words = set(_WORD.findall(text.lower()))
    # Keywords may be two words ("chest pain"); match them against the text too.
    lowered = text.lower()
    matches = set()
    for keyword, specialization_id in SymptomKeyword.objects.values_list(
        "keyword", "specialization_id"
    ):
        if keyword in words or (" " in keyword and keyword in lowered):
            matches.add(specialization_id)
    return matches


def doctor_search(
    *,
    specialization_id: int | None = None,
    text: str | None = None,
    symptoms: str | None = None,
    min_rating: Decimal | None = None,
) -> QuerySet[DoctorProfile]:
    """Active doctors matching every filter given, best rated first."""
    doctors = doctor_queryset()
    if specialization_id is not None:
        doctors = doctors.filter(specialization_id=specialization_id)
    if min_rating is not None:
        doctors = doctors.filter(rating__gte=min_rating)
    if text:
        for term in text.split():
            doctors = doctors.filter(
                Q(user__first_name__icontains=term)
                | Q(user__last_name__icontains=term)
                | Q(specialization__name__icontains=term)
                | Q(description__icontains=term)
            )
    if symptoms:
        doctors = doctors.filter(
            specialization_id__in=specializations_for_symptoms(symptoms)
        )
    return doctors.order_by("-rating", "user__last_name", "pk")


def doctor_get(doctor_id: int, *, include_inactive: bool = False) -> DoctorProfile:
    """One doctor by id; raises ``DoctorProfile.DoesNotExist`` when not visible."""
    doctors = (
        DoctorProfile.objects.select_related("user", "specialization")
        if include_inactive
        else doctor_queryset()
    )
    return doctors.get(pk=doctor_id)
