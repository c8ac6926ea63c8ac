"""Field validators shared by models, services and API schemas."""

import functools
import zoneinfo
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone


@functools.cache
def known_time_zones() -> frozenset[str]:
    """The IANA zone names this Python knows; scanning them is slow, so once."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Accept only IANA zone names that this Python knows."""
    if value not in known_time_zones():
        raise ValidationError(f"{value!r} is not a known IANA time zone.")


def validate_not_future(value: date) -> None:
    """Refuse dates after today (in UTC)."""
    if value > timezone.now().date():
        raise ValidationError("The date cannot be in the future.")
