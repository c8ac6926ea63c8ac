"""The waitlist: patients wait for a doctor's freed slots, first come, first served.

A freed slot goes to the earliest-joined waiting entry that matches it (the
slot's doctor-local date within the entry's range, its local start time within
the preferred times if any were given) whose patient is free at that time and
was not offered this slot before. The offer holds the slot for that patient for
``WAITLIST_OFFER_MINUTES``; the slot engine treats a pending, unexpired offer as
taken for everyone else. Accepting books it; declining or expiry passes it to
the next matching entry, or leaves it free when nobody waits.

Expiry is enforced twice: a deferred background job expires each offer at its
deadline, and reads (the slot engine, the waitlist API, accepting) ignore or
expire offers past their deadline, so a dead worker never keeps a slot held.

Lock order is the booking service's: the doctor row first, then appointments,
entries and offers.
"""

import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from domain import events
from domain.context import SYSTEM, RequestContext
from domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from domain.models import (
    ACTIVE_STATUSES,
    Appointment,
    DoctorProfile,
    OfferStatus,
    Role,
    User,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from domain.permissions import require_email_verified
from domain.selectors.slots import doctor_slots
from domain.services.audit import audit_record
from domain.services.booking import appointment_book

logger = logging.getLogger(__name__)

ACTIVE_ENTRY = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)
# How far ahead a patient may wait; matches the widest booking horizon.
MAX_WAIT_DAYS = 365


def _iso(value: datetime) -> str:
    return value.isoformat()


def _offer_payload(offer: WaitlistOffer) -> dict[str, Any]:
    return {
        "offer_id": offer.pk,
        "doctor_id": offer.doctor_id,
        "patient_id": str(offer.patient_id),
        "start": _iso(offer.start),
        "end": _iso(offer.end),
    }


def _lock_doctor(doctor_id: int) -> DoctorProfile | None:
    return DoctorProfile.objects.select_for_update().filter(pk=doctor_id).first()


def _local_day(doctor: DoctorProfile, instant: datetime) -> date:
    return instant.astimezone(ZoneInfo(doctor.time_zone)).date()


# --- joining and leaving ----------------------------------------------------


def _check_preferred_times(start: time | None, end: time | None) -> None:
    if start is not None and end is not None and end <= start:
        raise InvalidInput(
            "preferred_end_time must be after preferred_start_time.",
            field="preferred_end_time",
        )


def waitlist_join(
    patient: User,
    *,
    doctor_id: int,
    date_from: date,
    date_to: date,
    preferred_start_time: time | None = None,
    preferred_end_time: time | None = None,
    context: RequestContext,
) -> WaitlistEntry:
    """Put a patient on a doctor's waitlist for a range of the doctor's local days."""
    if patient.role != Role.PATIENT:
        raise PermissionDenied("Only patients may join a waitlist.")
    # An offer is a booking held for the patient: one who may not book would
    # hold the freed slot from everybody until the offer expired.
    require_email_verified(patient)
    doctor = DoctorProfile.objects.filter(pk=doctor_id, is_active=True).first()
    if doctor is None:
        raise NotFound("Doctor")
    if date_to < date_from:
        raise InvalidInput("date_to must not be before date_from.", field="date_to")
    today = _local_day(doctor, timezone.now())
    if date_to < today:
        raise InvalidInput("The range has already passed.", field="date_to")
    if date_to > today + timedelta(days=MAX_WAIT_DAYS):
        raise InvalidInput(
            f"A waitlist range may reach at most {MAX_WAIT_DAYS} days ahead.",
            field="date_to",
        )
    _check_preferred_times(preferred_start_time, preferred_end_time)

    duplicate = Conflict(
        "You are already waiting for this doctor in this range.",
        code="waitlist_duplicate",
    )
    try:
        with transaction.atomic():
            if WaitlistEntry.objects.filter(
                patient=patient,
                doctor=doctor,
                date_from=date_from,
                date_to=date_to,
                status__in=ACTIVE_ENTRY,
            ).exists():
                raise duplicate
            entry = WaitlistEntry.objects.create(
                patient=patient,
                doctor=doctor,
                date_from=date_from,
                date_to=date_to,
                preferred_start_time=preferred_start_time,
                preferred_end_time=preferred_end_time,
            )
            audit_record(
                "waitlist.joined",
                actor=patient,
                context=context,
                target=entry,
                detail={"doctor_id": doctor.pk},
            )
    except IntegrityError as exc:
        # Two requests raced past the check; the partial unique index decided.
        raise duplicate from exc
    logger.info("waitlist joined entry=%s doctor_id=%s", entry.pk, doctor.pk)
    return entry


