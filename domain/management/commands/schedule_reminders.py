"""Queue the periodic reminder sweep unless one is already waiting."""

from django.core.management.base import BaseCommand

from domain.notifications.tasks import sweep_schedule


class Command(BaseCommand):
    help = (
        "Queue the reminder sweep, which then re-queues itself every "
        "REMINDER_SWEEP_MINUTES. Safe to run on every deploy."
    )

    def handle(self, *args, **options):
        if sweep_schedule():
            self.stdout.write("Reminder sweep queued.")
        else:
            self.stdout.write("Reminder sweep already queued.")
