"""Helpers the page views share: request context, errors, slot grouping."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from domain.context import RequestContext
from domain.errors import DomainError, RateLimited
from domain.scheduling.slots import Slot


def wall_clock(instant: datetime, zone: str) -> datetime:
    """The instant as a naive wall-clock time in ``zone``, for display.

    Naive on purpose: Django's ``date`` and ``time`` template filters turn an
    aware value into the current time zone (UTC here) before formatting it,
    which would show every doctor outside UTC the wrong hours.
    """
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def context_of(request: HttpRequest) -> RequestContext:
    """Who is acting and from where, for the audit trail."""
    return RequestContext.from_request(
        request, trusted_proxies=settings.TRUSTED_PROXY_COUNT
    )


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form field it names, else on the form."""
    field = error.extra.get("field")
    if field in form.fields:
        form.add_error(field, error.detail)
    else:
        form.add_error(None, error.detail)


def refuse_on_form(form: forms.Form, error: RateLimited) -> None:
    """Put a rate-limit refusal on the form, saying when to try again."""
    form.add_error(None, f"Too many attempts. Try again in {error.retry_after} s.")


def as_rate_limited(response: HttpResponse, error: RateLimited) -> HttpResponse:
    """Answer the re-rendered form as 429 with ``Retry-After``, like the API."""
    response.status_code = 429
    response["Retry-After"] = str(error.retry_after)
    return response


def iso_utc(value: datetime) -> str:
    """The instant as the ISO 8601 UTC string that forms and websockets carry."""
    return value.astimezone(UTC).isoformat()


@dataclass(frozen=True)
class SlotView:
    start: datetime
    end: datetime
    value: str
    # Held for a patient on the waiting list: shown, but not bookable now.
    held: bool = False


@dataclass(frozen=True)
class DayView:
    day: date
    slots: list[SlotView]

    @property
    def has_free(self) -> bool:
        return any(not slot.held for slot in self.slots)


def slots_by_day(
    slots: list[Slot],
    *,
    zone: str,
    date_from: date,
    days: int = 7,
    held: Sequence[Slot] = (),
) -> list[DayView]:
    """Group slots under each local day of the week shown, empty days kept.

    ``held`` slots are merged in by start and marked, so they read as taken
    for now rather than missing.
    """
    grouped: dict[date, list[SlotView]] = {
        date_from + timedelta(days=n): [] for n in range(days)
    }
    marked = [(slot, False) for slot in slots] + [(slot, True) for slot in held]
    for slot, is_held in sorted(marked, key=lambda pair: pair[0].start):
        local = wall_clock(slot.start, zone)
        if local.date() in grouped:
            grouped[local.date()].append(
                SlotView(
                    start=local,
                    end=wall_clock(slot.end, zone),
                    value=iso_utc(slot.start),
                    held=is_held,
                )
            )
    return [DayView(day=day, slots=items) for day, items in grouped.items()]


def nearest_slots(slots: list[Slot], *, to: datetime, count: int = 3) -> list[Slot]:
    """The free slots closest in time to one that could not be had."""
    return sorted(slots, key=lambda slot: abs((slot.start - to).total_seconds()))[
        :count
    ]
