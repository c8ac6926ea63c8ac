"""django-tasks-db's worker, with a heartbeat and recovery of lost jobs."""

import logging
import time
from datetime import timedelta
from typing import Any

from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from project.jobs.heartbeat import HeartbeatThread, heartbeat_beat, heartbeat_forget
from project.jobs.recovery import lost_jobs_recover

logger = logging.getLogger(__name__)


class RecoveringWorker(Worker):
    """Claims and runs jobs exactly as ``db_worker`` does, and also:

    - at start, requeues lost jobs, including any still marked as claimed by
      its own worker id (a restarted worker that kept its id);
    - beats every ``heartbeat_every`` seconds from a thread, job or no job;
    - every ``stale_after / 2`` requeues the jobs of workers silent for
      ``stale_after``;
    - on a clean stop (SIGTERM, SIGINT) finishes its job, then removes its
      heartbeat.
    """

    def __init__(
        self,
        *,
        heartbeat_every: float,
        stale_after: float,
        max_attempts: int,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.heartbeat_every = heartbeat_every
        self.stale_after = timedelta(seconds=stale_after)
        self.max_attempts = max_attempts
        self._recover_every = stale_after / 2
        self._recovered_at = 0.0

    def run(self) -> None:
        started_at = timezone.now()
        self.recover(dead_worker_ids=[self.worker_id])
        heartbeat_beat(self.worker_id, started_at=started_at)
        heartbeat = HeartbeatThread(
            self.worker_id,
            started_at=started_at,
            every=self.heartbeat_every,
            after_beat=self._recover_when_due,
        )
        heartbeat.start()
        try:
            super().run()
        finally:
            heartbeat.stop()
            close_old_connections()
            try:
                heartbeat_forget(self.worker_id)
            except Exception:
                # The row goes stale and another worker's recovery drops it.
                logger.warning("heartbeat not removed worker_id=%s", self.worker_id)
            logger.info("worker stopped worker_id=%s", self.worker_id)

    def recover(self, *, dead_worker_ids: list[str] | None = None) -> None:
        """Requeue lost jobs now."""
        self._recovered_at = time.monotonic()
        fates = lost_jobs_recover(
            stale_after=self.stale_after,
            max_attempts=self.max_attempts,
            dead_worker_ids=dead_worker_ids or (),
        )
        if fates:
            logger.warning(
                "lost jobs recovered worker_id=%s requeued=%s failed=%s",
                self.worker_id,
                fates["requeued"],
                fates["failed"],
            )

    def _recover_when_due(self) -> None:
        if time.monotonic() - self._recovered_at >= self._recover_every:
            self.recover()
