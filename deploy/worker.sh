#!/bin/sh
# The background worker: runs queued jobs (e-mails, offer expiry, reminders,
# model training).
set -eu
exec python manage.py db_worker --no-reload "$@"
