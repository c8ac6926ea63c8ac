"""Finding doctors and specializations."""

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from domain.models import (
    Availability,
    DoctorProfile,
    Specialization,
    SymptomKeyword,
    WeeklyHours,
)
from domain.selectors.slots import (
    check_range,
    doctors_with_free_slots,
    next_free_slots,
)

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
        keyword = keyword.lower()
        if keyword in words or (" " in keyword and keyword in lowered):
            matches.add(specialization_id)
    return matches


def doctor_search(
    *,
    specialization_id: int | None = None,
    text: str | None = None,
    symptoms: str | None = None,
    min_rating: Decimal | None = None,
    available_from: date | None = None,
    available_to: date | None = None,
) -> QuerySet[DoctorProfile]:
    """Active doctors matching every filter given, best rated first.

    ``available_from``/``available_to`` (local days, at most 31) keep only
    doctors with a free slot in that range; one bound alone means that day.
    """
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
    if available_from is not None or available_to is not None:
        doctors = _with_free_slots(
            doctors,
            date_from=available_from or available_to,
            date_to=available_to or available_from,
        )
    return doctors.order_by("-rating", "user__last_name", "pk")


def _with_free_slots(
    doctors: QuerySet[DoctorProfile], *, date_from: date, date_to: date
) -> QuerySet[DoctorProfile]:
    check_range(date_from, date_to)
    # Only doctors with some working time in the range can have a free slot;
    # the engine then runs for those few, in bulk.
    working = doctors.filter(
        Exists(
            Availability.objects.filter(
                doctor=OuterRef("pk"), date__gte=date_from, date__lte=date_to
            )
        )
        | Exists(
            WeeklyHours.objects.filter(doctor=OuterRef("pk")).filter(
                Q(valid_from__isnull=True) | Q(valid_from__lte=date_to),
                Q(valid_until__isnull=True) | Q(valid_until__gte=date_from),
            )
        )
    )
    ids = doctors_with_free_slots(list(working), date_from=date_from, date_to=date_to)
    return doctors.filter(pk__in=ids)


def doctor_search_page(*, limit: int, offset: int, **filters: Any) -> dict[str, Any]:
    """One page of ``doctor_search`` with each doctor's next free slot attached."""
    doctors = doctor_search(**filters)
    page = list(doctors[offset : offset + limit])
    upcoming = next_free_slots(page)
    for doctor in page:
        doctor.next_slot = upcoming[doctor.pk]
    return {"items": page, "count": doctors.count()}


def doctor_with_next_slot(doctor_id: int) -> DoctorProfile:
    """A visible doctor with ``next_slot`` attached; raises ``DoesNotExist``."""
    doctor = doctor_get(doctor_id)
    doctor.next_slot = next_free_slots([doctor])[doctor.pk]
    return doctor


def doctor_get(doctor_id: int, *, include_inactive: bool = False) -> DoctorProfile:
    """One doctor by id; raises ``DoctorProfile.DoesNotExist`` when not visible."""
    doctors = (
        DoctorProfile.objects.select_related("user", "specialization")
        if include_inactive
        else doctor_queryset()
    )
    return doctors.get(pk=doctor_id)


def doctor_of(user) -> DoctorProfile | None:
    """The doctor profile behind a doctor's account; None for anyone else."""
    if not getattr(user, "is_authenticated", False) or not user.is_doctor:
        return None
    return (
        DoctorProfile.objects.select_related("user", "specialization")
        .filter(user=user)
        .first()
    )