def waitlist_leave(
    patient: User, *, entry_id: int, context: RequestContext
) -> WaitlistEntry:
    """Leave a waitlist; a pending offer on it is declined and passed on."""
    entry = WaitlistEntry.objects.filter(pk=entry_id, patient=patient).first()
    if entry is None:
        raise NotFound("Waitlist entry")
    with transaction.atomic():
        doctor = _lock_doctor(entry.doctor_id)
        entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status not in ACTIVE_ENTRY:
            return entry
        entry.status = WaitlistStatus.LEFT
        entry.save(update_fields=["status", "updated_at"])
        audit_record("waitlist.left", actor=patient, context=context, target=entry)
        pending = WaitlistOffer.objects.select_for_update().filter(
            entry=entry, status=OfferStatus.PENDING
        )
        for offer in pending:
            _end_offer(offer, status=OfferStatus.DECLINED)
            _offer_slot(doctor, start=offer.start, end=offer.end)
    logger.info("waitlist left entry=%s", entry.pk)
    return entry


# --- offering ---------------------------------------------------------------


def _end_offer(offer: WaitlistOffer, *, status: OfferStatus) -> None:
    """Close a pending offer; its entry waits again unless it was left."""
    offer.status = status
    offer.save(update_fields=["status", "updated_at"])
    WaitlistEntry.objects.filter(
        pk=offer.entry_id, status=WaitlistStatus.OFFERED
    ).update(status=WaitlistStatus.WAITING, updated_at=timezone.now())
    events.emit(events.OFFER_ENDED, **_offer_payload(offer), status=status)
    logger.info("waitlist offer %s id=%s", status, offer.pk)


def _expire_due_for_slot(doctor: DoctorProfile, start: datetime, now: datetime) -> None:
    due = WaitlistOffer.objects.select_for_update().filter(
        doctor=doctor, start=start, status=OfferStatus.PENDING, expires_at__lte=now
    )
    for offer in due:
        _end_offer(offer, status=OfferStatus.EXPIRED)


def _slot_is_free(doctor: DoctorProfile, start: datetime, end: datetime, now) -> bool:
    day = _local_day(doctor, start)
    try:
        slots = doctor_slots(doctor.pk, date_from=day, date_to=day, now=now).slots
    except NotFound:
        return False
    return any(slot.start == start and slot.end == end for slot in slots)


def _matches(entry: WaitlistEntry, local_start: datetime) -> bool:
    if not entry.date_from <= local_start.date() <= entry.date_to:
        return False
    at = local_start.time()
    if entry.preferred_start_time and at < entry.preferred_start_time:
        return False
    return not (entry.preferred_end_time and at >= entry.preferred_end_time)


def _first_match(
    doctor: DoctorProfile, start: datetime, end: datetime
) -> WaitlistEntry | None:
    local_start = start.astimezone(ZoneInfo(doctor.time_zone))
    offered_before = WaitlistOffer.objects.filter(doctor=doctor, start=start).values(
        "patient_id"
    )
    busy = Appointment.objects.filter(
        status__in=ACTIVE_STATUSES, start__lt=end, end__gt=start
    ).values("patient_id")
    candidates = (
        WaitlistEntry.objects.select_for_update()
        .filter(
            doctor=doctor,
            status=WaitlistStatus.WAITING,
            date_from__lte=local_start.date(),
            date_to__gte=local_start.date(),
        )
        .exclude(patient_id__in=offered_before)
        .exclude(patient_id__in=busy)
        .order_by("created_at", "pk")
    )
    return next((entry for entry in candidates if _matches(entry, local_start)), None)


def _offer_slot(
    doctor: DoctorProfile, *, start: datetime, end: datetime
) -> WaitlistOffer | None:
    """Inside a transaction holding the doctor's lock: offer one slot onward."""
    now = timezone.now()
    _expire_due_for_slot(doctor, start, now)
    if not _slot_is_free(doctor, start, end, now):
        return None
    entry = _first_match(doctor, start, end)
    if entry is None:
        return None
    minutes = settings.WAITLIST_OFFER_MINUTES
    offer = WaitlistOffer.objects.create(
        entry=entry,
        doctor=doctor,
        patient_id=entry.patient_id,
        start=start,
        end=end,
        expires_at=now + timedelta(minutes=minutes),
    )
    entry.status = WaitlistStatus.OFFERED
    entry.save(update_fields=["status", "updated_at"])
    audit_record(
        "waitlist.offer_made",
        actor=None,
        context=SYSTEM,
        target=offer,
        detail={"entry_id": entry.pk, "start": _iso(start)},
    )
    events.emit(
        events.OFFER_MADE, **_offer_payload(offer), expires_at=_iso(offer.expires_at)
    )
    logger.info(
        "waitlist offer made id=%s doctor_id=%s minutes=%s",
        offer.pk,
        doctor.pk,
        minutes,
    )
    return offer


def waitlist_offer_next(
    doctor_id: int, *, start: datetime, end: datetime
) -> WaitlistOffer | None:
    """Offer a free slot to the first matching waiting patient, if there is one."""
    with transaction.atomic():
        doctor = _lock_doctor(doctor_id)
        if doctor is None:
            return None
        return _offer_slot(doctor, start=start, end=end)


