#!/bin/sh
# The background worker: runs queued jobs (e-mails, offer expiry, reminders,
# model training), beats a heartbeat, and requeues the jobs of workers that
# were killed. SIGTERM lets the running job finish; give the container a stop
# grace period longer than the longest job (model training).
set -eu
exec python manage.py run_worker --no-reload "$@"
