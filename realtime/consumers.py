"""Websocket consumers: public availability, the personal channel, the live queue.

Every refusal is a typed frame ``{"type": "error", "code", "detail"}`` followed
by a close with one of the codes below. Group messages carry the frame to send
under ``payload`` (see ``realtime.publisher``).
"""

import asyncio
import logging
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from domain.errors import DomainError, InvalidInput
from domain.models import DoctorProfile, Role, User
from domain.permissions import is_own_doctor_profile
from domain.scheduling.slots import Slot
from domain.selectors.queue import queue_for_doctor
from domain.selectors.slots import doctor_slots
from realtime.auth import WebsocketAuthError, user_from_access_token
from realtime.groups import availability_group, queue_group, user_group

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
# The channel layer could not be joined (Redis down): retry later.
CLOSE_TRY_AGAIN = 1013


class ClinicConsumer(AsyncJsonWebsocketConsumer):
    """Shared plumbing: typed errors, group bookkeeping, forwarding pushes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.joined: list[str] = []
        self.closing = False

    async def refuse(self, close_code: int, code: str, detail: str) -> None:
        self.closing = True
        await self.send_json({"type": "error", "code": code, "detail": detail})
        await self.close(code=close_code)

    async def join(self, group: str) -> bool:
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except Exception as exc:
            logger.warning(
                "could not join %s (%s); closing", group, exc.__class__.__name__
            )
            await self.refuse(
                CLOSE_TRY_AGAIN, "unavailable", "Live updates are unavailable."
            )
            return False
        self.joined.append(group)
        return True

    async def disconnect(self, code: int) -> None:
        for group in self.joined:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception as exc:
                logger.info("leaving %s failed: %s", group, exc.__class__.__name__)
        self.joined = []

    async def push(self, message: dict[str, Any]) -> None:
        """A group message from the publisher: forward its frame as is."""
        await self.send_json(message["payload"])

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            return
        await self.send_json(
            {
                "type": "error",
                "code": "unknown_message",
                "detail": "This message type is not understood here.",
            }
        )

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None


@database_sync_to_async
def _active_doctor(doctor_id: int) -> DoctorProfile | None:
    return DoctorProfile.objects.filter(pk=doctor_id, is_active=True).first()


@database_sync_to_async
def _snapshot(doctor_id: int, date_from: Any, date_to: Any) -> dict[str, Any]:
    """Free slots like ``GET doctors/{id}/slots``, and the held ones apart.

    Raises DomainError on bad input.
    """
    try:
        first = date.fromisoformat(date_from) if date_from else None
        last = date.fromisoformat(date_to) if date_to else None
    except (TypeError, ValueError) as exc:
        raise InvalidInput("Dates must read YYYY-MM-DD.", field="date_from") from exc
    found = doctor_slots(doctor_id, date_from=first, date_to=last, with_held=True)
    zone = ZoneInfo(found.time_zone)

    def shown(slots: list[Slot]) -> list[dict[str, str]]:
        return [
            {
                "start": slot.start.astimezone(zone).isoformat(),
                "end": slot.end.astimezone(zone).isoformat(),
            }
            for slot in slots
        ]

    return {
        "type": "snapshot",
        "doctor_id": doctor_id,
        "time_zone": found.time_zone,
        "slots": shown(found.slots),
        "held": shown(found.held),
    }


class AvailabilityConsumer(ClinicConsumer):
    """``/ws/doctors/{id}/availability/``: anyone; slot messages for one doctor.

    A snapshot of free slots, with the slots held by waitlist offers listed
    apart (``held``), comes on connect when the query string names a range
    (``?date_from=YYYY-MM-DD&date_to=YYYY-MM-DD``) and whenever the client
    sends ``{"type": "snapshot", "date_from", "date_to"}``; the group is joined
    first, so no change between the two is lost.
    """

    async def connect(self) -> None:
        await self.accept()
        self.doctor_id = int(self.scope["url_route"]["kwargs"]["doctor_id"])
        if await _active_doctor(self.doctor_id) is None:
            await self.refuse(CLOSE_NOT_FOUND, "not_found", "Doctor not found.")
            return
        if not await self.join(availability_group(self.doctor_id)):
            return
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        if "date_from" in query or "date_to" in query:
            await self._send_snapshot(
                query.get("date_from", [None])[0], query.get("date_to", [None])[0]
            )

    async def _send_snapshot(self, date_from: Any, date_to: Any) -> None:
        try:
            snapshot = await _snapshot(self.doctor_id, date_from, date_to)
        except DomainError as exc:
            # A bad range is the client's mistake, not a reason to hang up.
            await self.send_json(
                {"type": "error", "code": exc.code, "detail": exc.detail}
            )
            return
        await self.send_json(snapshot)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "snapshot":
            await self._send_snapshot(content.get("date_from"), content.get("date_to"))
            return
        await super().receive_json(content, **kwargs)


class AuthenticatedConsumer(ClinicConsumer):
    """Signed in by the session cookie, or by a first ``authenticate`` message.

    API clients send ``{"type": "authenticate", "token": "<JWT access>"}``
    within ``auth_timeout`` seconds; tokens never travel in the URL. A token's
    expiry closes the socket (4401) unless a fresh token for the same user was
    sent in the meantime.
    """

    auth_timeout = 5.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user: User | None = None
        self.timer: asyncio.Task | None = None

    async def connect(self) -> None:
        await self.accept()
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            await self._signed_in(user)
            return
        self._start_timer(self.auth_timeout, "auth_timeout", "Authenticate first.")

    def _start_timer(self, seconds: float, code: str, detail: str) -> None:
        if self.timer:
            self.timer.cancel()
        self.timer = asyncio.get_running_loop().create_task(
            self._close_later(seconds, code, detail)
        )

    async def _close_later(self, seconds: float, code: str, detail: str) -> None:
        await asyncio.sleep(seconds)
        await self.refuse(CLOSE_UNAUTHENTICATED, code, detail)

    async def _signed_in(self, user: User) -> None:
        self.user = user
        await self.on_authenticated(user)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "authenticate":
            await self._authenticate(content.get("token"))
            return
        if self.user is None:
            await self.refuse(
                CLOSE_UNAUTHENTICATED, "not_authenticated", "Authenticate first."
            )
            return
        await super().receive_json(content, **kwargs)

    async def _authenticate(self, token: Any) -> None:
        try:
            user, expires = await user_from_access_token(token)
        except WebsocketAuthError as exc:
            await self.refuse(CLOSE_UNAUTHENTICATED, "not_authenticated", str(exc))
            return
        if self.user is not None and self.user.pk != user.pk:
            await self.refuse(
                CLOSE_FORBIDDEN, "forbidden", "The token names another user."
            )
            return
        if self.timer:
            self.timer.cancel()
        if self.user is None:
            await self._signed_in(user)
        else:
            await self.send_json({"type": "authenticated", "user_id": str(user.pk)})
        if not self.closing:
            remaining = (expires - datetime.now(UTC)).total_seconds()
            self._start_timer(remaining, "token_expired", "The access token expired.")

    async def disconnect(self, code: int) -> None:
        if self.timer:
            self.timer.cancel()
            self.timer = None
        await super().disconnect(code)

    async def on_authenticated(self, user: User) -> None:
        raise NotImplementedError


class MeConsumer(AuthenticatedConsumer):
    """``/ws/me/``: the signed-in user's offers, appointment changes, queue place."""

    async def on_authenticated(self, user: User) -> None:
        if await self.join(user_group(user.pk)):
            await self.send_json({"type": "authenticated", "user_id": str(user.pk)})


