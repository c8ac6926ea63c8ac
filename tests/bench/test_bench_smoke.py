"""`python -m bench --quick` runs every scenario end to end on real services."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.timeout(240)]

SCENARIOS = {"forecaster", "fanout", "contention", "throughput", "search"}


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def _smoke_database_url() -> str:
    # The smoke run gets a database of its own next to the suite's.
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/") or "clinic"
    return urlunsplit(parts._replace(path=f"/{name}_benchsmoke"))


def test_quick_bench_runs_every_scenario_and_finds_no_overlap(tmp_path):
    output = tmp_path / "quick.json"
    ports = _free_ports(2)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--database-url",
            _smoke_database_url(),
            "--redis-url",
            os.environ["REDIS_URL"],
            "--prefix",
            f"benchsmoke{os.getpid()}",
            "--ports",
            ",".join(map(str, ports)),
            "--output",
            str(output),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=220,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads(output.read_text())

    scenarios = report["scenarios"]
    assert set(scenarios) == SCENARIOS
    assert not [name for name, part in scenarios.items() if "error" in part]
    races = scenarios["contention"]["races"]
    assert races["rounds"] == races["rounds_planned"]
    # No race has two winners, most have one; the database holds no overlap.
    winners = {int(k): v for k, v in races["rounds_by_winners"].items()}
    assert max(winners) == 1
    assert winners[1] >= races["rounds"] - 1
    assert scenarios["contention"]["overlaps_total"] == 0
    assert sum(report["overlaps_at_end"].values()) == 0
    assert scenarios["throughput"]["booking"]["statuses"].get("201", 0) > 0
    assert scenarios["search"]["history"]["p95_ratio"] is not None
    chosen = scenarios["fanout"]["chosen"]
    assert scenarios["fanout"]["layers"][chosen]["bookings"] > 0
    assert scenarios["forecaster"]["train_seconds"] > 0
    assert len(report["machine"]["loadavg_start"]) == 3
    assert {row["goal"] for row in report["goals"]} >= {
        "overlapping active appointments = 0"
    }
