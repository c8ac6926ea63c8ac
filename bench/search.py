"""Slot search: ``GET /api/v1/doctors/{id}/slots`` over 7-day ranges.

First across the demo clinic's doctors, then for two doctors with the same
week and rules whose history differs a hundredfold (1k vs 100k appointments):
the selector reads only the asked-for days, so history should not show.
"""

import asyncio
import random
import time
from collections import Counter
from datetime import date, timedelta

from bench.context import Context
from bench.load import Pool, latency_summary, run_clients


async def _search(ctx: Context, doctor_ids: list[int], *, seed: int) -> dict:
    scale = ctx.scale
    pool = Pool(ctx.urls, connections=scale.search_clients)
    today = date.today()

    async def work(number: int, sequence: int) -> int:
        rng = random.Random(seed * 1_000_003 + sequence)
        doctor_id = doctor_ids[rng.randrange(len(doctor_ids))]
        first = today + timedelta(days=rng.randrange(21))
        response = await pool.client(number).get(
            f"/api/v1/doctors/{doctor_id}/slots",
            params={
                "date_from": first.isoformat(),
                "date_to": (first + timedelta(days=6)).isoformat(),
            },
        )
        return response.status_code

    try:
        # Warm-up, unmeasured: connections, caches, the planner's statistics.
        await run_clients(
            work,
            clients=scale.search_clients,
            seconds=scale.warmup_seconds,
            requests=scale.search_clients,
        )
        cpu = ctx.cpu_snapshot()
        outcome = await run_clients(
            work,
            clients=scale.search_clients,
            seconds=scale.search_seconds,
            requests=scale.search_requests,
        )
        cpu_used = ctx.cpu_per_request(cpu, sum(outcome.statuses.values()))
    finally:
        await pool.aclose()
    return {**outcome.report(), "cpu_ms_per_request": cpu_used}


async def _history(ctx: Context) -> dict:
    """Light and heavy doctor in one run, alternating request by request, so
    whatever else loads the machine meanwhile weighs on both alike."""
    scale = ctx.scale
    pool = Pool(ctx.urls, connections=scale.search_clients)
    doctors = {
        "light": ctx.history_doctors["light"],
        "heavy": ctx.history_doctors["heavy"],
    }
    latencies: dict[str, list[float]] = {"light": [], "heavy": []}
    statuses: dict[str, Counter] = {"light": Counter(), "heavy": Counter()}
    today = date.today()

    async def work(number: int, sequence: int) -> int:
        # Consecutive requests ask both doctors for the same week.
        label = ("light", "heavy")[sequence % 2]
        rng = random.Random(sequence // 2)
        first = today + timedelta(days=rng.randrange(21))
        sent = time.perf_counter()
        response = await pool.client(number).get(
            f"/api/v1/doctors/{doctors[label]}/slots",
            params={
                "date_from": first.isoformat(),
                "date_to": (first + timedelta(days=6)).isoformat(),
            },
        )
        latencies[label].append(time.perf_counter() - sent)
        statuses[label][str(response.status_code)] += 1
        return response.status_code

    try:
        await run_clients(
            work,
            clients=scale.search_clients,
            seconds=scale.warmup_seconds,
            requests=scale.search_clients,
        )
        for label in latencies:
            latencies[label].clear()
            statuses[label].clear()
        cpu = ctx.cpu_snapshot()
        outcome = await run_clients(
            work,
            clients=scale.search_clients,
            seconds=scale.search_seconds * 2,
            requests=scale.search_requests,
        )
        cpu_used = ctx.cpu_per_request(cpu, sum(outcome.statuses.values()))
    finally:
        await pool.aclose()
    found = {
        label: {
            "appointments": getattr(scale, f"history_{label}"),
            "statuses": dict(statuses[label]),
            "latency": latency_summary(latencies[label]),
        }
        for label in latencies
    }
    return {**found, "cpu_ms_per_request": cpu_used}


def _ratio(history: dict, key: str) -> float | None:
    low = history["light"]["latency"].get(key)
    return round(history["heavy"]["latency"][key] / low, 3) if low else None


def run_search(ctx: Context) -> dict:
    clinic = asyncio.run(_search(ctx, ctx.demo_doctors, seed=1))
    history = asyncio.run(_history(ctx))
    return {
        "clients": ctx.scale.search_clients,
        "range_days": 7,
        "clinic": clinic,
        "history": {
            **history,
            "p50_ratio": _ratio(history, "p50_ms"),
            "p95_ratio": _ratio(history, "p95_ms"),
        },
    }
