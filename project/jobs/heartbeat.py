"""A worker's heartbeat: its ``WorkerHeartbeat`` row and the thread that keeps
the row fresh while the worker's main thread runs jobs."""

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime

from django.db import close_old_connections, connections
from django.utils import timezone

from project.jobs.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def heartbeat_beat(worker_id: str, *, started_at: datetime) -> None:
    """Record that the worker is alive now, creating its row if it has none."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": now},
        create_defaults={
            "beat_at": now,
            "started_at": started_at,
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


def heartbeat_forget(worker_id: str) -> None:
    """Remove the worker's row: it stopped cleanly and holds no job."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


class HeartbeatThread(threading.Thread):
    """Beats every ``every`` seconds, then calls ``after_beat``.

    It runs beside the job, on its own database connection, so a long job
    does not make its worker look dead. A failed beat (database away) is
    logged and tried again at the next one.
    """

    def __init__(
        self,
        worker_id: str,
        *,
        started_at: datetime,
        every: float,
        after_beat: Callable[[], object] = lambda: None,
    ) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = started_at
        self.every = every
        self.after_beat = after_beat
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self._stopped.wait(self.every):
                self._tick()
        finally:
            connections.close_all()

    def stop(self) -> None:
        """Stop beating and wait for a beat in progress to finish."""
        self._stopped.set()
        self.join()

    def _tick(self) -> None:
        close_old_connections()
        try:
            heartbeat_beat(self.worker_id, started_at=self.started_at)
        except Exception:
            logger.warning(
                "heartbeat failed worker_id=%s", self.worker_id, exc_info=True
            )
            return
        try:
            self.after_beat()
        except Exception:
            logger.exception("after-beat chore failed worker_id=%s", self.worker_id)
