"""Importing a clinic's past appointments, all or nothing.

Rows name doctors and patients by a reference (their username here). Unknown
references become imported accounts: inactive, with no usable password, so
they cannot sign in until the clinic activates them. Any bad row rejects the
whole file, and the refusal lists every bad row with its line number.
"""

import hashlib
import itertools
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from domain.context import SYSTEM, RequestContext
from domain.errors import DomainError
from domain.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    DoctorProfile,
    Role,
    Specialization,
    User,
)
from domain.services.audit import audit_record

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = (
    "doctor_ref",
    "patient_ref",
    "booked_at",
    "scheduled_at",
    "duration_minutes",
    "status",
)
OPTIONAL_COLUMNS = ("specialization",)
DEFAULT_SPECIALIZATION = "General Practice"
MAX_REPORTED_ERRORS = 100
BATCH = 5000
_REF = re.compile(r"^[\w.@+-]{1,150}$")
_STATUSES = frozenset(AppointmentStatus.values)


class ImportRejected(DomainError):
    """The file has bad rows; nothing was imported."""

    status = 422

    def __init__(self, errors: list[tuple[int | None, str]], *, total: int) -> None:
        super().__init__(
            f"{total} bad row(s); nothing was imported.",
            code="import_rejected",
            extra={"errors": [{"line": ln, "error": msg} for ln, msg in errors]},
        )
        self.errors = errors
        self.total = total


@dataclass
class ImportReport:
    rows: int = 0
    appointments: int = 0
    new_doctors: int = 0
    new_patients: int = 0
    dry_run: bool = False
    by_status: dict[str, int] = field(default_factory=dict)


@dataclass
class _Row:
    line: int
    doctor_ref: str
    patient_ref: str
    booked_at: datetime
    start: datetime
    end: datetime
    status: str
    specialization: str


def _instant(value: str, column: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"{column} is not an ISO 8601 instant: {value!r}") from exc
    if parsed.tzinfo is None:
        raise ValueError(f"{column} needs a UTC offset: {value!r}")
    return parsed


def _parse(line: int, raw: dict[str, str | None]) -> _Row:
    values = {key: (raw.get(key) or "").strip() for key in raw if key}
    for column in REQUIRED_COLUMNS:
        if not values.get(column):
            raise ValueError(f"{column} is empty")
    for column in ("doctor_ref", "patient_ref"):
        if not _REF.match(values[column]):
            raise ValueError(
                f"{column} may hold only letters, digits and . @ + - _ (1-150)"
            )
    if values["doctor_ref"].lower() == values["patient_ref"].lower():
        raise ValueError("doctor_ref and patient_ref are the same")
    booked_at = _instant(values["booked_at"], "booked_at")
    start = _instant(values["scheduled_at"], "scheduled_at")
    try:
        minutes = int(values["duration_minutes"])
    except ValueError as exc:
        raise ValueError("duration_minutes is not a whole number") from exc
    if not 1 <= minutes <= 24 * 60:
        raise ValueError("duration_minutes must be between 1 and 1440")
    status = values["status"].lower()
    if status not in _STATUSES:
        raise ValueError(f"status must be one of {', '.join(AppointmentStatus.values)}")
    specialization = values.get("specialization", "")
    if len(specialization) > 100:
        raise ValueError("specialization is longer than 100 characters")
    return _Row(
        line=line,
        doctor_ref=values["doctor_ref"],
        patient_ref=values["patient_ref"],
        booked_at=booked_at,
        start=start,
        end=start + timedelta(minutes=minutes),
        status=status,
        specialization=specialization,
    )


def _existing_users(refs: set[str]) -> dict[str, User]:
    lowered = {ref.lower() for ref in refs}
    users = {}
    for chunk_start in range(0, len(lowered), 900):
        chunk = list(lowered)[chunk_start : chunk_start + 900]
        for user in (
            User.objects.annotate(lower_name=Lower("username"))
            .filter(lower_name__in=chunk)
            .select_related("doctor_profile")
        ):
            users[user.username.lower()] = user
    return users