def waitlist_offer_free_slots(
    doctor_id: int, *, date_from: date, date_to: date
) -> list[WaitlistOffer]:
    """Offer each free slot of the doctor's local days to waiting patients."""
    if not WaitlistEntry.objects.filter(
        doctor_id=doctor_id,
        status=WaitlistStatus.WAITING,
        date_from__lte=date_to,
        date_to__gte=date_from,
    ).exists():
        return []
    try:
        slots = doctor_slots(doctor_id, date_from=date_from, date_to=date_to).slots
    except (NotFound, InvalidInput):
        return []
    offers = []
    for slot in slots:
        offer = waitlist_offer_next(doctor_id, start=slot.start, end=slot.end)
        if offer is not None:
            offers.append(offer)
    return offers


# --- answering an offer -----------------------------------------------------


def _lock_offer(patient: User, offer_id: int) -> tuple[DoctorProfile, WaitlistOffer]:
    """Lock the offer's doctor then the offer; 404 unless it is the patient's."""
    offer = WaitlistOffer.objects.filter(pk=offer_id, patient=patient).first()
    if offer is None:
        raise NotFound("Offer")
    doctor = _lock_doctor(offer.doctor_id)
    offer = WaitlistOffer.objects.select_for_update().get(pk=offer.pk)
    return doctor, offer


def _require_open(offer: WaitlistOffer) -> None:
    if offer.status != OfferStatus.PENDING or offer.expires_at <= timezone.now():
        raise Conflict("This offer is no longer open.", code="offer_closed")


def waitlist_offer_accept(
    patient: User, *, offer_id: int, context: RequestContext
) -> Appointment:
    """Book the held slot for the offered patient, before the offer expires."""
    # Expiry is settled in its own transaction first, so the refusal below
    # does not roll back passing the slot on.
    waitlist_offers_expire_due(offer_id=offer_id)
    with transaction.atomic():
        _doctor, offer = _lock_offer(patient, offer_id)
        _require_open(offer)
        appointment = appointment_book(
            patient,
            doctor_id=offer.doctor_id,
            start=offer.start,
            offer_id=offer.pk,
            context=context,
        )
        offer.refresh_from_db()
        WaitlistEntry.objects.filter(pk=offer.entry_id).update(
            status=WaitlistStatus.BOOKED, updated_at=timezone.now()
        )
        audit_record(
            "waitlist.offer_accepted", actor=patient, context=context, target=offer
        )
        events.emit(events.OFFER_ENDED, **_offer_payload(offer), status=offer.status)
    logger.info("waitlist offer accepted id=%s", offer.pk)
    return appointment


def waitlist_offer_decline(
    patient: User, *, offer_id: int, context: RequestContext
) -> WaitlistOffer:
    """Turn an offer down; the slot goes to the next matching patient, or is freed."""
    waitlist_offers_expire_due(offer_id=offer_id)
    with transaction.atomic():
        doctor, offer = _lock_offer(patient, offer_id)
        _require_open(offer)
        _end_offer(offer, status=OfferStatus.DECLINED)
        audit_record(
            "waitlist.offer_declined", actor=patient, context=context, target=offer
        )
        _offer_slot(doctor, start=offer.start, end=offer.end)
    return offer


def waitlist_offer_expire(offer_id: int) -> bool:
    """Expire one offer past its deadline and pass its slot on; False if not due."""
    with transaction.atomic():
        offer = WaitlistOffer.objects.filter(pk=offer_id).first()
        if offer is None:
            return False
        doctor = _lock_doctor(offer.doctor_id)
        offer = WaitlistOffer.objects.select_for_update().get(pk=offer.pk)
        if offer.status != OfferStatus.PENDING or offer.expires_at > timezone.now():
            return False
        _end_offer(offer, status=OfferStatus.EXPIRED)
        _offer_slot(doctor, start=offer.start, end=offer.end)
    return True


def waitlist_offers_expire_due(
    *, offer_id: int | None = None, patient: User | None = None
) -> int:
    """Expire every pending offer past its deadline (optionally one, or one
    patient's), each in its own transaction; returns how many expired."""
    due = WaitlistOffer.objects.filter(
        status=OfferStatus.PENDING, expires_at__lte=timezone.now()
    )
    if offer_id is not None:
        due = due.filter(pk=offer_id)
    if patient is not None:
        due = due.filter(patient=patient)
    return sum(
        waitlist_offer_expire(pk) for pk in due.values_list("pk", flat=True)[:100]
    )


def waitlist_settle_booking(appointment_id: Any) -> int:
    """Mark entries booked whose held slot the patient booked directly (not by
    accepting); returns how many were settled."""
    with transaction.atomic():
        offers = list(
            WaitlistOffer.objects.select_for_update().filter(
                appointment_id=appointment_id,
                status=OfferStatus.ACCEPTED,
                entry__status=WaitlistStatus.OFFERED,
            )
        )
        for offer in offers:
            WaitlistEntry.objects.filter(pk=offer.entry_id).update(
                status=WaitlistStatus.BOOKED, updated_at=timezone.now()
            )
            events.emit(
                events.OFFER_ENDED, **_offer_payload(offer), status=offer.status
            )
    return len(offers)
