"""Booking, confirming, cancelling, rescheduling and closing appointments.

Every function that changes a doctor's bookings starts its transaction by
locking that doctor's row, so the buffer, daily cap and hold checks of one
doctor run one at a time, whatever the number of processes. The database has
the last word all the same: on PostgreSQL exclusion constraints refuse
overlapping active appointments (per doctor and per patient), on SQLite every
transaction is IMMEDIATE and partial unique constraints back the check up. A
refusal by the database becomes the same 409 as the check's.

Lock order, for callers that compose these functions inside their own
transaction (the waitlist): the doctor row first, then appointments and offers.
"""

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from domain import events
from domain.context import RequestContext
from domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from domain.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    DoctorProfile,
    OfferStatus,
    Role,
    User,
    WaitlistOffer,
)
from domain.permissions import (
    can_view_appointment,
    is_own_doctor_profile,
    require_email_verified,
)
from domain.scheduling.slots import Slot, candidate_slots, day_is_full, is_blocked
from domain.selectors.slots import schedules_for
from domain.services.audit import audit_record

logger = logging.getLogger(__name__)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _payload(appointment: Appointment) -> dict[str, Any]:
    return {
        "appointment_id": str(appointment.pk),
        "doctor_id": appointment.doctor_id,
        "patient_id": str(appointment.patient_id),
        "start": _iso(appointment.start),
        "end": _iso(appointment.end),
        "status": appointment.status,
    }


def _lock_doctor(doctor_id: int) -> DoctorProfile:
    """Lock an active doctor's row for the rest of the transaction."""
    doctor = (
        DoctorProfile.objects.select_for_update(of=("self",))
        .filter(pk=doctor_id, is_active=True, user__is_active=True)
        .first()
    )
    if doctor is None:
        raise NotFound("Doctor")
    return doctor


def _slot_conflict(exc: IntegrityError) -> Conflict:
    """Name the constraint the database refused with as the matching 409."""
    message = str(exc).lower()
    if "patient" in message:
        return _patient_busy()
    return _slot_taken()


def _slot_taken() -> Conflict:
    return Conflict("This slot has just been taken.", code="slot_taken")


def _patient_busy() -> Conflict:
    return Conflict(
        "You already have an appointment at this time.", code="patient_busy"
    )


def _check_patient_may_book(patient: User) -> None:
    """Every rule about who may book, in one place (account checks go here)."""
    if patient.role != Role.PATIENT or not patient.is_active:
        raise InvalidInput("Only patients can be booked.", field="patient_id")


def _resolve_patient(actor: User, patient_id: Any) -> User:
    if actor.role == Role.ADMIN:
        if patient_id is None:
            raise InvalidInput("An admin must name the patient.", field="patient_id")
        patient = User.objects.filter(pk=patient_id).first()
        if patient is None:
            raise InvalidInput("Unknown patient.", field="patient_id")
        return patient
    if actor.role != Role.PATIENT:
        raise PermissionDenied("Only patients and admins may book.")
    if patient_id is not None and str(patient_id) != str(actor.pk):
        raise PermissionDenied("Patients may book only for themselves.")
    return actor


def _claim_offer(
    offer_id: int, *, patient: User, doctor: DoctorProfile, start: datetime
) -> WaitlistOffer:
    offer = WaitlistOffer.objects.filter(pk=offer_id).first()
    if (
        offer is None
        or offer.patient_id != patient.pk
        or offer.doctor_id != doctor.pk
        or offer.start != start
    ):
        raise NotFound("Offer")
    if offer.status != OfferStatus.PENDING or offer.expires_at <= timezone.now():
        raise Conflict("This offer is no longer open.", code="offer_closed")
    return offer