def _check_roles(
    rows: list[_Row], users: dict[str, User], errors: list[tuple[int, str]]
) -> None:
    doctor_refs = {row.doctor_ref.lower() for row in rows}
    patient_refs = {row.patient_ref.lower() for row in rows}
    for row in rows:
        doctor = users.get(row.doctor_ref.lower())
        if doctor is not None and not hasattr(doctor, "doctor_profile"):
            errors.append((row.line, f"doctor_ref {row.doctor_ref!r} is not a doctor"))
        patient = users.get(row.patient_ref.lower())
        if patient is not None and patient.role != Role.PATIENT:
            errors.append(
                (row.line, f"patient_ref {row.patient_ref!r} is not a patient")
            )
        elif row.patient_ref.lower() in doctor_refs:
            errors.append(
                (row.line, f"{row.patient_ref!r} is used as doctor and as patient")
            )
        elif row.doctor_ref.lower() in patient_refs:
            errors.append(
                (row.line, f"{row.doctor_ref!r} is used as doctor and as patient")
            )


def _check_active_overlaps(
    rows: list[_Row], users: dict[str, User], errors: list[tuple[int, str]]
) -> None:
    """Pending or confirmed rows may not overlap each other or live bookings."""
    active = [row for row in rows if row.status in ACTIVE_STATUSES]
    for key in ("doctor_ref", "patient_ref"):
        by_person: dict[str, list[_Row]] = {}
        for row in active:
            by_person.setdefault(getattr(row, key).lower(), []).append(row)
        for person_rows in by_person.values():
            person_rows.sort(key=lambda row: row.start)
            for earlier, later in itertools.pairwise(person_rows):
                if later.start < earlier.end:
                    errors.append((later.line, f"overlaps line {earlier.line} ({key})"))
    # Against live bookings already in the database, per doctor and patient.
    for key, column in (
        ("doctor_ref", "doctor__user_id"),
        ("patient_ref", "patient_id"),
    ):
        by_person: dict[str, list[_Row]] = {}
        for row in active:
            if getattr(row, key).lower() in users:
                by_person.setdefault(getattr(row, key).lower(), []).append(row)
        for ref, person_rows in by_person.items():
            booked = list(
                Appointment.objects.filter(
                    **{column: users[ref].pk},
                    status__in=ACTIVE_STATUSES,
                    start__lt=max(row.end for row in person_rows),
                    end__gt=min(row.start for row in person_rows),
                ).values_list("start", "end")
            )
            for row in person_rows:
                if any(start < row.end and row.start < end for start, end in booked):
                    errors.append((row.line, f"overlaps an existing booking ({key})"))


def _license_for(ref: str) -> str:
    digest = hashlib.sha1(ref.lower().encode()).hexdigest()[:10]
    return f"IMP-{ref[:30]}-{digest}"


def _create_accounts(
    rows: list[_Row], users: dict[str, User]
) -> tuple[dict[str, DoctorProfile], dict[str, User], int, int]:
    unusable = make_password(None)
    new_users: dict[str, User] = {}
    doctor_specialization: dict[str, str] = {}
    for row in rows:
        for ref, role in (
            (row.doctor_ref, Role.DOCTOR),
            (row.patient_ref, Role.PATIENT),
        ):
            key = ref.lower()
            if key not in users and key not in new_users:
                new_users[key] = User(
                    id=uuid.uuid4(),
                    username=ref,
                    email="",
                    role=role,
                    is_active=False,
                    imported=True,
                    password=unusable,
                )
        if row.specialization:
            doctor_specialization.setdefault(row.doctor_ref.lower(), row.specialization)
    User.objects.bulk_create(new_users.values(), batch_size=BATCH)

    specializations = {
        s.name.lower(): s
        for s in Specialization.objects.filter(
            name__in=set(doctor_specialization.values()) | {DEFAULT_SPECIALIZATION}
        )
    }
    new_doctor_refs = [k for k, u in new_users.items() if u.role == Role.DOCTOR]
    profiles = []
    for key in new_doctor_refs:
        name = doctor_specialization.get(key, DEFAULT_SPECIALIZATION)
        if name.lower() not in specializations:
            specializations[name.lower()] = Specialization.objects.create(name=name)
        profiles.append(
            DoctorProfile(
                user=new_users[key],
                specialization=specializations[name.lower()],
                license_number=_license_for(key),
                is_active=False,
            )
        )
    DoctorProfile.objects.bulk_create(profiles, batch_size=BATCH)

    doctors = {
        key: user.doctor_profile
        for key, user in users.items()
        if hasattr(user, "doctor_profile")
    }
    doctors.update({profile.user.username.lower(): profile for profile in profiles})
    people = {**users, **new_users}
    new_patients = len(new_users) - len(new_doctor_refs)
    return doctors, people, len(new_doctor_refs), new_patients


