"""Health (``/healthz``), liveness (``/livez``) and readiness (``/readyz``).

``/healthz`` is the public health check of the API contract: it checks the
database and the channel layer and answers ``{"status", "database",
"channel_layer"}``, 200 when both work and 503 naming what failed.

``/livez`` answers as long as the process serves HTTP; it checks no
dependency, so an outage of PostgreSQL or Redis never makes an orchestrator
restart healthy app processes (a restart would not bring the database back).
Docker's ``HEALTHCHECK`` calls it.

``/readyz`` says whether this process should get traffic. It answers 503 only
when the database is unreachable or migrations are not all applied, since no
request can be served then. The channel layer and the forecasting model are
reported but do not fail readiness: without Redis, booking and cancelling work
and only live updates pause; without a trained model, slots are offered
without recommendations. A body ``"status": "degraded"`` tells the two apart.
"""

import asyncio
import contextlib
import logging
import uuid

from asgiref.sync import markcoroutinefunction, sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

from forecasting.selectors import serving_model

logger = logging.getLogger(__name__)
CHECK_TIMEOUT_SECONDS = 3
OK = "ok"
UNAVAILABLE = "unavailable"

# Once every migration is applied it stays so for the life of the process
# (new migrations arrive with a new deployment), so the graph is read once.
_migrations_seen_applied = False


async def livez(request):
    return JsonResponse({"status": OK})


def _database_check() -> str:
    try:
        return _database_status()
    finally:
        # The check runs on a worker thread; hand its connection back.
        connection.close()


async def healthz(request):
    checks = {
        "database": await sync_to_async(_database_check, thread_sensitive=False)(),
        "channel_layer": await _channel_layer_status(),
    }
    # An embedded run without Redis uses the in-memory layer, which is "ok";
    # "not_configured" only appears when CHANNEL_LAYERS is empty.
    failed = [name for name, state in checks.items() if state != OK]
    body = {"status": "unavailable" if failed else OK, **checks}
    return JsonResponse(body, status=503 if failed else 200)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return OK if cursor.fetchone() == (1,) else UNAVAILABLE
    except Exception as exc:
        logger.warning("probe: database check failed: %s", exc.__class__.__name__)
        return UNAVAILABLE


def _migrations_status() -> str:
    global _migrations_seen_applied
    if _migrations_seen_applied:
        return OK
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        logger.warning("readiness: migration check failed: %s", exc.__class__.__name__)
        return UNAVAILABLE
    if pending:
        logger.warning("readiness: %s migrations not applied", len(pending))
        return "pending"
    _migrations_seen_applied = True
    return OK


async def _channel_layer_status() -> str:
    layer = get_channel_layer()
    if layer is None:
        return "not_configured"
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
    except Exception as exc:
        logger.warning("probe: channel layer check failed: %s", exc.__class__.__name__)
        return UNAVAILABLE
    # Layers drop a channel when a receive on it is cancelled (that is how a
    # consumer leaving looks to them); one short receive frees the probe's.
    with contextlib.suppress(Exception):
        await asyncio.wait_for(layer.receive(channel), timeout=0.05)
    return OK if message.get("token") == token else UNAVAILABLE


def _forecasting_model_status() -> str:
    """``loaded``, ``not_trained`` or ``unavailable``; see the module docstring."""
    try:
        return "not_trained" if serving_model() is None else "loaded"
    except Exception as exc:
        logger.warning("readiness: model check failed: %s", exc.__class__.__name__)
        return UNAVAILABLE


def _sync_checks() -> dict[str, str]:
    try:
        database = _database_status()
        return {
            "database": database,
            "migrations": _migrations_status() if database == OK else UNAVAILABLE,
            "forecasting_model": _forecasting_model_status(),
        }
    finally:
        # The probe runs on a worker thread; hand its connection back.
        connection.close()


async def readyz(request):
    checks = await sync_to_async(_sync_checks, thread_sensitive=False)()
    checks["channel_layer"] = await _channel_layer_status()
    ready = checks["database"] == OK and checks["migrations"] == OK
    degraded = checks["channel_layer"] != OK or checks["forecasting_model"] not in {
        "loaded",
        "not_trained",
    }
    if not ready:
        status = UNAVAILABLE
    elif degraded:
        status = "degraded"
    else:
        status = "ready"
    return JsonResponse(
        {"status": status, "checks": checks}, status=200 if ready else 503
    )


_PROBES = {"/healthz": healthz, "/livez": livez, "/readyz": readyz}


class ProbeMiddleware:
    """Answers the probes before host validation and the HTTPS redirect.

    Platform probes call the container by its internal address (Railway sends
    ``Host: healthcheck.railway.app``, Docker's HEALTHCHECK ``127.0.0.1``) over
    plain HTTP, which ``ALLOWED_HOSTS`` and ``SECURE_SSL_REDIRECT`` would turn
    away. The probes reveal nothing private, so they skip both.
    """

    sync_capable = False
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        markcoroutinefunction(self)

    async def __call__(self, request):
        probe = _PROBES.get(request.path)
        if probe is not None and request.method in {"GET", "HEAD"}:
            return await probe(request)
        return await self.get_response(request)
