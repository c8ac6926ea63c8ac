"""Doctors' working time: dated windows, weekly hours and time off.

Windows and weekly hours are wall-clock times in the doctor's zone; time off is
a pair of instants. Each change locks the doctor row (the same lock booking
takes), writes an audit row and emits ``availability.changed`` with the local
days it touched, so live slot views can refresh. Existing appointments are left
as they are: removing working time never cancels a booking.
"""

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from domain import events
from domain.context import RequestContext
from domain.errors import InvalidInput, NotFound
from domain.models import Availability, DoctorProfile, TimeOff, User, WeeklyHours
from domain.permissions import require_doctor_manager
from domain.services.audit import audit_record

logger = logging.getLogger(__name__)


def _lock_managed_doctor(doctor_id: int, actor: User) -> DoctorProfile:
    doctor = DoctorProfile.objects.select_for_update().filter(pk=doctor_id).first()
    if doctor is None:
        raise NotFound("Doctor")
    require_doctor_manager(actor, doctor)
    return doctor


def _today(doctor: DoctorProfile) -> date:
    return timezone.now().astimezone(ZoneInfo(doctor.time_zone)).date()


def _check_times(doctor: DoctorProfile, start_time: time, end_time: time) -> None:
    """Whole minutes, end after start, and room for at least one slot."""
    for name, value in (("start_time", start_time), ("end_time", end_time)):
        if value.second or value.microsecond or value.tzinfo is not None:
            raise InvalidInput(
                f"{name} must be a local time in whole minutes, without offset.",
                field=name,
            )
    if end_time <= start_time:
        raise InvalidInput("end_time must be after start_time.", field="end_time")
    minutes = (end_time.hour * 60 + end_time.minute) - (
        start_time.hour * 60 + start_time.minute
    )
    if minutes < doctor.slot_minutes:
        raise InvalidInput(
            f"The window is shorter than one {doctor.slot_minutes}-minute slot.",
            code="window_too_short",
            field="end_time",
        )


def _changed(
    doctor: DoctorProfile,
    action: str,
    *,
    actor: User,
    context: RequestContext,
    target: Any,
    date_from: date | None,
    date_to: date | None,
) -> None:
    audit_record(action, actor=actor, context=context, target=target)
    events.emit(
        events.AVAILABILITY_CHANGED,
        doctor_id=doctor.pk,
        date_from=date_from.isoformat() if date_from else None,
        date_to=date_to.isoformat() if date_to else None,
    )


def _merge_window(doctor: DoctorProfile, window: Availability) -> Availability:
    """Fold every window of that day that overlaps or touches this one into it."""
    others = Availability.objects.filter(
        doctor=doctor,
        date=window.date,
        start_time__lte=window.end_time,
        end_time__gte=window.start_time,
    )
    if window.pk:
        others = others.exclude(pk=window.pk)
    others = list(others)
    if not others:
        window.save()
        return window
    window.start_time = min([window.start_time, *(o.start_time for o in others)])
    window.end_time = max([window.end_time, *(o.end_time for o in others)])
    keeper = window if window.pk else others.pop(0)
    keeper.start_time, keeper.end_time = window.start_time, window.end_time
    Availability.objects.filter(pk__in=[o.pk for o in others]).delete()
    keeper.save()
    return keeper


def availability_create(
    doctor_id: int,
    *,
    day: date,
    start_time: time,
    end_time: time,
    actor: User,
    context: RequestContext,
) -> Availability:
    """Add a dated window; windows of that day it overlaps or touches merge."""
    with transaction.atomic():
        doctor = _lock_managed_doctor(doctor_id, actor)
        if day < _today(doctor):
            raise InvalidInput("The date is in the past.", field="date")
        _check_times(doctor, start_time, end_time)
        window = _merge_window(
            doctor,
            Availability(
                doctor=doctor, date=day, start_time=start_time, end_time=end_time
            ),
        )
        _changed(
            doctor,
            "availability.created",
            actor=actor,
            context=context,
            target=window,
            date_from=day,
            date_to=day,
        )
    logger.info("availability window saved doctor_id=%s date=%s", doctor.pk, day)
    return window


def availability_update(
    window_id: int,
    *,
    doctor_id: int,
    changes: dict[str, Any],
    actor: User,
    context: RequestContext,
) -> Availability:
    """Change a window's date or times; it merges with the windows it then meets."""
    with transaction.atomic():
        doctor = _lock_managed_doctor(doctor_id, actor)
        window = Availability.objects.filter(pk=window_id, doctor=doctor).first()
        if window is None:
            raise NotFound("Availability window")
        old_day = window.date
        for name in ("date", "start_time", "end_time"):
            if changes.get(name) is not None:
                setattr(window, name, changes[name])
        if window.date < _today(doctor):
            raise InvalidInput("The date is in the past.", field="date")
        _check_times(doctor, window.start_time, window.end_time)
        window = _merge_window(doctor, window)
        _changed(
            doctor,
            "availability.updated",
            actor=actor,
            context=context,
            target=window,
            date_from=min(old_day, window.date),
            date_to=max(old_day, window.date),
        )
    return window


def availability_delete(
    window_id: int, *, doctor_id: int, actor: User, context: RequestContext
) -> None:
    """Remove a dated window; appointments already booked in it stay."""
    with transaction.atomic():
        doctor = _lock_managed_doctor(doctor_id, actor)
        window = Availability.objects.filter(pk=window_id, doctor=doctor).first()
        if window is None:
            raise NotFound("Availability window")
        day = window.date
        _changed(
            doctor,
            "availability.deleted",
            actor=actor,
            context=context,
            target=window,
            date_from=day,
            date_to=day,
        )
        window.delete()


