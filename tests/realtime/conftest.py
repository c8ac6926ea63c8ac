"""Websocket test plumbing: a fresh channel layer per test, connect helpers."""

from datetime import datetime, timedelta

import pytest
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from project.asgi import application

# Sent by browsers; the origin validator in project.asgi refuses sockets without.
ORIGIN = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test's event loop gets its own layer (in memory, or Redis if set)."""
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


def communicator(path: str, *, cookie: str | None = None) -> WebsocketCommunicator:
    """A client of the full ASGI stack (origin check, session auth, routing)."""
    headers = list(ORIGIN)
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def assert_refused(ws: WebsocketCommunicator, *, code: str, close_code: int):
    """The server sends a typed error frame, then closes with ``close_code``."""
    frame = await ws.receive_json_from(timeout=3)
    assert frame["type"] == "error"
    assert frame["code"] == code
    closed = await ws.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": close_code}


def tomorrow() -> datetime:
    """A whole-second instant a day ahead: bookable and not today."""
    return timezone.now().replace(microsecond=0) + timedelta(days=1)
