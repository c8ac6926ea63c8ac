"""People editing their own profile and photo."""

import io
import logging
import uuid
import warnings
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from domain.context import RequestContext
from domain.errors import DomainError, InvalidInput, PermissionDenied
from domain.models import DoctorProfile, PatientProfile, Role, User
from domain.services.accounts import doctor_update
from domain.services.audit import audit_record
from domain.validators import validate_not_future

logger = logging.getLogger(__name__)

USER_FIELDS = ("first_name", "last_name")
PATIENT_FIELDS = (
    "date_of_birth",
    "gender",
    "contact_number",
    "relative_contact_number",
)
# What a doctor edits about themself here; booking rules go through
# PATCH doctors/{id}, which also audits them.
DOCTOR_FIELDS = ("degree", "description", "years_of_experience")
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
# Refuse images whose pixel count alone would take hundreds of megabytes.
PHOTO_MAX_PIXELS = 40_000_000


def _patient_update(
    user: User, changes: dict[str, Any], *, context: RequestContext
) -> None:
    if "date_of_birth" in changes:
        try:
            validate_not_future(changes["date_of_birth"])
        except ValidationError as exc:
            raise InvalidInput(exc.messages[0], field="date_of_birth") from exc
    if "contact_number" in changes:
        changes["contact_number"] = (changes["contact_number"] or "").strip() or None
    profile = PatientProfile.objects.select_for_update().get(user=user)
    for name in USER_FIELDS:
        if name in changes:
            setattr(user, name, changes[name])
    for name in PATIENT_FIELDS:
        if name in changes:
            setattr(profile, name, changes[name])
    user.save()
    profile.save()
    audit_record(
        "profile.updated",
        actor=user,
        context=context,
        target=user,
        detail={"fields": sorted(changes)},
    )


def profile_update(
    user: User, *, changes: dict[str, Any], context: RequestContext
) -> User:
    """Apply a partial update to the caller's own account and profile."""
    if user.role == Role.DOCTOR:
        unknown = set(changes) - set(USER_FIELDS) - set(DOCTOR_FIELDS)
        if unknown:
            raise InvalidInput(
                "Doctors change these fields through PATCH doctors/{id}.",
                field=sorted(unknown)[0],
            )
        doctor = DoctorProfile.objects.get(user=user)
        doctor_update(doctor.pk, changes=changes, actor=user, context=context)
        return User.objects.get(pk=user.pk)
    if user.role != Role.PATIENT:
        raise PermissionDenied("Admins edit their account in the admin.")
    unknown = set(changes) - set(USER_FIELDS) - set(PATIENT_FIELDS)
    if unknown:
        raise InvalidInput("This field cannot be changed.", field=sorted(unknown)[0])
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=user.pk)
            _patient_update(user, dict(changes), context=context)
    except IntegrityError as exc:
        raise DomainError(
            "This contact number is in use.", code="contact_number_taken", status=409
        ) from exc
    return user


def _unsupported_image() -> DomainError:
    return DomainError(
        "Upload a JPEG, PNG or WebP image.", code="unsupported_file_type", status=415
    )


def _normalised_photo(upload: Any) -> ContentFile:
    """Check an upload by its content and re-encode it as a bounded JPEG.

    Re-encoding also drops EXIF metadata such as the camera's GPS position.
    """
    if upload.size > settings.PROFILE_PHOTO_MAX_BYTES:
        raise DomainError(
            f"The photo is larger than {settings.PROFILE_PHOTO_MAX_BYTES} bytes.",
            code="file_too_large",
            status=413,
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in PHOTO_FORMATS:
                raise _unsupported_image()
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise _unsupported_image()
            image.load()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise _unsupported_image() from exc

    image = ImageOps.exif_transpose(image)
    side = settings.PROFILE_PHOTO_MAX_SIDE
    image.thumbnail((side, side))
    if image.mode != "RGB":
        # Transparent areas become white rather than black.
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def _delete_file_later(field_file: Any) -> None:
    if not field_file:
        return
    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(name), robust=True)


def profile_photo_set(user: User, *, upload: Any, context: RequestContext) -> User:
    """Replace the caller's photo with a checked, resized copy of ``upload``."""
    content = _normalised_photo(upload)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _delete_file_later(user.photo)
        user.photo.save(content.name, content, save=False)
        new_name = user.photo.name
        try:
            user.save(update_fields=["photo", "updated_at"])
            audit_record(
                "profile.photo_updated",
                actor=user,
                context=context,
                target=user,
                detail={"bytes": content.size},
            )
        except Exception:
            # The row keeps the old photo, so the new file must not linger.
            user.photo.storage.delete(new_name)
            raise
    logger.info("profile photo updated user_id=%s", user.pk)
    return user


def profile_photo_remove(user: User, *, context: RequestContext) -> User:
    """Remove the caller's photo, if any."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.photo:
            return user
        _delete_file_later(user.photo)
        user.photo = ""
        user.save(update_fields=["photo", "updated_at"])
        audit_record("profile.photo_removed", actor=user, context=context, target=user)
    return user