@database_sync_to_async
def _queue_doctor(user: User, doctor_id: int) -> tuple[str, DoctorProfile | None]:
    doctor = DoctorProfile.objects.filter(pk=doctor_id).select_related("user").first()
    if doctor is None:
        return "not_found", None
    if user.role != Role.ADMIN and not is_own_doctor_profile(user, doctor):
        return "forbidden", None
    return "ok", doctor


class QueueConsumer(AuthenticatedConsumer):
    """``/ws/doctors/{id}/queue/``: that doctor or an admin; today's live queue."""

    async def on_authenticated(self, user: User) -> None:
        doctor_id = int(self.scope["url_route"]["kwargs"]["doctor_id"])
        verdict, doctor = await _queue_doctor(user, doctor_id)
        if verdict == "not_found":
            await self.refuse(CLOSE_NOT_FOUND, "not_found", "Doctor not found.")
            return
        if verdict == "forbidden":
            await self.refuse(
                CLOSE_FORBIDDEN, "forbidden", "Only this doctor or an admin may watch."
            )
            return
        # Join before the snapshot so no change between the two is missed.
        if await self.join(queue_group(doctor_id)):
            queue = await database_sync_to_async(queue_for_doctor)(doctor)
            await self.send_json({"type": "queue.snapshot", **queue})
