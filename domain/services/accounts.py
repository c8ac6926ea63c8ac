"""Creating and changing accounts: patient sign-up, doctor accounts, profiles."""

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from domain import events
from domain.context import RequestContext
from domain.errors import Conflict, InvalidInput, NotFound
from domain.models import (
    DoctorProfile,
    Gender,
    PatientProfile,
    Role,
    Specialization,
    User,
)
from domain.models.accounts import same_text_ignoring_case
from domain.permissions import require_admin, require_doctor_manager
from domain.services.audit import audit_record
from domain.validators import validate_not_future, validate_time_zone

logger = logging.getLogger(__name__)

# Fields of DoctorProfile that an admin or the doctor may set through the API.
DOCTOR_PROFILE_FIELDS = (
    "degree",
    "license_number",
    "years_of_experience",
    "consultation_fee",
    "description",
    "time_zone",
    "slot_minutes",
    "buffer_minutes",
    "min_notice_minutes",
    "booking_horizon_days",
    "max_patients_per_day",
    "requires_confirmation",
    "cancellation_cutoff_hours",
)
DOCTOR_USER_FIELDS = ("first_name", "last_name", "email")


@dataclass(frozen=True)
class NewAccount:
    username: str
    email: str
    password: str
    first_name: str = ""
    last_name: str = ""


def _check_password(account: NewAccount) -> None:
    probe = User(
        username=account.username,
        email=account.email,
        first_name=account.first_name,
        last_name=account.last_name,
    )
    try:
        validate_password(account.password, user=probe)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from exc


def _check_unique_identity(username: str, email: str, *, exclude: Any = None) -> None:
    users = User.objects.exclude(pk=exclude) if exclude else User.objects.all()
    by_username = same_text_ignoring_case("username", username)
    if username and users.filter(by_username).exists():
        raise Conflict("This username is already taken.", code="username_taken")
    # The e-mail index leaves out empty addresses; so must the query, to use it.
    by_email = same_text_ignoring_case("email", email) & ~Q(email="")
    if email and users.filter(by_email).exists():
        raise Conflict(
            "An account with this e-mail address already exists.", code="email_taken"
        )


def _create_user(account: NewAccount, *, role: Role, email_verified: bool) -> User:
    _check_password(account)
    _check_unique_identity(account.username, account.email)
    user = User(
        username=account.username,
        email=account.email.strip().lower(),
        first_name=account.first_name,
        last_name=account.last_name,
        role=role,
        email_verified=email_verified,
    )
    user.set_password(account.password)
    user.save()
    return user


def _integrity_to_conflict(exc: IntegrityError) -> Conflict:
    """Translate a lost race on a unique column into the same 409 as the check."""
    message = str(exc).lower()
    for marker, code, detail in (
        ("username", "username_taken", "This username is already taken."),
        ("email", "email_taken", "An account with this e-mail already exists."),
        ("contact_number", "contact_number_taken", "This contact number is in use."),
        ("license_number", "license_number_taken", "This license number is in use."),
    ):
        if marker in message:
            return Conflict(detail, code=code)
    return Conflict("This record conflicts with an existing one.", code="conflict")


def patient_register(
    account: NewAccount,
    *,
    date_of_birth: date,
    gender: str = Gender.UNDISCLOSED,
    contact_number: str | None = None,
    context: RequestContext,
) -> User:
    """Create a patient account and profile; e-mail starts unverified."""
    try:
        validate_not_future(date_of_birth)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="date_of_birth") from exc
    contact_number = (contact_number or "").strip() or None
    if (
        contact_number
        and PatientProfile.objects.filter(contact_number=contact_number).exists()
    ):
        raise Conflict("This contact number is in use.", code="contact_number_taken")
    try:
        with transaction.atomic():
            user = _create_user(account, role=Role.PATIENT, email_verified=False)
            PatientProfile.objects.create(
                user=user,
                date_of_birth=date_of_birth,
                gender=gender,
                contact_number=contact_number,
            )
            audit_record("account.registered", actor=user, context=context, target=user)
            events.emit(events.USER_REGISTERED, user_id=str(user.pk))
    except IntegrityError as exc:
        raise _integrity_to_conflict(exc) from exc
    logger.info("patient registered user_id=%s", user.pk)
    return user


