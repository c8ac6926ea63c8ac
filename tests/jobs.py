"""Running queued background jobs inside a test, the way a worker does."""

from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_ready_jobs() -> int:
    """Run every job that is due now; fail the test if one of them failed."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().get_locked()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).first()
    assert failed is None, failed.traceback
    return ran
