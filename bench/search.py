"""Slot search: ``GET /api/v1/doctors/{id}/slots`` over 7-day ranges.

First across the demo clinic's doctors, then for two doctors with the same
week and rules whose history differs a hundredfold (1k vs 100k appointments):
the selector reads only the asked-for days, so history should not show.
"""

import asyncio
import random
from datetime import date, timedelta

from bench.context import Context
from bench.load import Pool, run_clients


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


def _ratio(heavy: dict, light: dict, key: str) -> float | None:
    low = light["latency"].get(key)
    return round(heavy["latency"][key] / low, 3) if low else None


def run_search(ctx: Context) -> dict:
    clinic = asyncio.run(_search(ctx, ctx.demo_doctors, seed=1))
    light = asyncio.run(_search(ctx, [ctx.history_doctors["light"]], seed=2))
    heavy = asyncio.run(_search(ctx, [ctx.history_doctors["heavy"]], seed=2))
    return {
        "clients": ctx.scale.search_clients,
        "range_days": 7,
        "clinic": clinic,
        "history": {
            "light_appointments": ctx.scale.history_light,
            "heavy_appointments": ctx.scale.history_heavy,
            "light": light,
            "heavy": heavy,
            "p50_ratio": _ratio(heavy, light, "p50_ms"),
            "p95_ratio": _ratio(heavy, light, "p95_ms"),
        },
    }
