"""Websocket consumers: public availability, the personal channel, the live queue.

Every refusal is a typed frame ``{"type": "error", "code", "detail"}`` followed
by a close with one of the codes below. Group messages carry the frame to send
under ``payload`` (see ``realtime.publisher``).
"""

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from domain.models import DoctorProfile, Role, User
from domain.permissions import is_own_doctor_profile
from domain.selectors.queue import queue_for_doctor
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


class AvailabilityConsumer(ClinicConsumer):
    """``/ws/doctors/{id}/availability/``: anyone; slot messages for one doctor."""

    async def connect(self) -> None:
        await self.accept()
        self.doctor_id = int(self.scope["url_route"]["kwargs"]["doctor_id"])
        if await _active_doctor(self.doctor_id) is None:
            await self.refuse(CLOSE_NOT_FOUND, "not_found", "Doctor not found.")
            return
        await self.join(availability_group(self.doctor_id))


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