def _validate_doctor_fields(values: dict[str, Any]) -> None:
    if "time_zone" in values:
        try:
            validate_time_zone(values["time_zone"])
        except ValidationError as exc:
            raise InvalidInput(exc.messages[0], field="time_zone") from exc
    slot = values.get("slot_minutes")
    if slot is not None and (slot < 5 or slot > 240 or slot % 5):
        raise InvalidInput(
            "slot_minutes must be between 5 and 240 and a multiple of 5.",
            field="slot_minutes",
        )
    fee = values.get("consultation_fee")
    if fee is not None and Decimal(fee) < 0:
        raise InvalidInput("The fee cannot be negative.", field="consultation_fee")


def _get_specialization(specialization_id: int) -> Specialization:
    try:
        return Specialization.objects.get(pk=specialization_id)
    except Specialization.DoesNotExist as exc:
        raise InvalidInput(
            "Unknown specialization.", field="specialization_id"
        ) from exc


def doctor_create(
    account: NewAccount,
    *,
    specialization_id: int,
    profile: dict[str, Any],
    actor: User,
    context: RequestContext,
) -> DoctorProfile:
    """Create a doctor's account and profile in one step (admins only)."""
    _validate_doctor_fields(profile)
    specialization = _get_specialization(specialization_id)
    license_number = profile.get("license_number", "")
    if DoctorProfile.objects.filter(license_number=license_number).exists():
        raise Conflict("This license number is in use.", code="license_number_taken")
    try:
        with transaction.atomic():
            user = _create_user(account, role=Role.DOCTOR, email_verified=True)
            doctor = DoctorProfile.objects.create(
                user=user, specialization=specialization, **profile
            )
            audit_record(
                "doctor.created",
                actor=actor,
                context=context,
                target=doctor,
                detail={"username": user.username},
            )
    except IntegrityError as exc:
        raise _integrity_to_conflict(exc) from exc
    logger.info("doctor created doctor_id=%s by=%s", doctor.pk, actor.pk)
    return doctor


def doctor_update(
    doctor_id: int,
    *,
    changes: dict[str, Any],
    actor: User,
    context: RequestContext,
) -> DoctorProfile:
    """Apply a partial update to a doctor's account and profile."""
    _validate_doctor_fields(changes)
    changed_fields = sorted(changes)
    changes = dict(changes)
    try:
        with transaction.atomic():
            doctor = (
                DoctorProfile.objects.select_for_update()
                .select_related("user")
                .filter(pk=doctor_id)
                .first()
            )
            if doctor is None:
                raise NotFound("Doctor")
            require_doctor_manager(actor, doctor)
            if "email" in changes:
                _check_unique_identity("", changes["email"], exclude=doctor.user_id)
            if "specialization_id" in changes:
                doctor.specialization = _get_specialization(
                    changes.pop("specialization_id")
                )
            for name in DOCTOR_USER_FIELDS:
                if name in changes:
                    setattr(doctor.user, name, changes.pop(name))
            for name, value in changes.items():
                if name in DOCTOR_PROFILE_FIELDS:
                    setattr(doctor, name, value)
            doctor.user.save()
            doctor.save()
            audit_record(
                "doctor.updated",
                actor=actor,
                context=context,
                target=doctor,
                detail={"fields": changed_fields},
            )
    except IntegrityError as exc:
        raise _integrity_to_conflict(exc) from exc
    return doctor


def doctor_set_active(
    doctor_id: int,
    *,
    active: bool,
    actor: User,
    context: RequestContext,
) -> DoctorProfile:
    """Show or hide a doctor from search and booking (admins only)."""
    require_admin(actor)
    with transaction.atomic():
        doctor = (
            DoctorProfile.objects.select_for_update()
            .select_related("user")
            .filter(pk=doctor_id)
            .first()
        )
        if doctor is None:
            raise NotFound("Doctor")
        if doctor.is_active != active:
            doctor.is_active = active
            doctor.save(update_fields=["is_active", "updated_at"])
            audit_record(
                "doctor.activated" if active else "doctor.deactivated",
                actor=actor,
                context=context,
                target=doctor,
            )
    logger.info("doctor active=%s doctor_id=%s by=%s", active, doctor_id, actor.pk)
    return doctor
