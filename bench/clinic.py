"""The benchmark's database: the demo clinic, cached as a template, and fixtures.

Seeding 50 doctors x 2 years takes minutes, so the seeded database is kept as a
PostgreSQL template named after a digest of everything that shapes its rows
(migrations, the simulator, the scale and today's date: the simulator writes
history up to "now"). Each run clones the template with ``CREATE DATABASE ...
TEMPLATE``, a file copy that takes seconds, and then adds its own fixtures:
verified patients, and two doctors whose only difference is the size of their
history (for the slot-search history ratio).
"""

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
# Files whose change alters the seeded rows, besides every app's migrations.
SEED_SOURCES = ("domain/demo", "domain/services/demo.py")
BENCH_EMAIL_DOMAIN = "bench.clinic.example"


@dataclass(frozen=True)
class SeedScale:
    doctors: int
    days: int
    seed: int = 2026


def database_name(url: str) -> str:
    return conninfo_to_dict(url)["dbname"]


def _admin(url: str) -> psycopg.Connection:
    """An autocommit connection to the server's maintenance database."""
    return psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True)


def template_name(url: str, scale: SeedScale, today: date) -> str:
    digest = hashlib.sha256()
    migrations = sorted(
        path.relative_to(ROOT)
        for path in ROOT.glob("**/migrations")
        if ".venv" not in path.parts
    )
    for source in [*map(str, migrations), *SEED_SOURCES]:
        path = ROOT / source
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    digest.update(f"{scale}|{today.isoformat()}".encode())
    return f"{database_name(url)}_tpl_{digest.hexdigest()[:12]}"


def _exists(admin: psycopg.Connection, name: str) -> bool:
    row = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return row.fetchone() is not None


def _drop(admin: psycopg.Connection, name: str) -> None:
    # Only the benchmark's own databases are dropped, and their sessions (the
    # benchmark's own, left by a crashed run) ended first.
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
        [name],
    )
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def _clone(admin: psycopg.Connection, source: str, target: str) -> None:
    _drop(admin, target)
    admin.execute(
        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(target), sql.Identifier(source)
        )
    )


def _close_django_connections() -> None:
    from django.db import connections

    for connection in connections.all():
        connection.close()
        if hasattr(connection, "close_pool"):
            connection.close_pool()


def _migrate() -> None:
    """Apply migrations (a no-op when the clone is up to date); the servers'
    readiness probe refuses traffic while any is pending."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _seed(scale: SeedScale) -> dict:
    from domain.demo import DemoConfig
    from domain.services.demo import demo_clinic_seed

    _migrate()
    summary = demo_clinic_seed(
        DemoConfig(doctors=scale.doctors, days=scale.days, seed=scale.seed)
    )
    return {
        "doctors": summary.doctors,
        "patients": summary.patients,
        "appointments": sum(summary.appointments.values()),
    }


def prepare_database(url: str, scale: SeedScale) -> dict:
    """Make ``url``'s database a fresh copy of the seeded clinic; report how."""
    name = database_name(url)
    template = template_name(url, scale, date.today())
    started = time.perf_counter()
    with _admin(url) as admin:
        if _exists(admin, template):
            _clone(admin, template, name)
            _migrate()
            return {
                "source": "cached template",
                "template": template,
                "seconds": round(time.perf_counter() - started, 1),
            }
        _drop(admin, name)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    seeded = _seed(scale)
    _close_django_connections()
    with _admin(url) as admin:
        stale = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            [f"{name}_tpl_%"],
        ).fetchall()
        for (old,) in stale:
            _drop(admin, old)
        _clone(admin, name, template)
    return {
        "source": "seeded now (cached for later runs today)",
        "template": template,
        "seconds": round(time.perf_counter() - started, 1),
        **seeded,
    }


def drop_database(url: str) -> None:
    _close_django_connections()
    with _admin(url) as admin:
        _drop(admin, database_name(url))


