"""Websocket fan-out: many subscribers on one doctor's availability group.

Subscribers connect to ``/ws/doctors/{id}/availability/`` spread over both
servers and each confirms with a ping that it has joined the group. Then
patients book that doctor's free slots through the API, one booking at a time;
every socket should receive each booking's ``slot.booked``.

Latency runs from the booking's commit to the moment a subscriber's client
reads the message. The commit instant is taken from the appointment row's
``created_at``, which the server stamps inside the booking transaction a few
milliseconds before it commits, so the figures overstate the true latency by
those milliseconds. Server and clients share this machine's clock.
"""

import asyncio
import json
import time
from collections import Counter
from datetime import datetime

import httpx
from websockets.asyncio.client import connect

from bench.booking import BOOK
from bench.context import Context
from bench.load import bearer, latency_summary

CONNECT_AT_ONCE = 50


def _key(instant: str) -> float:
    return datetime.fromisoformat(instant).timestamp()


async def _subscribe(url: str, doctor_id: int, inbox: dict, ready: asyncio.Event):
    """One subscriber: join, then note when each booked slot's message arrives."""
    ws_url = url.replace("http://", "ws://") + f"/ws/doctors/{doctor_id}/availability/"
    async with connect(ws_url, origin=url, proxy=None, open_timeout=30) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        async for raw in socket:
            received = time.time()
            message = json.loads(raw)
            if message.get("type") == "pong":
                ready.set()
            elif message.get("type") == "slot.booked":
                inbox.setdefault(_key(message["start"]), received)


async def _fanout(ctx: Context, doctor_id: int, slots: list) -> dict:
    scale = ctx.scale
    count = scale.fanout_subscribers
    inboxes: list[dict[float, float]] = [{} for _ in range(count)]
    readies = [asyncio.Event() for _ in range(count)]
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)
    failures: list[str] = []

    async def subscriber(number: int) -> None:
        url = ctx.urls[number % len(ctx.urls)]
        async with gate:
            task = asyncio.ensure_future(
                _subscribe(url, doctor_id, inboxes[number], readies[number])
            )
            # Hold the gate until this one joined, so connects come in waves.
            waiter = asyncio.ensure_future(readies[number].wait())
            await asyncio.wait([task, waiter], return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
        try:
            await task
        except Exception as exc:
            # A socket that failed misses its messages: they count as lost.
            failures.append(exc.__class__.__name__)
            readies[number].set()

    began = time.perf_counter()
    tasks = [asyncio.ensure_future(subscriber(i)) for i in range(count)]
    await asyncio.wait_for(
        asyncio.gather(*(ready.wait() for ready in readies)), timeout=120
    )
    connect_seconds = time.perf_counter() - began

    booked: list[dict] = []
    statuses: dict[str, int] = {}
    cpu = ctx.cpu_snapshot()
    async with httpx.AsyncClient(base_url=ctx.urls[0], timeout=30) as client:
        patient = 0
        for _, start in slots:
            response = None
            # Another scenario may have given this patient a visit at the same
            # time (409 patient_busy); the next patient then books instead.
            for _ in range(5):
                response = await client.post(
                    BOOK,
                    json={
                        "doctor_id": doctor_id,
                        "start": start.isoformat(),
                        "reason": "bench",
                    },
                    headers=bearer(ctx.tokens[patient % len(ctx.tokens)]),
                )
                patient += 1
                if response.status_code != 409:
                    break
            statuses[str(response.status_code)] = (
                statuses.get(str(response.status_code), 0) + 1
            )
            if response.status_code != 201:
                continue
            key = _key(response.json()["start"])
            booked.append({"id": response.json()["id"], "key": key})
            deadline = time.monotonic() + scale.fanout_wait_seconds
            while time.monotonic() < deadline and not all(
                key in inbox for inbox in inboxes
            ):
                await asyncio.sleep(0.005)

    # CPU per booking: the booking itself plus its fan-out to every socket.
    cpu_used = ctx.cpu_per_request(cpu, len(booked))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {
        "connect_seconds": round(connect_seconds, 1),
        "socket_failures": failures,
        "booking_statuses": statuses,
        "booked": booked,
        "inboxes": inboxes,
        "cpu_ms_per_booking": cpu_used,
    }


def _latencies(result: dict) -> dict:
    from domain.models import Appointment

    committed = {
        str(pk): created.timestamp()
        for pk, created in Appointment.objects.filter(
            pk__in=[b["id"] for b in result["booked"]]
        ).values_list("pk", "created_at")
    }
    delays, lost = [], 0
    for booking in result["booked"]:
        for inbox in result["inboxes"]:
            received = inbox.get(booking["key"])
            if received is None:
                lost += 1
            else:
                delays.append(received - committed[booking["id"]])
    return {
        "subscribers": len(result["inboxes"]),
        "connect_seconds": [result["connect_seconds"]],
        "socket_failures": Counter(result["socket_failures"]),
        "bookings": len(result["booked"]),
        "booking_statuses": Counter(result["booking_statuses"]),
        "messages_expected": len(result["booked"]) * len(result["inboxes"]),
        "messages_lost": lost,
        "delays": delays,
        "cpu_ms_per_booking": [result["cpu_ms_per_booking"]],
    }


def run_fanout(ctx: Context, *, bookings: int) -> dict:
    """One round: subscribe, book ``bookings`` slots one by one, close."""
    doctor_id, slots = ctx.take_doctor_slots(bookings)
    result = asyncio.run(_fanout(ctx, doctor_id, slots))
    return _latencies(result)


def combine(rounds: list[dict]) -> dict:
    """Pool the rounds of one layer into one report."""
    pooled = {
        "rounds": len(rounds),
        "subscribers": rounds[0]["subscribers"],
        "connect_seconds": [],
        "socket_failures": Counter(),
        "bookings": 0,
        "booking_statuses": Counter(),
        "messages_expected": 0,
        "messages_lost": 0,
        "cpu_ms_per_booking": [],
    }
    delays: list[float] = []
    for part in rounds:
        delays.extend(part["delays"])
        for key, value in part.items():
            if key in pooled and key not in {"rounds", "subscribers"}:
                pooled[key] += value
    pooled["socket_failures"] = dict(pooled["socket_failures"])
    pooled["booking_statuses"] = dict(pooled["booking_statuses"])
    pooled["delivery"] = latency_summary(delays)
    return pooled
