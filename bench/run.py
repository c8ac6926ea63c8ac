"""``python -m bench``: load the clinic, start two servers, run every scenario.

Writes one JSON file (``bench/results/latest.json`` by default) and prints a
short table of the figures the goals are about. See bench/README.md.
"""

import argparse
import json
import logging
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

logger = logging.getLogger("bench")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run at a tiny scale (a few doctors, seconds per scenario)",
    )
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/clinic_bench",
        help="the benchmark's own database; it is dropped and re-created",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument(
        "--prefix",
        default="bench",
        help="channel-layer and cache key prefix; its keys are deleted first",
    )
    parser.add_argument("--ports", default="8101,8102", help="one server per port")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated scenarios to run (default: all): "
        "forecaster,fanout,contention,throughput,search",
    )
    return parser.parse_args(argv)


def _environment(args: argparse.Namespace) -> dict[str, str]:
    """Production settings for the servers and this process, limits off."""
    return {
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CHANNEL_PREFIX": args.prefix,
        "RATELIMIT_ENABLE": "0",
        "DJANGO_DEBUG": "0",
        # Both servers and this process sign and check the same tokens.
        "SECRET_KEY": "bench-only-secret-key-not-for-any-deployment-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "JWT_ACCESS_MINUTES": "180",
        "DATA_DIR": str(RESULTS / "data"),
        "LOG_FORMAT": "json",
    }


def _clear_redis(url: str, prefix: str) -> int:
    """Delete the keys under the benchmark's prefix (groups left by a past run)."""
    import redis

    client = redis.Redis.from_url(url)
    removed = 0
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        removed += client.delete(key)
    client.close()
    return removed


def _git_commit() -> str:
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.strip()


def _attempt(results: dict, name: str, scenario: Callable[[], dict]) -> None:
    """Run one scenario; a failure is recorded and the others still run."""
    print(f"[bench] {name} ...", flush=True)
    began = time.perf_counter()
    try:
        results[name] = scenario()
    except Exception as exc:
        logger.exception("scenario %s failed", name)
        results[name] = {"error": f"{exc.__class__.__name__}: {exc}"}
        traceback.print_exc()
    results[name]["wall_seconds"] = round(time.perf_counter() - began, 1)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    load_start = os.getloadavg()
    began = time.perf_counter()
    environment = _environment(args)
    os.environ.update(environment)
    logging.basicConfig(level=logging.WARNING)

    import django

    django.setup()
    # The project's logging config says INFO; the load tool's own per-request
    # lines would drown the table.
    logging.getLogger("httpx").setLevel(logging.WARNING)

    from bench import booking, clinic, fanout, forecaster, search
    from bench.context import QUICK, Context, Scale
    from bench.report import goals, print_table
    from bench.servers import CpuMeter, Servers

    scale = QUICK if args.quick else Scale()
    only = {name for name in args.only.split(",") if name}

    def wanted(name: str) -> bool:
        return not only or name in only

    report: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "command": " ".join(["python -m bench", *(argv or sys.argv[1:])]),
        "mode": "quick" if args.quick else "full",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg_start": [round(x, 2) for x in load_start],
        },
        "scale": asdict(scale),
        "rate_limits": "off (RATELIMIT_ENABLE=0)",
    }
    print("[bench] preparing the database ...", flush=True)
    _clear_redis(args.redis_url, args.prefix)
    report["setup"] = {
        "database": clinic.prepare_database(
            args.database_url,
            clinic.SeedScale(doctors=scale.doctors, days=scale.history_days),
        )
    }
    ctx = Context(scale=scale, urls=[], tokens=[], slots=[])
    results: dict = {}
    if wanted("forecaster"):
        _attempt(results, "forecaster", lambda: forecaster.run_forecaster(ctx))

    fixtures_began = time.perf_counter()
    patients = clinic.create_patients(scale.patients)
    ctx.tokens = clinic.access_tokens(patients)
    ctx.history_doctors = clinic.create_history_doctors(
        light=scale.history_light,
        heavy=scale.history_heavy,
        patient_ids=[patient.pk for patient in patients[:200]],
    )
    ctx.demo_doctors = clinic.demo_doctor_ids()
    ctx.slots = clinic.free_slots(ctx.demo_doctors, days=26)
    report["setup"]["fixtures"] = {
        "patients": len(patients),
        "free_slots_days_2_to_28": len(ctx.slots),
        "seconds": round(time.perf_counter() - fixtures_began, 1),
    }

    ports = [int(port) for port in args.ports.split(",")]
    servers = Servers(ports, environment, RESULTS / "logs")
    ctx.urls = servers.urls
    ctx.cpu = CpuMeter(servers, args.database_url)
    try:
        layer = "pubsub"
        if wanted("fanout"):
            # The layers take turns, so a burst of load from other work on the
            # machine falls on both rather than on one; the default goes last,
            # so when it wins no restart is needed.
            rounds: dict[str, list] = {"core": [], "pubsub": []}
            per_round = max(1, scale.fanout_bookings // scale.fanout_rounds)
            for _ in range(scale.fanout_rounds):
                for layer in rounds:
                    servers.restart(CHANNEL_LAYER=layer)
                    found: dict = {}
                    _attempt(
                        found,
                        f"fan-out {layer}",
                        lambda: fanout.run_fanout(ctx, bookings=per_round),
                    )
                    rounds[layer].append(found[f"fan-out {layer}"])
            layers = {}
            for name, parts in rounds.items():
                failed = [part for part in parts if "error" in part]
                layers[name] = failed[0] if failed else fanout.combine(parts)
            chosen = _better_layer(layers)
            results["fanout"] = {"layers": layers, "chosen": chosen}
            if chosen != layer:
                layer = chosen
                servers.restart(CHANNEL_LAYER=layer)
        else:
            servers.start(CHANNEL_LAYER=layer)
        report["servers"] = {"ports": ports, "channel_layer": layer}
        if wanted("contention"):
            _attempt(results, "contention", lambda: booking.run_contention(ctx))
        if wanted("throughput"):
            _attempt(results, "throughput", lambda: booking.run_throughput(ctx))
        if wanted("search"):
            _attempt(results, "search", lambda: search.run_search(ctx))
    finally:
        servers.stop()

    report["overlaps_at_end"] = booking.overlapping_active_appointments()
    report["scenarios"] = results
    report["goals"] = goals(report)
    report["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    report["total_seconds"] = round(time.perf_counter() - began, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    print(f"[bench] wrote {args.output}", flush=True)
    return 0


def _better_layer(layers: dict) -> str:
    """No lost messages first, then the lower p95 delivery time."""

    def rank(name: str) -> tuple:
        found = layers.get(name, {})
        delivery = found.get("delivery", {})
        return (
            "error" in found,
            found.get("messages_lost", 1) > 0,
            delivery.get("p95_ms", float("inf")),
        )

    return min(layers, key=rank)
