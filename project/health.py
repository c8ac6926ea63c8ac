"""Liveness: the database and the channel layer answer."""

import asyncio
import logging
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)
CHECK_TIMEOUT_SECONDS = 3


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("health: database check failed", exc_info=True)
        return False
    finally:
        connection.close()


async def _channel_layer_ok() -> bool:
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        channel = await asyncio.wait_for(
            layer.new_channel(), timeout=CHECK_TIMEOUT_SECONDS
        )
        token = uuid.uuid4().hex
        await asyncio.wait_for(
            layer.send(channel, {"type": "health.ping", "token": token}),
            timeout=CHECK_TIMEOUT_SECONDS,
        )
        message = await asyncio.wait_for(
            layer.receive(channel), timeout=CHECK_TIMEOUT_SECONDS
        )
        return message.get("token") == token
    except Exception:
        logger.warning("health: channel layer check failed", exc_info=True)
        return False


async def healthz(request):
    database_ok = await sync_to_async(_database_ok, thread_sensitive=False)()
    layer_ok = await _channel_layer_ok()
    body = {
        "status": "ok" if database_ok and layer_ok else "unavailable",
        "database": "ok" if database_ok else "unavailable",
        "channel_layer": "ok" if layer_ok else "unavailable",
    }
    return JsonResponse(body, status=200 if database_ok and layer_ok else 503)