def _take_slot(
    doctor: DoctorProfile,
    *,
    patient: User,
    start: datetime,
    now: datetime,
    ignore: Appointment | None = None,
) -> Slot:
    """Check that ``start`` is a free slot of the locked doctor for ``patient``.

    ``ignore`` is an appointment being moved: it neither blocks nor counts.
    """
    zone = ZoneInfo(doctor.time_zone)
    day = start.astimezone(zone).date()
    schedule = schedules_for(
        [doctor], date_from=day, date_to=day, now=now, for_patient=patient
    )[doctor.pk]
    if ignore is not None:
        schedule = replace(
            schedule,
            appointments=[
                span
                for span in schedule.appointments
                if span != (ignore.start, ignore.end)
            ],
        )
    slot = next(
        (
            slot
            for slot in candidate_slots(schedule, date_from=day, date_to=day, now=now)
            if slot.start == start
        ),
        None,
    )
    if slot is None:
        raise InvalidInput(
            "This time is not one of the doctor's slots.",
            code="not_a_slot",
            field="start",
        )
    if is_blocked(slot, schedule):
        raise _slot_taken()
    if day_is_full(slot, schedule):
        raise Conflict("The doctor's day is fully booked.", code="day_full")
    busy = Appointment.objects.filter(
        patient=patient,
        status__in=ACTIVE_STATUSES,
        start__lt=slot.end,
        end__gt=slot.start,
    )
    if ignore is not None:
        busy = busy.exclude(pk=ignore.pk)
    if busy.exists():
        raise _patient_busy()
    return slot


def appointment_book(
    actor: User,
    *,
    doctor_id: int,
    start: datetime,
    reason: str = "",
    patient_id: Any = None,
    offer_id: int | None = None,
    context: RequestContext,
) -> Appointment:
    """Book a free slot for a patient (the actor, or ``patient_id`` for admins).

    A patient's own pending hold never blocks them; booking the held slot marks
    that offer accepted and links it to the appointment in the same
    transaction. ``offer_id`` additionally insists on that offer (404 if it is
    not the patient's offer for this doctor and start, 409 ``offer_closed`` if
    it is no longer pending). Safe inside an enclosing transaction (it then
    runs in a savepoint); the caller keeps the waitlist entry and offer events.
    """
    now = timezone.now()
    if start.tzinfo is None:
        raise InvalidInput("start must carry a UTC offset.", field="start")
    start = start.astimezone(UTC)
    if actor.role == Role.PATIENT:
        # Admins booking at the front desk have checked the patient themselves.
        require_email_verified(actor)
    patient = _resolve_patient(actor, patient_id)
    _check_patient_may_book(patient)
    try:
        with transaction.atomic():
            doctor = _lock_doctor(doctor_id)
            if offer_id is not None:
                _claim_offer(offer_id, patient=patient, doctor=doctor, start=start)
            slot = _take_slot(doctor, patient=patient, start=start, now=now)
            appointment = Appointment.objects.create(
                patient=patient,
                doctor=doctor,
                start=slot.start,
                end=slot.end,
                reason=reason,
                status=(
                    AppointmentStatus.PENDING
                    if doctor.requires_confirmation
                    else AppointmentStatus.CONFIRMED
                ),
                booked_at=now,
            )
            # Booking a held slot consumes the holder's offer, whether or not
            # the caller named it, so no hold outlives its appointment.
            accepted = WaitlistOffer.objects.filter(
                doctor=doctor,
                patient=patient,
                start=slot.start,
                status=OfferStatus.PENDING,
            ).update(
                status=OfferStatus.ACCEPTED, appointment=appointment, updated_at=now
            )
            audit_record(
                "appointment.booked",
                actor=actor,
                context=context,
                target=appointment,
                detail={"doctor_id": doctor.pk, "start": _iso(slot.start)},
            )
            events.emit(
                events.APPOINTMENT_BOOKED,
                **_payload(appointment),
                offer_accepted=accepted > 0,
            )
    except IntegrityError as exc:
        logger.info("booking refused by the database doctor_id=%s", doctor_id)
        raise _slot_conflict(exc) from exc
    logger.info(
        "appointment booked id=%s doctor_id=%s status=%s",
        appointment.pk,
        doctor_id,
        appointment.status,
    )
    return appointment


