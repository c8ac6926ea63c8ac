"""Booking under contention, a booking and cancelling storm, and throughput.

Every measured call goes through the public API with a patient's JWT, exactly
as a client would book: ``POST /api/v1/appointments`` and
``POST /api/v1/appointments/{id}/cancel``.
"""

import asyncio
import random
import time
from collections import Counter
from datetime import datetime

import httpx

from bench.context import Context
from bench.load import Pool, bearer, latency_summary, run_clients

BOOK = "/api/v1/appointments"


async def _book(pool: Pool, client: int, token: str, doctor_id: int, start: datetime):
    return await pool.client(client).post(
        BOOK,
        json={"doctor_id": doctor_id, "start": start.isoformat(), "reason": "bench"},
        headers=bearer(token),
    )


def _code(response) -> str:
    try:
        return f"{response.status_code} {response.json().get('code', '')}".strip()
    except ValueError:
        return str(response.status_code)


async def _contention(ctx: Context) -> dict:
    scale = ctx.scale
    rounds = ctx.take_slots(scale.contention_rounds)
    clients = scale.contention_clients
    pool = Pool(ctx.urls, connections=clients)
    codes: Counter = Counter()
    winners: Counter = Counter()
    latencies: list[float] = []
    deadline = time.monotonic() + scale.contention_seconds
    began = time.perf_counter()

    async def racer(number: int, token: str, doctor_id: int, start: datetime) -> int:
        sent = time.perf_counter()
        try:
            response = await _book(pool, number, token, doctor_id, start)
        except httpx.TransportError as exc:
            codes[f"transport {exc.__class__.__name__}"] += 1
            return 0
        latencies.append(time.perf_counter() - sent)
        codes[_code(response)] += 1
        return response.status_code

    done = 0
    cpu = ctx.cpu_snapshot()
    try:
        for number, (doctor_id, start) in enumerate(rounds):
            if time.monotonic() >= deadline:
                break
            # A different set of patients each round, so a patient who won a
            # slot is rarely in the next race for a slot at the same time.
            first = number * clients
            tokens = [ctx.tokens[(first + i) % len(ctx.tokens)] for i in range(clients)]
            statuses = await asyncio.gather(
                *(racer(i, token, doctor_id, start) for i, token in enumerate(tokens))
            )
            winners[statuses.count(201)] += 1
            done += 1
    finally:
        await pool.aclose()
    statuses = Counter()
    for code, count in codes.items():
        statuses[code.split()[0]] += count
    return {
        "rounds_planned": scale.contention_rounds,
        "rounds": done,
        "clients_per_round": clients,
        "seconds": round(time.perf_counter() - began, 1),
        "requests": sum(codes.values()),
        "successes": statuses.get("201", 0),
        "conflicts_409": statuses.get("409", 0),
        "other_statuses": {
            code: count
            for code, count in statuses.items()
            if code not in {"201", "409"}
        },
        "responses": dict(sorted(codes.items())),
        "rounds_by_winners": {str(k): v for k, v in sorted(winners.items())},
        "latency": latency_summary(latencies),
        "cpu_ms_per_request": ctx.cpu_per_request(cpu, sum(codes.values())),
    }


async def _storm(ctx: Context) -> dict:
    scale = ctx.scale
    # A small pool of slots, so bookings collide and cancelled slots are
    # booked again by someone else while others still race for them.
    slots = ctx.take_slots(scale.storm_slots, min_days_ahead=3)
    clients = scale.storm_clients
    tokens = ctx.tokens[-clients:]
    owned: list[list[str]] = [[] for _ in range(clients)]
    codes: Counter = Counter()
    pool = Pool(ctx.urls, connections=clients)

    async def work(number: int, sequence: int) -> int:
        rng = random.Random(sequence)
        mine = owned[number]
        if mine and rng.random() < 0.4:
            appointment = mine.pop(rng.randrange(len(mine)))
            response = await pool.client(number).post(
                f"{BOOK}/{appointment}/cancel",
                json={"reason": "bench"},
                headers=bearer(tokens[number]),
            )
            kind = "cancel"
        else:
            doctor_id, start = slots[rng.randrange(len(slots))]
            response = await _book(pool, number, tokens[number], doctor_id, start)
            if response.status_code == 201:
                mine.append(response.json()["id"])
            kind = "book"
        codes[f"{kind} {_code(response)}"] += 1
        return response.status_code

    try:
        outcome = await run_clients(
            work,
            clients=clients,
            seconds=scale.storm_seconds,
            requests=scale.storm_requests,
        )
    finally:
        await pool.aclose()
    return {
        "clients": clients,
        "slots": len(slots),
        **outcome.report(),
        "responses": dict(sorted(codes.items())),
    }