def _check_validity(valid_from: date | None, valid_until: date | None) -> None:
    if valid_from and valid_until and valid_until < valid_from:
        raise InvalidInput(
            "valid_until must not be before valid_from.", field="valid_until"
        )


def weekly_hours_create(
    doctor_id: int,
    *,
    weekday: int,
    start_time: time,
    end_time: time,
    valid_from: date | None = None,
    valid_until: date | None = None,
    actor: User,
    context: RequestContext,
) -> WeeklyHours:
    """Add a recurring weekly window, optionally valid only between two dates."""
    if not 0 <= weekday <= 6:
        raise InvalidInput("weekday runs from 0 (Monday) to 6.", field="weekday")
    _check_validity(valid_from, valid_until)
    with transaction.atomic():
        doctor = _lock_managed_doctor(doctor_id, actor)
        _check_times(doctor, start_time, end_time)
        hours = WeeklyHours.objects.create(
            doctor=doctor,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        _changed(
            doctor,
            "weekly_hours.created",
            actor=actor,
            context=context,
            target=hours,
            date_from=valid_from,
            date_to=valid_until,
        )
    return hours


def weekly_hours_update(
    hours_id: int,
    *,
    doctor_id: int,
    changes: dict[str, Any],
    actor: User,
    context: RequestContext,
) -> WeeklyHours:
    """Change a weekly window; ``None`` clears a validity bound."""
    with transaction.atomic():
        doctor = _lock_managed_doctor(doctor_id, actor)
        hours = WeeklyHours.objects.filter(pk=hours_id, doctor=doctor).first()
        if hours is None:
            raise NotFound("Weekly hours")
        for name, value in changes.items():
            if name in ("valid_from", "valid_until") or value is not None:
                setattr(hours, name, value)
        if not 0 <= hours.weekday <= 6:
            raise InvalidInput("weekday runs from 0 (Monday) to 6.", field="weekday")
        _check_validity(hours.valid_from, hours.valid_until)
        _check_times(doctor, hours.start_time, hours.end_time)
        hours.save()
        _changed(
            doctor,
            "weekly_hours.updated",
            actor=actor,
            context=context,
            target=hours,
            date_from=None,
            date_to=None,
        )
    return hours


def weekly_hours_delete(
    hours_id: int, *, doctor_id: int, actor: User, context: RequestContext
) -> None:
    """Remove a weekly window; appointments already booked in it stay."""
    with transaction.atomic():
        doctor = _lock_managed_doctor(doctor_id, actor)
        hours = WeeklyHours.objects.filter(pk=hours_id, doctor=doctor).first()
        if hours is None:
            raise NotFound("Weekly hours")
        _changed(
            doctor,
            "weekly_hours.deleted",
            actor=actor,
            context=context,
            target=hours,
            date_from=None,
            date_to=None,
        )
        hours.delete()


def _as_instant(value: datetime, zone: ZoneInfo) -> datetime:
    """An aware instant; a naive value is read as the doctor's wall-clock time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(zone).astimezone(UTC)


def time_off_create(
    doctor_id: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    reason: str = "",
    actor: User,
    context: RequestContext,
) -> TimeOff:
    """Block time: a span of instants, or whole local days ``date_from..date_to``."""
    with transaction.atomic():
        doctor = _lock_managed_doctor(doctor_id, actor)
        zone = ZoneInfo(doctor.time_zone)
        if date_from is not None or date_to is not None:
            if start is not None or end is not None:
                raise InvalidInput(
                    "Give either start and end, or date_from and date_to.",
                    field="start",
                )
            date_to = date_to or date_from
            date_from = date_from or date_to
            if date_to < date_from:
                raise InvalidInput(
                    "date_to must not be before date_from.", field="date_to"
                )
            start = datetime.combine(date_from, time.min, tzinfo=zone)
            end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
        if start is None or end is None:
            raise InvalidInput(
                "Give start and end, or date_from and date_to.",
                field="end" if start else "start",
            )
        start, end = _as_instant(start, zone), _as_instant(end, zone)
        if end <= start:
            raise InvalidInput("end must be after start.", field="end")
        if end <= timezone.now():
            raise InvalidInput("The time off is entirely in the past.", field="end")
        off = TimeOff.objects.create(doctor=doctor, start=start, end=end, reason=reason)
        _changed(
            doctor,
            "time_off.created",
            actor=actor,
            context=context,
            target=off,
            date_from=start.astimezone(zone).date(),
            date_to=end.astimezone(zone).date(),
        )
    return off


def time_off_delete(
    time_off_id: int, *, doctor_id: int, actor: User, context: RequestContext
) -> None:
    """Remove time off, giving its time back to the doctor's windows."""
    with transaction.atomic():
        doctor = _lock_managed_doctor(doctor_id, actor)
        off = TimeOff.objects.filter(pk=time_off_id, doctor=doctor).first()
        if off is None:
            raise NotFound("Time off")
        zone = ZoneInfo(doctor.time_zone)
        _changed(
            doctor,
            "time_off.deleted",
            actor=actor,
            context=context,
            target=off,
            date_from=off.start.astimezone(zone).date(),
            date_to=off.end.astimezone(zone).date(),
        )
        off.delete()
