"""Small template helpers: local times, initials, star ratings."""

import calendar
from datetime import datetime, timedelta

from django import template

from domain.errors import DomainError
from domain.permissions import require_email_verified
from web.views.common import wall_clock

register = template.Library()


@register.filter
def in_zone(value: datetime | None, zone: str) -> datetime | None:
    """The instant as wall-clock time in the given IANA zone (a doctor's);
    naive, so that the ``date`` and ``time`` filters keep it (``wall_clock``)."""
    if value is None:
        return None
    return wall_clock(value, zone)


@register.filter
def initials(user) -> str:
    """One or two letters standing in for a missing photo."""
    parts = [user.first_name, user.last_name]
    letters = "".join(part[0] for part in parts if part)
    return (letters or user.username[:1]).upper()


@register.filter
def stars(rating) -> str:
    """A rating out of five as filled and empty stars, for sighted readers."""
    filled = round(float(rating or 0))
    return "★" * filled + "☆" * (5 - filled)


@register.filter
def weekday_name(value: int) -> str:
    """0 = Monday, as weekly hours store it."""
    return calendar.day_name[int(value)]


@register.filter
def last_moment(value: datetime) -> datetime:
    """The last instant before an exclusive end, so a whole day off reads as one day."""
    return value - timedelta(microseconds=1)


@register.simple_tag
def verification_needed(user) -> bool:
    """Whether the booking rule would refuse this user for an unconfirmed address."""
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        require_email_verified(user)
    except DomainError:
        return True
    return False


QUEUE_STATES = {
    "scheduled": "Expected",
    "checked_in": "Checked in",
    "in_consultation": "With the doctor",
    "completed": "Done",
    "no_show": "Did not come",
}


@register.filter
def state_label(state: str) -> str:
    """A queue state in words."""
    return QUEUE_STATES.get(state, state)


@register.filter
def lookup(mapping, key):
    """``mapping[key]``, or None; templates cannot index by a variable."""
    return (mapping or {}).get(key)
