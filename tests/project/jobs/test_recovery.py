"""Which jobs count as lost, and putting them back in the queue once."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from project.jobs.models import WorkerHeartbeat
from project.jobs.recovery import (
    FAILED,
    REQUEUED,
    lost_job_requeue,
    lost_jobs_find,
    lost_jobs_recover,
)
from tests.project.jobs.tasks import echo

STALE = timedelta(seconds=60)


def beat(worker_id: str, *, ago: timedelta = timedelta(0)) -> None:
    at = timezone.now() - ago
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": at, "started_at": at, "host": "test", "pid": 1},
    )


def running_job(*claimers: str, started_ago: timedelta = timedelta(0)) -> DBTaskResult:
    """A job claimed by each worker in turn, the last one still running it."""
    job = DBTaskResult.objects.get(pk=echo.enqueue("hello").id)
    for worker_id in claimers:
        job.claim(worker_id)
    DBTaskResult.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - started_ago
    )
    job.refresh_from_db()
    return job


def recover(**options) -> dict:
    options = {"stale_after": STALE, "max_attempts": 3, **options}
    return dict(lost_jobs_recover(**options))


@pytest.mark.django_db
def test_a_job_whose_worker_stopped_beating_goes_back_to_the_queue():
    beat("dead", ago=timedelta(seconds=61))
    job = running_job("dead")

    assert recover() == {REQUEUED: 1}

    job.refresh_from_db()
    assert job.status == TaskResultStatus.READY
    assert job.started_at is None
    assert job.worker_ids == ["dead"]
    # The dead worker's heartbeat is dropped with it.
    assert not WorkerHeartbeat.objects.filter(worker_id="dead").exists()


@pytest.mark.django_db
def test_a_job_whose_worker_still_beats_is_left_running():
    beat("alive", ago=timedelta(seconds=59))
    job = running_job("alive", started_ago=timedelta(hours=2))

    assert recover() == {}

    job.refresh_from_db()
    assert job.status == TaskResultStatus.RUNNING
    assert WorkerHeartbeat.objects.filter(worker_id="alive").exists()


@pytest.mark.django_db
def test_only_the_last_claimer_decides():
    beat("first", ago=timedelta(hours=1))
    beat("second")
    job = running_job("first", "second")

    assert recover() == {}
    assert DBTaskResult.objects.get(pk=job.pk).status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_finished_and_waiting_jobs_of_a_dead_worker_are_untouched():
    beat("dead", ago=timedelta(hours=1))
    done = running_job("dead")
    done.set_successful("ok")
    failed = running_job("dead")
    failed.set_failed(ValueError("boom"))
    waiting = DBTaskResult.objects.get(pk=echo.enqueue("later").id)

    assert recover() == {}

    assert DBTaskResult.objects.get(pk=done.pk).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(pk=failed.pk).status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.get(pk=waiting.pk).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=done.pk).worker_ids == ["dead"]


@pytest.mark.django_db
def test_a_worker_without_heartbeat_loses_its_job_only_after_the_stale_time():
    recent = running_job("plain-db-worker", started_ago=timedelta(seconds=30))
    old = running_job("plain-db-worker", started_ago=timedelta(seconds=90))

    found = lost_jobs_find(stale_after=STALE)

    assert [job.id for job in found] == [str(old.pk)]
    assert recover() == {REQUEUED: 1}
    assert DBTaskResult.objects.get(pk=recent.pk).status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_restarted_worker_takes_back_the_jobs_held_under_its_own_id():
    beat("pod-1")
    job = running_job("pod-1")

    assert recover(dead_worker_ids=["pod-1"]) == {REQUEUED: 1}
    assert DBTaskResult.objects.get(pk=job.pk).status == TaskResultStatus.READY


@pytest.mark.django_db
def test_a_job_lost_on_its_last_attempt_is_failed_not_requeued():
    beat("w3", ago=timedelta(hours=1))
    job = running_job("w1", "w2", "w3")

    assert recover(max_attempts=3) == {FAILED: 1}

    job.refresh_from_db()
    assert job.status == TaskResultStatus.FAILED
    assert job.finished_at is not None
    assert job.exception_class_path == "project.jobs.recovery.WorkerLost"
    assert "w3" in job.traceback
    [error] = job.task_result.errors
    assert error.exception_class.__name__ == "WorkerLost"


@pytest.mark.django_db
def test_a_job_claimed_again_after_it_was_found_is_left_to_its_new_worker():
    beat("dead", ago=timedelta(hours=1))
    running_job("dead")
    [lost] = lost_jobs_find(stale_after=STALE)
    # Another recoverer requeues it and a live worker claims it meanwhile.
    assert lost_job_requeue(lost, max_attempts=3) == REQUEUED
    job = DBTaskResult.objects.get(pk=lost.id)
    job.claim("alive")

    assert lost_job_requeue(lost, max_attempts=3) is None

    job.refresh_from_db()
    assert job.status == TaskResultStatus.RUNNING
    assert job.worker_ids == ["dead", "alive"]


@pytest.mark.django_db
def test_a_job_that_finished_after_it_was_found_stays_finished():
    beat("slow", ago=timedelta(hours=1))
    job = running_job("slow")
    [lost] = lost_jobs_find(stale_after=STALE)
    job.set_successful("late but done")

    assert lost_job_requeue(lost, max_attempts=3) is None
    assert DBTaskResult.objects.get(pk=job.pk).status == TaskResultStatus.SUCCESSFUL


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_recoverers_racing_requeue_each_lost_job_once():
    beat("dead", ago=timedelta(hours=1))
    jobs = [running_job("dead") for _ in range(30)]
    racers = 4
    start = threading.Barrier(racers)
    counts: list[int] = []

    def race() -> None:
        try:
            found = lost_jobs_find(stale_after=STALE)
            start.wait(timeout=10)
            counts.append(
                sum(lost_job_requeue(job, max_attempts=3) == REQUEUED for job in found)
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # Every racer saw all 30 jobs as lost; together they requeued each once.
    assert len(counts) == racers
    assert sum(counts) == len(jobs)
    assert set(
        DBTaskResult.objects.filter(pk__in=[job.pk for job in jobs]).values_list(
            "status", flat=True
        )
    ) == {TaskResultStatus.READY}
