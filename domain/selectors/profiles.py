"""A person's own profile, as they see it."""

from typing import Any

from domain.models import DoctorProfile, PatientProfile, User


def profile_of(user: User) -> dict[str, Any]:
    """The caller's account with the patient or doctor profile behind it."""
    patient = PatientProfile.objects.filter(user=user).first()
    doctor = (
        DoctorProfile.objects.select_related("specialization").filter(user=user).first()
    )
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "email_verified": user.email_verified,
        "role": user.role,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "photo_url": user.photo.url if user.photo else None,
        "patient": patient,
        "doctor": doctor,
    }
