"""Two uvicorn processes on loopback, sharing one database and one Redis.

They run the production settings (no debug, JSON logs) with rate limits off,
like two web replicas behind a load balancer; the benchmark's clients spread
their requests over both.
"""

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = 60


class Servers:
    """Start, stop and restart the app servers, one per port."""

    def __init__(self, ports: list[int], env: dict[str, str], log_dir: Path) -> None:
        self.ports = ports
        self.env = env
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def start(self, **extra_env: str) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env, **extra_env}
        for port in self.ports:
            log = (self.log_dir / f"server-{port}.log").open("ab")
            self.processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "uvicorn",
                        "project.asgi:application",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--no-access-log",
                        # Like a load balancer's idle timeout: longer than any
                        # pause between a client's requests, so no connection
                        # is closed just as a client reuses it.
                        "--timeout-keep-alive",
                        "75",
                        "--lifespan",
                        "off",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        for url in self.urls:
            self._wait_ready(url, deadline)

    def _wait_ready(self, url: str, deadline: float) -> None:
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                raise RuntimeError(f"an app server exited; see {self.log_dir}")
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{url} did not become ready in time")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []

    def restart(self, **extra_env: str) -> None:
        self.stop()
        self.start(**extra_env)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (0 once it has exited)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    # After the command name: state is field 3, utime 14 and stime 15 (1-based).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds spent by the app servers, the database's backends serving the
    benchmark's database, and this (the load-generating) process.

    A machine shared with other work stretches wall-clock latencies, while the
    CPU a request costs stays about the same, so each scenario reports both.
    """

    def __init__(self, servers: Servers, database_url: str) -> None:
        self.servers = servers
        self.database_url = database_url

    def _backends(self) -> list[int]:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        name = conninfo_to_dict(self.database_url)["dbname"]
        with psycopg.connect(
            make_conninfo(self.database_url, dbname="postgres"), autocommit=True
        ) as admin:
            rows = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]
            ).fetchall()
        return [pid for (pid,) in rows]

    def snapshot(self) -> dict[str, float]:
        return {
            "app": sum(_cpu_seconds(p.pid) for p in self.servers.processes),
            "postgres": sum(_cpu_seconds(pid) for pid in self._backends()),
            "client": time.process_time(),
        }

    @staticmethod
    def per_request(before: dict, after: dict, requests: int) -> dict:
        """CPU milliseconds per request, by party, between two snapshots."""
        if not requests:
            return {}
        return {
            party: round((after[party] - before[party]) * 1000 / requests, 2)
            for party in before
        }