def create_patients(count: int) -> list:
    """Verified patients with profiles, made directly (no password to hash)."""
    from domain.models import PatientProfile, Role, User

    users = [
        User(
            username=f"bench-patient-{i}",
            email=f"bench-patient-{i}@{BENCH_EMAIL_DOMAIN}",
            role=Role.PATIENT,
            email_verified=True,
            password="!bench",  # unusable: they sign in by minted token only
        )
        for i in range(count)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    users = list(
        User.objects.filter(email__endswith=f"@{BENCH_EMAIL_DOMAIN}", role=Role.PATIENT)
        .order_by("username")
        .only("id", "username")
    )
    PatientProfile.objects.bulk_create(
        [PatientProfile(user=user, date_of_birth=date(1990, 1, 1)) for user in users],
        batch_size=1000,
    )
    return users


def access_tokens(users: list) -> list[str]:
    """A JWT access token per user, as ``POST auth/token/pair`` would give."""
    from ninja_jwt.tokens import AccessToken

    return [str(AccessToken.for_user(user)) for user in users]


def _history_doctor(name: str):
    from domain.models import DoctorProfile, Role, Specialization, User, WeeklyHours

    user = User.objects.create(
        username=name,
        email=f"{name}@{BENCH_EMAIL_DOMAIN}",
        role=Role.DOCTOR,
        email_verified=True,
        password="!bench",
    )
    specialization, _ = Specialization.objects.get_or_create(
        name="General Practice", defaults={"category": "Medical"}
    )
    doctor = DoctorProfile.objects.create(
        user=user,
        specialization=specialization,
        license_number=f"BENCH-{name}",
        time_zone="Europe/London",
        slot_minutes=30,
        min_notice_minutes=60,
        booking_horizon_days=60,
        max_patients_per_day=16,
    )
    WeeklyHours.objects.bulk_create(
        [
            WeeklyHours(
                doctor=doctor,
                weekday=weekday,
                start_time=datetime.strptime(start, "%H:%M").time(),
                end_time=datetime.strptime(end, "%H:%M").time(),
            )
            for weekday in range(5)
            for start, end in (("09:00", "12:30"), ("13:30", "17:00"))
        ]
    )
    return doctor


def _insert_history(doctor_id: int, patient_ids: list, count: int) -> None:
    """``count`` closed appointments in the past, newest ending yesterday.

    One INSERT ... SELECT over generate_series: 100,000 rows take seconds where
    the ORM would take minutes. Statuses are closed ones (completed, no-show,
    cancelled), as history is, so no active-overlap constraint is involved.
    """
    from django.db import connection

    from domain.models import Appointment

    table = Appointment._meta.db_table
    # Spread the rows over about 1,040 days whatever their number, 15 minutes
    # apart at the densest, so both doctors' history covers the same span.
    step_minutes = max(15, (1040 * 24 * 60) // count)
    statement = f"""
        INSERT INTO {table} (
            id, patient_id, doctor_id, start, "end", reason, status, booked_at,
            reminder_sent, cancellation_reason, sequence, created_at, updated_at
        )
        SELECT
            gen_random_uuid(),
            (%(patients)s::uuid[])[1 + g %% cardinality(%(patients)s::uuid[])],
            %(doctor)s,
            s, s + interval '15 minutes', '',
            (ARRAY['completed', 'completed', 'completed', 'no_show',
                   'cancelled'])[1 + g %% 5],
            s - interval '3 days', true, '', 0, now(), now()
        FROM generate_series(1, %(count)s) AS g,
             LATERAL (SELECT date_trunc('day', now()) - interval '1 day'
                      - g * %(step)s * interval '1 minute' AS s) AS t
    """
    with connection.cursor() as cursor:
        cursor.execute(
            statement,
            {
                "patients": [str(pk) for pk in patient_ids],
                "doctor": doctor_id,
                "count": count,
                "step": step_minutes,
            },
        )


def create_history_doctors(
    *, light: int, heavy: int, patient_ids: list
) -> dict[str, int]:
    """Two doctors with the same rules and week, one with far more history."""
    found = {}
    for label, count in (("light", light), ("heavy", heavy)):
        doctor = _history_doctor(f"bench-history-{label}")
        _insert_history(doctor.pk, patient_ids, count)
        found[label] = doctor.pk
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return found


def demo_doctor_ids() -> list[int]:
    from domain.models import DoctorProfile

    return list(
        DoctorProfile.objects.filter(user__email__endswith="@demo.clinic.example")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def free_slots(doctor_ids: list[int], *, days: int) -> list[tuple[int, datetime]]:
    """Every free slot of the doctors from the day after tomorrow on, ``days`` days.

    Today and tomorrow are left out: by the time a scenario books, a slot that
    close may have slipped inside the doctor's minimum notice.

    Interleaved so that consecutive slots belong to different doctor-days: a
    run of bookings then spreads over doctors and days instead of filling one
    doctor's day (and meeting its daily cap) first.
    """
    from domain.selectors.slots import doctor_slots

    groups: list[list[tuple[int, datetime]]] = []
    for doctor_id in doctor_ids:
        by_day: dict[date, list] = {}
        first = date.today() + timedelta(days=2)
        found = doctor_slots(
            doctor_id, date_from=first, date_to=first + timedelta(days=days - 1)
        )
        for slot in found.slots:
            by_day.setdefault(slot.start.date(), []).append((doctor_id, slot.start))
        groups.extend(by_day.values())
    interleaved = []
    depth = max((len(group) for group in groups), default=0)
    for i in range(depth):
        interleaved.extend(group[i] for group in groups if i < len(group))
    return interleaved