def _insert_appointments(
    rows: list[_Row], doctors: dict[str, DoctorProfile], people: dict[str, User]
) -> None:
    """Insert with one prepared statement per batch rather than model instances:
    building 100k model objects costs more than the database work itself."""
    fields = Appointment._meta.concrete_fields
    now = timezone.now()
    varying = {"id", "doctor", "patient", "start", "end", "status", "booked_at"}
    fixed = {"reason": "Imported history", "created_at": now, "updated_at": now}
    constants = {
        field.name: field.get_db_prep_save(
            fixed.get(field.name, field.get_default()), connection
        )
        for field in fields
        if field.name not in varying
    }
    by_name = {field.name: field for field in fields}
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {Appointment._meta.db_table} ({columns}) VALUES ({marks})"

    def prep(name: str, value):
        return by_name[name].get_db_prep_save(value, connection)

    with connection.cursor() as cursor:
        for first in range(0, len(rows), BATCH):
            values = []
            for row in rows[first : first + BATCH]:
                current = {
                    "id": prep("id", uuid.uuid4()),
                    "doctor": doctors[row.doctor_ref.lower()].pk,
                    "patient": prep("patient", people[row.patient_ref.lower()].pk),
                    "start": prep("start", row.start),
                    "end": prep("end", row.end),
                    "status": row.status,
                    "booked_at": prep("booked_at", row.booked_at),
                }
                values.append(
                    [current.get(f.name, constants.get(f.name)) for f in fields]
                )
            cursor.executemany(sql, values)


@transaction.atomic
def appointment_history_import(
    records: Iterable[tuple[int, dict[str, str | None]]],
    *,
    dry_run: bool = False,
    context: RequestContext = SYSTEM,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate every ``(line, row)`` and import all of them, or refuse them all."""
    rows: list[_Row] = []
    errors: list[tuple[int, str]] = []
    for line, raw in records:
        try:
            rows.append(_parse(line, raw))
        except ValueError as exc:
            errors.append((line, str(exc)))
        if progress:
            progress(1)

    users = _existing_users(
        {row.doctor_ref for row in rows} | {row.patient_ref for row in rows}
    )
    _check_roles(rows, users, errors)
    _check_active_overlaps(rows, users, errors)
    if errors:
        errors.sort()
        logger.warning("history import refused: %s bad rows", len(errors))
        raise ImportRejected(errors[:MAX_REPORTED_ERRORS], total=len(errors))

    report = ImportReport(rows=len(rows), dry_run=dry_run)
    for row in rows:
        report.by_status[row.status] = report.by_status.get(row.status, 0) + 1
    if dry_run:
        report.new_doctors = len({r.doctor_ref.lower() for r in rows} - set(users))
        report.new_patients = len({r.patient_ref.lower() for r in rows} - set(users))
        return report

    doctors, people, report.new_doctors, report.new_patients = _create_accounts(
        rows, users
    )
    try:
        _insert_appointments(rows, doctors, people)
    except IntegrityError as exc:
        # A live booking made between the checks and the insert.
        raise ImportRejected(
            [(None, "a pending or confirmed row clashes with a new booking")], total=1
        ) from exc
    report.appointments = len(rows)
    audit_record(
        "history.imported",
        actor=None,
        context=context,
        detail={
            "appointments": report.appointments,
            "new_doctors": report.new_doctors,
            "new_patients": report.new_patients,
        },
    )
    logger.info(
        "history imported: appointments=%s new_doctors=%s new_patients=%s",
        report.appointments,
        report.new_doctors,
        report.new_patients,
    )
    return report
