"""Import a clinic's past appointments from a CSV file, all or nothing."""

import csv
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from domain.services.imports import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    ImportRejected,
    appointment_history_import,
)


class Command(BaseCommand):
    help = (
        "Import appointments from a CSV with columns "
        + ", ".join(REQUIRED_COLUMNS)
        + " and optionally "
        + ", ".join(OPTIONAL_COLUMNS)
        + ". Instants are ISO 8601 with an offset. Any bad row rejects the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="validate only, write nothing"
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="hide the progress bar"
        )

    def handle(self, *args, file: Path, dry_run: bool, no_progress: bool, **options):
        started = time.perf_counter()
        try:
            handle = file.open(newline="", encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        with (
            handle,
            tqdm(desc="rows", unit="row", disable=no_progress, file=sys.stderr) as bar,
        ):
            reader = csv.DictReader(handle)
            missing = [
                c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])
            ]
            if missing:
                raise CommandError(f"missing column(s): {', '.join(missing)}")
            # Line numbers count the header as line 1, as a spreadsheet shows them.
            records = ((reader.line_num, row) for row in reader)
            try:
                report = appointment_history_import(
                    records, dry_run=dry_run, progress=bar.update
                )
            except ImportRejected as exc:
                for line, error in exc.errors:
                    self.stderr.write(f"line {line}: {error}" if line else error)
                if exc.total > len(exc.errors):
                    self.stderr.write(f"... and {exc.total - len(exc.errors)} more")
                raise CommandError(exc.detail) from exc

        seconds = time.perf_counter() - started
        verb = "would import" if dry_run else "imported"
        statuses = ", ".join(f"{k}={v}" for k, v in sorted(report.by_status.items()))
        self.stdout.write(
            f"{verb} {report.rows} appointments ({statuses}); new doctors: "
            f"{report.new_doctors}, new patients: {report.new_patients}; "
            f"{seconds:.1f}s"
        )
