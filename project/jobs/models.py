from django.db import models


class WorkerHeartbeat(models.Model):
    """The last sign of life of one running worker process.

    A worker writes its row at start, every ``WORKER_HEARTBEAT_SECONDS`` while
    it runs, and deletes it when it stops cleanly. A row older than
    ``WORKER_STALE_AFTER_SECONDS`` belongs to a worker that died.
    """

    # django-tasks-db caps worker ids at 64 characters.
    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["worker_id"]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
