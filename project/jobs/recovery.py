"""Finding jobs whose worker died, and putting them back in the queue.

A job is lost when it is ``RUNNING`` and the worker that claimed it (the last
id in its ``worker_ids``) has not beaten for ``stale_after``: its heartbeat row
is older than that, or there is no row and the job started longer ago than
that (a worker that never beat, such as a plain ``db_worker``). A lost job goes
back to ``READY`` and keeps its place in the queue. One that has already been
claimed ``max_attempts`` times is marked ``FAILED`` instead, so a job that
kills every worker running it (one that runs out of memory) cannot take the
workers down one after another for ever.

Each lost job is changed by one conditional UPDATE that matches the claim it
was seen with (status ``RUNNING`` and the same ``started_at``). The row lock
the UPDATE takes decides races as a whole: of two recoverers only one changes
the row, and a job that another worker claimed in between (a new
``started_at``) is left alone.
"""

import logging
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from project.jobs.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

REQUEUED = "requeued"
FAILED = "failed"


class WorkerLost(Exception):
    """The worker running the job stopped before the job finished."""


@dataclass(frozen=True)
class LostJob:
    id: str
    task_path: str
    worker_id: str
    started_at: datetime | None
    attempts: int


def lost_jobs_find(
    *,
    stale_after: timedelta,
    now: datetime | None = None,
    dead_worker_ids: Collection[str] = (),
) -> list[LostJob]:
    """Running jobs whose claiming worker is silent for ``stale_after``, or
    named in ``dead_worker_ids`` (a restarted worker's own previous life)."""
    cutoff = (now or timezone.now()) - stale_after
    running = list(
        DBTaskResult.objects.running().values_list(
            "id", "task_path", "worker_ids", "started_at"
        )
    )
    claimers = {worker_ids[-1] for _, _, worker_ids, _ in running if worker_ids}
    last_beat = dict(
        WorkerHeartbeat.objects.filter(worker_id__in=claimers).values_list(
            "worker_id", "beat_at"
        )
    )

    lost = []
    for job_id, task_path, worker_ids, started_at in running:
        claimer = worker_ids[-1] if worker_ids else ""
        if claimer in dead_worker_ids:
            silent = True
        elif claimer in last_beat:
            silent = last_beat[claimer] < cutoff
        else:
            silent = started_at is None or started_at < cutoff
        if silent:
            lost.append(
                LostJob(
                    id=str(job_id),
                    task_path=task_path,
                    worker_id=claimer,
                    started_at=started_at,
                    attempts=len(worker_ids),
                )
            )
    return lost


def lost_job_requeue(
    job: LostJob, *, max_attempts: int, now: datetime | None = None
) -> str | None:
    """Put the job back in the queue (or fail it after ``max_attempts`` claims);
    None when it is no longer the lost claim it was seen as."""
    now = now or timezone.now()
    same_claim = DBTaskResult.objects.filter(
        pk=job.id, status=TaskResultStatus.RUNNING, started_at=job.started_at
    )

    if job.attempts >= max_attempts:
        changed = same_claim.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=(
                f"WorkerLost: worker {job.worker_id} stopped while running the job; "
                f"given up after {job.attempts} attempts"
            ),
        )
        fate = FAILED
    else:
        changed = same_claim.update(status=TaskResultStatus.READY, started_at=None)
        fate = REQUEUED
    if not changed:
        return None

    log = logger.error if fate == FAILED else logger.warning
    log(
        "lost job %s job_id=%s task=%s worker_id=%s attempts=%s",
        fate,
        job.id,
        job.task_path,
        job.worker_id,
        job.attempts,
    )
    return fate


def lost_jobs_recover(
    *,
    stale_after: timedelta,
    max_attempts: int,
    dead_worker_ids: Collection[str] = (),
) -> Counter[str]:
    """Requeue (or fail) every lost job, then drop the heartbeats of dead
    workers; returns how many jobs met each fate."""
    now = timezone.now()
    fates: Counter[str] = Counter()
    for job in lost_jobs_find(
        stale_after=stale_after, now=now, dead_worker_ids=dead_worker_ids
    ):
        fate = lost_job_requeue(job, max_attempts=max_attempts, now=now)
        if fate is not None:
            fates[fate] += 1

    WorkerHeartbeat.objects.filter(beat_at__lt=now - stale_after).delete()
    return fates
