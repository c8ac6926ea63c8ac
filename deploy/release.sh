#!/bin/sh
# Runs once per release, before the new web processes take traffic (Railway's
# pre-deploy command; the `migrate` service in docker-compose.yml): apply
# migrations, then make sure the periodic reminder sweep and the nightly
# retraining of the forecasting models are queued.
set -eu
python manage.py migrate --noinput
python manage.py schedule_reminders
python manage.py schedule_forecasting
