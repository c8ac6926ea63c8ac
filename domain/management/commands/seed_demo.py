"""Load the demo clinic: an admin, doctors, patients and two years of history.

Running it again does nothing when a demo clinic is already there; ``--reset``
deletes the demo rows and simulates a fresh clinic.
"""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from domain.demo import DemoConfig
from domain.selectors.demo import demo_clinic_exists
from domain.services.demo import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    DOCTOR_PASSWORD,
    PATIENT_PASSWORD,
    demo_clinic_delete,
    demo_clinic_seed,
)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Load a simulated demo clinic (idempotent; --reset starts over)."

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = DemoConfig()
        parser.add_argument(
            "--doctors", type=_positive, default=defaults.doctors, help="default 10"
        )
        parser.add_argument(
            "--patients",
            type=_positive,
            default=None,
            help="default 150 per doctor",
        )
        parser.add_argument(
            "--days",
            type=_positive,
            default=defaults.days,
            help="days of history before today (default 730)",
        )
        parser.add_argument(
            "--seed", type=int, default=defaults.seed, help="random seed"
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the existing demo clinic first",
        )

    def handle(self, *args, **options) -> None:
        if options["reset"]:
            removed = demo_clinic_delete()
            self.stdout.write(f"Removed the demo clinic ({removed} accounts).")
        elif demo_clinic_exists():
            self.stdout.write("A demo clinic is already loaded; nothing to do.")
            self._print_credentials()
            return
        if options["patients"] is not None and options["patients"] < 40:
            raise CommandError("--patients must be at least 40.")
        config = DemoConfig(
            doctors=options["doctors"],
            patients=options["patients"],
            days=options["days"],
            seed=options["seed"],
        )
        started = time.monotonic()
        summary = demo_clinic_seed(
            config,
            on_doctor=lambda doctor, visits: self.stdout.write(
                f"  {doctor.username}: Dr. {doctor.first_name} {doctor.last_name},"
                f" {doctor.specialization}, {doctor.time_zone}: {visits} appointments"
            ),
        )
        elapsed = time.monotonic() - started
        statuses = ", ".join(
            f"{status} {count}"
            for status, count in sorted(summary.appointments.items())
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo clinic loaded in {elapsed:.1f}s: {summary.doctors} doctors, "
                f"{summary.patients} patients, {summary.windows} availability "
                f"windows, {sum(summary.appointments.values())} appointments "
                f"({statuses}), {summary.feedback} feedback; "
                f"{summary.turned_away} of {summary.requests} requests found "
                "no free slot."
            )
        )
        if not summary.admin_created:
            self.stdout.write(
                f"An account named {ADMIN_USERNAME!r} already existed; it was kept."
            )
        self._print_credentials()

    def _print_credentials(self) -> None:
        self.stdout.write(
            "Sign in with (demo data only):\n"
            f"  admin:    {ADMIN_USERNAME} / {ADMIN_PASSWORD}\n"
            f"  doctors:  doctor1, doctor2, ... / {DOCTOR_PASSWORD}\n"
            f"  patients: patient1, patient2, ... / {PATIENT_PASSWORD}"
        )
