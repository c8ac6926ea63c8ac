"""Time the admin dashboard against the current database.

The page is requested in-process through Django's test client, signed in as an
admin, so the number covers middleware, every selector and the template, but
not the network or the browser. One untimed request warms template and
connection caches first. The machine's load average is printed with the
timings, because on a shared machine it moves them more than anything else.
"""

import os
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


class Command(BaseCommand):
    help = "Render the admin dashboard several times and print the median time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=7, help="timed requests")
        parser.add_argument(
            "--query", default="", help="dashboard filters, e.g. 'doctor=3'"
        )
        parser.add_argument(
            "--admin", default="admin", help="username of an admin (default: admin)"
        )
        parser.add_argument(
            "--slowest",
            type=int,
            default=0,
            help="also list this many of the slowest SQL statements of one request",
        )

    def handle(self, *args, runs: int, query: str, admin: str, slowest: int, **_):
        user = get_user_model().objects.filter(username=admin).first()
        if user is None:
            raise CommandError(f"No user named {admin!r}; pass --admin.")
        client = Client()
        client.force_login(user)
        url = reverse("admin:index") + (f"?{query}" if query else "")

        self._get(client, url)
        with CaptureQueriesContext(connection) as captured:
            self._get(client, url)
        # Every request resets the connection's query log: copy it now.
        queries = list(captured.captured_queries)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            self._get(client, url)
            timings.append(time.perf_counter() - started)

        sql_seconds = sum(float(entry["time"]) for entry in queries)
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        self.stdout.write(
            f"{connection.vendor} {url}: median {statistics.median(timings):.3f} s, "
            f"best {min(timings):.3f} s, worst {max(timings):.3f} s over {runs} "
            f"requests; {len(queries)} queries taking {sql_seconds:.3f} s of one "
            f"request; load average {load} on {os.cpu_count()} CPUs"
        )
        for entry in sorted(queries, key=lambda q: -float(q["time"]))[:slowest]:
            self.stdout.write(f"  {float(entry['time']):.3f} s  {entry['sql'][:240]}")

    @staticmethod
    def _get(client: Client, url: str) -> None:
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}.")