def _lock_appointment(appointment_id: UUID | str, actor: User) -> Appointment:
    """Lock the appointment's doctor, then the appointment; 404 if not visible."""
    doctor_id = (
        Appointment.objects.filter(pk=appointment_id)
        .values_list("doctor_id", flat=True)
        .first()
    )
    if doctor_id is None:
        raise NotFound("Appointment")
    DoctorProfile.objects.select_for_update().filter(pk=doctor_id).first()
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("doctor")
        .get(pk=appointment_id)
    )
    if not can_view_appointment(actor, appointment):
        raise NotFound("Appointment")
    return appointment


def _is_staff_for(actor: User, appointment: Appointment) -> bool:
    """The appointment's doctor or an admin."""
    return actor.role == Role.ADMIN or is_own_doctor_profile(actor, appointment.doctor)


def _require_active(appointment: Appointment, action: str) -> None:
    if appointment.status not in ACTIVE_STATUSES:
        raise Conflict(
            f"A {appointment.status} appointment cannot be {action}.",
            code="invalid_transition",
        )


def _require_patient_cutoff(
    appointment: Appointment, actor: User, now: datetime, action: str
) -> None:
    """Patients may change an appointment only until the doctor's cutoff."""
    if _is_staff_for(actor, appointment):
        return
    cutoff = appointment.start - timedelta(
        hours=appointment.doctor.cancellation_cutoff_hours
    )
    if now >= cutoff:
        raise Conflict(
            f"It is too late to {action} this appointment online; "
            "please call the clinic.",
            code="cutoff_passed",
        )


def appointment_cancel(
    appointment_id: UUID | str,
    *,
    actor: User,
    reason: str = "",
    context: RequestContext,
) -> Appointment:
    """Cancel an active appointment; its slot is free as soon as this commits."""
    now = timezone.now()
    with transaction.atomic():
        appointment = _lock_appointment(appointment_id, actor)
        _require_active(appointment, "cancelled")
        _require_patient_cutoff(appointment, actor, now, "cancel")
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancellation_reason = reason
        appointment.cancelled_by = actor
        appointment.cancelled_at = now
        appointment.sequence += 1
        appointment.save()
        audit_record(
            "appointment.cancelled",
            actor=actor,
            context=context,
            target=appointment,
            detail={"reason": reason[:200]},
        )
        events.emit(
            events.APPOINTMENT_CANCELLED,
            **_payload(appointment),
            cancelled_by_id=str(actor.pk),
            reason=reason,
        )
    logger.info("appointment cancelled id=%s by=%s", appointment.pk, actor.pk)
    return appointment


def appointment_reschedule(
    appointment_id: UUID | str,
    *,
    actor: User,
    start: datetime,
    context: RequestContext,
) -> Appointment:
    """Move an active appointment to another free slot, all or nothing.

    The new slot is checked and taken in the same transaction that releases
    the old one, so a refusal leaves the original appointment untouched. The
    new appointment points back to the old one through ``rescheduled_from``.
    """
    now = timezone.now()
    if start.tzinfo is None:
        raise InvalidInput("start must carry a UTC offset.", field="start")
    start = start.astimezone(UTC)
    try:
        with transaction.atomic():
            old = _lock_appointment(appointment_id, actor)
            _require_active(old, "rescheduled")
            _require_patient_cutoff(old, actor, now, "reschedule")
            patient = old.patient
            slot = _take_slot(
                old.doctor,
                patient=patient,
                start=start,
                now=now,
                ignore=old,
            )
            previous = (old.start, old.end)
            status = _status_after_move(old, actor)
            # Released first so the database's overlap constraints see only
            # the new row; both changes commit together or not at all.
            old.status = AppointmentStatus.CANCELLED
            old.cancellation_reason = "Rescheduled"
            old.cancelled_by = actor
            old.cancelled_at = now
            old.sequence += 1
            old.save()
            new = Appointment.objects.create(
                patient=patient,
                doctor=old.doctor,
                start=slot.start,
                end=slot.end,
                reason=old.reason,
                status=status,
                booked_at=now,
                rescheduled_from=old,
                sequence=old.sequence + 1,
            )
            audit_record(
                "appointment.rescheduled",
                actor=actor,
                context=context,
                target=new,
                detail={"previous_id": str(old.pk), "start": _iso(slot.start)},
            )
            events.emit(
                events.APPOINTMENT_RESCHEDULED,
                appointment_id=str(new.pk),
                previous_id=str(old.pk),
                doctor_id=new.doctor_id,
                patient_id=str(new.patient_id),
                start=_iso(new.start),
                end=_iso(new.end),
                previous_start=_iso(previous[0]),
                previous_end=_iso(previous[1]),
                status=new.status,
            )
    except IntegrityError as exc:
        raise _slot_conflict(exc) from exc
    logger.info("appointment rescheduled old=%s new=%s", old.pk, new.pk)
    return new