async def _throughput(ctx: Context) -> dict:
    scale = ctx.scale
    clients = scale.throughput_clients
    slots = ctx.take_slots(scale.throughput_requests)
    # Patients not used by the races, one per request as far as they go.
    tokens = ctx.tokens[: -scale.storm_clients]
    pool = Pool(ctx.urls, connections=clients)

    async def me(number: int, sequence: int) -> int:
        response = await pool.client(number).get(
            "/api/v1/me", headers=bearer(tokens[number % len(tokens)])
        )
        return response.status_code

    async def book(number: int, sequence: int) -> int:
        doctor_id, start = slots[sequence]
        token = tokens[sequence % len(tokens)]
        response = await _book(pool, number, token, doctor_id, start)
        codes[_code(response)] += 1
        return response.status_code

    codes: Counter = Counter()
    try:
        # A short warm-up fills both servers' connection pools and caches.
        await run_clients(
            me, clients=clients, seconds=scale.warmup_seconds, requests=clients * 4
        )
        cpu = ctx.cpu_snapshot()
        me_outcome = await run_clients(
            me, clients=clients, seconds=scale.throughput_seconds, requests=10**9
        )
        me_cpu = ctx.cpu_per_request(cpu, sum(me_outcome.statuses.values()))
        cpu = ctx.cpu_snapshot()
        book_outcome = await run_clients(
            book, clients=clients, seconds=scale.throughput_seconds, requests=len(slots)
        )
        book_cpu = ctx.cpu_per_request(cpu, sum(book_outcome.statuses.values()))
    finally:
        await pool.aclose()
    me_report, book_report = me_outcome.report(), book_outcome.report()
    me_report["cpu_ms_per_request"] = me_cpu
    book_report["cpu_ms_per_request"] = book_cpu
    me_rate = me_report["requests_per_second"]
    return {
        "clients": clients,
        "booking": {**book_report, "responses": dict(sorted(codes.items()))},
        "get_me": me_report,
        "booking_to_me_ratio": round(book_report["requests_per_second"] / me_rate, 3)
        if me_rate
        else None,
    }


def overlapping_active_appointments() -> dict:
    """Pairs of active appointments that overlap, per doctor and per patient."""
    from django.db import connection

    from domain.models import ACTIVE_STATUSES, Appointment

    table = Appointment._meta.db_table
    found = {}
    for owner in ("doctor_id", "patient_id"):
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT count(*) FROM {table} a JOIN {table} b
                  ON a.{owner} = b.{owner} AND a.id < b.id
                 AND a.start < b."end" AND b.start < a."end"
                WHERE a.status = ANY(%s) AND b.status = ANY(%s)
                """,
                [list(ACTIVE_STATUSES), list(ACTIVE_STATUSES)],
            )
            found[owner.removesuffix("_id")] = cursor.fetchone()[0]
    return found


def run_contention(ctx: Context) -> dict:
    """The races and the storm, then the database's own count of overlaps."""
    races = asyncio.run(_contention(ctx))
    storm = asyncio.run(_storm(ctx))
    overlaps = overlapping_active_appointments()
    return {
        "races": races,
        "storm": storm,
        "overlapping_active_appointments": overlaps,
        "overlaps_total": sum(overlaps.values()),
    }


def run_throughput(ctx: Context) -> dict:
    return asyncio.run(_throughput(ctx))
