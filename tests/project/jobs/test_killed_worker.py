"""A worker process killed mid-job loses nothing: the next worker reruns the job.

Real ``manage.py run_worker`` processes run against the test database, with a
one-second heartbeat and a three-second stale time. The job blocks until the
test releases it and logs every start and finish, so the test sees how many
times it ran and in which process.
"""

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from project.jobs.models import WorkerHeartbeat
from tests.project.jobs.tasks import block_until_released

ROOT = Path(__file__).resolve().parents[3]
BOOT_SECONDS = 40  # a cold Django + torch import on a busy machine


class WorkerDatabase:
    """How worker processes reach the test database, and reading it back."""

    def __init__(self, tmp_path: Path) -> None:
        self.env = {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "SECRET_KEY": "worker-test-secret-key-0123456789-abcdefghijklmnopqrstuvw",
            "DATA_DIR": str(tmp_path / "data"),
            "LOG_FORMAT": "plain",
            "WORKER_HEARTBEAT_SECONDS": "1",
            "WORKER_STALE_AFTER_SECONDS": "3",
        }

    def job(self, job_id: str) -> tuple[str, list[str]]:
        row = DBTaskResult.objects.get(pk=job_id)
        return row.status, row.worker_ids

    def heartbeats(self) -> list[str]:
        return list(WorkerHeartbeat.objects.values_list("worker_id", flat=True))


class PostgresDatabase(WorkerDatabase):
    def __init__(self, tmp_path: Path) -> None:
        super().__init__(tmp_path)
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        self.env["DATABASE_URL"] = (
            f"postgres://{db['USER'] or 'postgres'}{password}@"
            f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )


class SqliteFileDatabase(WorkerDatabase):
    """The in-memory test database copied to the file the workers open."""

    def __init__(self, tmp_path: Path) -> None:
        super().__init__(tmp_path)
        (tmp_path / "data").mkdir()
        self.path = tmp_path / "data" / "clinic.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(self.path) as target:
            connection.connection.backup(target)

    def _read(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(self.path) as db:
            return db.execute(sql, params).fetchall()

    def job(self, job_id: str) -> tuple[str, list[str]]:
        [(status, worker_ids)] = self._read(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
            " WHERE id = ?",
            job_id.replace("-", ""),
        )
        return status, json.loads(worker_ids)

    def heartbeats(self) -> list[str]:
        return [
            row[0] for row in self._read("SELECT worker_id FROM jobs_workerheartbeat")
        ]


def start_worker(db: WorkerDatabase, worker_id: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
            "--worker-id",
            worker_id,
        ],
        cwd=ROOT,
        env=db.env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def wait_for(check: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def runs(folder: Path) -> list[str]:
    log = folder / "runs.log"
    return log.read_text().split("\n")[:-1] if log.exists() else []


def kill_a_worker_mid_job_and_recover(
    database: Callable[[Path], WorkerDatabase], tmp_path: Path
) -> None:
    folder = tmp_path / "job"
    folder.mkdir()
    job_id = block_until_released.enqueue(str(folder)).id
    db = database(tmp_path)
    workers: list[subprocess.Popen] = []
    try:
        first = start_worker(db, "worker-a", tmp_path / "worker-a.log")
        workers.append(first)
        wait_for(lambda: len(runs(folder)) == 1, seconds=BOOT_SECONDS, what="a start")
        assert db.job(job_id) == (TaskResultStatus.RUNNING, ["worker-a"])

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        second = start_worker(db, "worker-b", tmp_path / "worker-b.log")
        workers.append(second)
        wait_for(lambda: len(runs(folder)) == 2, seconds=BOOT_SECONDS, what="a rerun")
        assert db.job(job_id) == (TaskResultStatus.RUNNING, ["worker-a", "worker-b"])

        # A graceful stop lets the running job finish.
        second.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        (folder / "release").touch()
        assert second.wait(timeout=20) == 0
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()

    logs = "".join(p.read_text() for p in sorted(tmp_path.glob("worker-*.log")))
    assert db.job(job_id) == (
        TaskResultStatus.SUCCESSFUL,
        ["worker-a", "worker-b"],
    ), logs
    [start_a, start_b, done_b] = runs(folder)
    assert start_a == f"start {first.pid}"
    assert start_b == f"start {second.pid}"
    assert done_b == f"done {second.pid}"
    assert "lost job requeued" in logs
    assert db.heartbeats() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_of_a_killed_worker_runs_again_on_postgresql(tmp_path):
    kill_a_worker_mid_job_and_recover(PostgresDatabase, tmp_path)


@pytest.mark.django_db(transaction=True)
def test_a_job_of_a_killed_worker_runs_again_on_sqlite(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the suite runs on PostgreSQL; the SQLite pass covers this")
    kill_a_worker_mid_job_and_recover(SqliteFileDatabase, tmp_path)
