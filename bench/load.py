"""Concurrent HTTP clients over httpx and asyncio, and latency summaries.

Each virtual client is a coroutine that sends one request at a time, as a
browser tab or an API client would; ``clients`` of them run at once. Every run
stops at whichever comes first: its time budget or its request count.
"""

import asyncio
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

# One request, by virtual client number and request number: returns the status.
Work = Callable[[int, int], Awaitable[int | str]]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of ``values`` (``share`` in 0..1)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def latency_summary(seconds: list[float]) -> dict:
    """Count, p50, p95, p99 and max in milliseconds."""
    if not seconds:
        return {"count": 0}
    return {
        "count": len(seconds),
        "p50_ms": round(percentile(seconds, 0.50) * 1000, 1),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 1),
        "p99_ms": round(percentile(seconds, 0.99) * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
    }


@dataclass
class Outcome:
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0

    def report(self) -> dict:
        requests = sum(self.statuses.values())
        return {
            "requests": requests,
            "seconds": round(self.elapsed, 2),
            "requests_per_second": round(requests / self.elapsed, 1)
            if self.elapsed
            else 0.0,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items(), key=str)},
            "latency": latency_summary(self.latencies),
        }


class Pool:
    """One keep-alive httpx client per server; virtual client i uses server i % n,
    as a round-robin load balancer would spread them."""

    def __init__(self, urls: list[str], *, connections: int) -> None:
        limits = httpx.Limits(
            max_connections=connections, max_keepalive_connections=connections
        )
        timeout = httpx.Timeout(30.0)
        self.clients = [
            httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout)
            for url in urls
        ]

    def client(self, number: int) -> httpx.AsyncClient:
        return self.clients[number % len(self.clients)]

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


async def run_clients(
    work: Work, *, clients: int, seconds: float, requests: int
) -> Outcome:
    """Run ``clients`` virtual clients until the time or request budget is spent."""
    outcome = Outcome()
    deadline = time.monotonic() + seconds
    issued = 0

    async def client_loop(number: int) -> None:
        nonlocal issued
        while issued < requests and time.monotonic() < deadline:
            sequence = issued
            issued += 1
            began = time.perf_counter()
            try:
                status = await work(number, sequence)
            except httpx.TransportError as exc:
                # A dropped or refused connection is an outcome, not a crash.
                status = f"transport {exc.__class__.__name__}"
            outcome.latencies.append(time.perf_counter() - began)
            outcome.statuses[status] += 1

    began = time.perf_counter()
    await asyncio.gather(*(client_loop(number) for number in range(clients)))
    outcome.elapsed = time.perf_counter() - began
    return outcome


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
