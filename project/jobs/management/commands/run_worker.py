"""``manage.py run_worker``: the background worker to run in every deployment.

It takes ``db_worker``'s options and runs the same worker, with a heartbeat and
recovery of jobs left behind by killed workers (``project.jobs``). Timings come
from the settings ``WORKER_HEARTBEAT_SECONDS``, ``WORKER_STALE_AFTER_SECONDS``
and ``WORKER_MAX_ATTEMPTS``.
"""

import os
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from project.jobs.worker import RecoveringWorker


class Command(db_worker.Command):
    help = (
        "Run a database background worker that records a heartbeat and requeues "
        "the jobs of workers that died"
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        exclude_queues: str,
        reload: bool,
        batch: bool,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")

        worker = RecoveringWorker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            heartbeat_every=settings.WORKER_HEARTBEAT_SECONDS,
            stale_after=settings.WORKER_STALE_AFTER_SECONDS,
            max_attempts=settings.WORKER_MAX_ATTEMPTS,
        )

        if reload and not batch:
            # The reloader runs the worker in a child process; only the child
            # handles the stop signals.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
