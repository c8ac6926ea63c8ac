"""The recovering worker in this process: startup recovery and the heartbeat."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from project.jobs.heartbeat import HeartbeatThread
from project.jobs.models import WorkerHeartbeat
from tests.project.jobs.tasks import echo


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_requeues_a_lost_job_and_runs_it():
    long_ago = timezone.now() - timedelta(hours=1)
    WorkerHeartbeat.objects.create(
        worker_id="dead", host="gone", pid=1, started_at=long_ago, beat_at=long_ago
    )
    job = DBTaskResult.objects.get(pk=echo.enqueue("again").id)
    job.claim("dead")

    call_command(
        "run_worker",
        "--batch",
        "--no-reload",
        "--no-startup-delay",
        "--worker-id",
        "batch-1",
        verbosity=0,
    )

    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.return_value == "again"
    assert job.worker_ids == ["dead", "batch-1"]
    # The dead worker's heartbeat is gone, and so is the stopped worker's.
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_goes_on_while_the_main_thread_is_busy():
    started = timezone.now()
    chores = []
    thread = HeartbeatThread(
        "busy-1",
        started_at=started,
        every=0.05,
        after_beat=lambda: chores.append(time.monotonic()),
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        # A CPU-bound loop, as in a training job: the thread still gets turns.
        while len(chores) < 3 and time.monotonic() < deadline:
            sum(range(1000))
    finally:
        thread.stop()

    row = WorkerHeartbeat.objects.get(worker_id="busy-1")
    assert len(chores) >= 3
    assert row.started_at == started
    assert row.beat_at > started
    assert not thread.is_alive()
    connections.close_all()
