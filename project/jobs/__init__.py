"""Running background jobs so that a killed worker loses none of them.

django-tasks-db claims a job by marking it ``RUNNING`` and never looks at it
again, so a worker killed mid-job (OOM, host loss, a deploy's hard kill) would
leave it there for good. Workers started with ``manage.py run_worker`` record a
heartbeat (``heartbeat``), and every such worker puts the jobs of workers whose
heartbeat stopped back in the queue (``recovery``).
"""