def _status_after_move(old: Appointment, actor: User) -> str:
    """A patient-moved appointment needs the doctor's confirmation again."""
    if old.doctor.requires_confirmation and not _is_staff_for(actor, old):
        return AppointmentStatus.PENDING
    return old.status


def _change_status(
    appointment_id: UUID | str,
    *,
    actor: User,
    to: AppointmentStatus,
    allowed_from: tuple[str, ...],
    after_start: bool,
    context: RequestContext,
) -> Appointment:
    now = timezone.now()
    with transaction.atomic():
        appointment = _lock_appointment(appointment_id, actor)
        if not _is_staff_for(actor, appointment):
            raise PermissionDenied("Only the doctor or an admin may do this.")
        if appointment.status not in allowed_from:
            raise Conflict(
                f"A {appointment.status} appointment cannot become {to}.",
                code="invalid_transition",
            )
        # A consultation the doctor started early has begun all the same.
        started = appointment.consultation_started_at is not None
        if after_start and now < appointment.start and not started:
            raise Conflict(
                "This can only be recorded after the appointment's start.",
                code="not_started",
            )
        previous = appointment.status
        appointment.status = to
        if to in (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW):
            appointment.finished_at = appointment.finished_at or now
        appointment.sequence += 1
        appointment.save()
        audit_record(
            f"appointment.{to}",
            actor=actor,
            context=context,
            target=appointment,
            detail={"previous_status": previous},
        )
        events.emit(
            events.APPOINTMENT_STATUS_CHANGED,
            **_payload(appointment),
            previous_status=previous,
        )
    logger.info(
        "appointment status id=%s %s->%s by=%s", appointment.pk, previous, to, actor.pk
    )
    return appointment


def appointment_confirm(
    appointment_id: UUID | str, *, actor: User, context: RequestContext
) -> Appointment:
    """The doctor (or an admin) confirms a pending appointment."""
    return _change_status(
        appointment_id,
        actor=actor,
        to=AppointmentStatus.CONFIRMED,
        allowed_from=(AppointmentStatus.PENDING,),
        after_start=False,
        context=context,
    )


def appointment_complete(
    appointment_id: UUID | str, *, actor: User, context: RequestContext
) -> Appointment:
    """The doctor (or an admin) records an appointment as held.

    A pending one may be completed too: the queue lets a doctor see a patient
    whose booking was never confirmed, and the visit then did take place.
    """
    return _change_status(
        appointment_id,
        actor=actor,
        to=AppointmentStatus.COMPLETED,
        allowed_from=(AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED),
        after_start=True,
        context=context,
    )


def appointment_no_show(
    appointment_id: UUID | str, *, actor: User, context: RequestContext
) -> Appointment:
    """The doctor (or an admin) records that the patient did not come."""
    return _change_status(
        appointment_id,
        actor=actor,
        to=AppointmentStatus.NO_SHOW,
        allowed_from=(AppointmentStatus.CONFIRMED,),
        after_start=True,
        context=context,
    )
