"""Loading the simulated demo clinic into the database, and removing it.

The simulator (``domain.demo``) produces plain records; this module turns them
into rows with ``bulk_create`` in batches, one doctor's history at a time, so a
fifty-doctor, two-year history neither sits in memory nor takes one INSERT per
row. Demo accounts share three documented passwords: the data is public.
"""

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from domain.demo import DemoConfig, simulate
from domain.demo.records import DoctorHistory, DoctorSeed, PatientSeed
from domain.models import (
    Appointment,
    Availability,
    DoctorProfile,
    Feedback,
    PatientProfile,
    Role,
    Specialization,
    User,
)
from domain.selectors.demo import DEMO_EMAIL_DOMAIN, demo_users

logger = logging.getLogger(__name__)

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "demo-admin-pass"
DOCTOR_PASSWORD = "demo-doctor-pass"
PATIENT_PASSWORD = "demo-patient-pass"
BATCH_SIZE = 2000
# SQLite page cache for the load, in KiB (a negative cache_size means KiB).
SQLITE_CACHE_KIB = 256 * 1024


@dataclass
class DemoSummary:
    doctors: int = 0
    patients: int = 0
    windows: int = 0
    requests: int = 0
    turned_away: int = 0
    feedback: int = 0
    admin_created: bool = False
    appointments: Counter = field(default_factory=Counter)


def _email(username: str) -> str:
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def _create_admin() -> bool:
    # A real admin made with createsuperuser keeps its name and password.
    if User.objects.filter(username__iexact=ADMIN_USERNAME).exists():
        return False
    User.objects.create_superuser(
        ADMIN_USERNAME,
        _email(ADMIN_USERNAME),
        ADMIN_PASSWORD,
        first_name="Clinic",
        last_name="Admin",
    )
    return True


def _create_doctors(doctors: list[DoctorSeed]) -> dict[int, DoctorProfile]:
    password = make_password(DOCTOR_PASSWORD)
    User.objects.bulk_create(
        [
            User(
                id=seed.user_id,
                username=seed.username,
                email=_email(seed.username),
                first_name=seed.first_name,
                last_name=seed.last_name,
                role=Role.DOCTOR,
                email_verified=True,
                password=password,
            )
            for seed in doctors
        ]
    )
    specializations = {}
    for name in {seed.specialization for seed in doctors}:
        specializations[name], _ = Specialization.objects.get_or_create(
            name=name, defaults={"category": "Medical"}
        )
    DoctorProfile.objects.bulk_create(
        [
            DoctorProfile(
                user_id=seed.user_id,
                specialization=specializations[seed.specialization],
                degree=seed.degree,
                license_number=seed.license_number,
                years_of_experience=seed.years_of_experience,
                consultation_fee=seed.consultation_fee,
                description=seed.description,
                time_zone=seed.time_zone,
                slot_minutes=seed.slot_minutes,
                buffer_minutes=0,
                min_notice_minutes=seed.min_notice_minutes,
                booking_horizon_days=seed.booking_horizon_days,
                max_patients_per_day=seed.max_patients_per_day,
                requires_confirmation=seed.requires_confirmation,
                cancellation_cutoff_hours=seed.cancellation_cutoff_hours,
            )
            for seed in doctors
        ]
    )
    # Re-read rather than trust bulk_create to set primary keys on every backend.
    by_user = {
        profile.user_id: profile
        for profile in DoctorProfile.objects.filter(
            user_id__in=[seed.user_id for seed in doctors]
        )
    }
    return {seed.index: by_user[seed.user_id] for seed in doctors}


def _create_patients(patients: list[PatientSeed]) -> None:
    password = make_password(PATIENT_PASSWORD)
    User.objects.bulk_create(
        [
            User(
                id=seed.user_id,
                username=seed.username,
                email=_email(seed.username),
                first_name=seed.first_name,
                last_name=seed.last_name,
                role=Role.PATIENT,
                email_verified=True,
                password=password,
            )
            for seed in patients
        ],
        batch_size=BATCH_SIZE,
    )
    PatientProfile.objects.bulk_create(
        [
            PatientProfile(
                user_id=seed.user_id,
                date_of_birth=seed.date_of_birth,
                gender=seed.gender,
                contact_number=seed.contact_number,
                relative_contact_number=seed.relative_contact_number,
                symptoms=seed.symptoms,
            )
            for seed in patients
        ],
        batch_size=BATCH_SIZE,
    )


def _write_history(
    history: DoctorHistory,
    *,
    doctor: DoctorProfile,
    patients: list[PatientSeed],
    summary: DemoSummary,
) -> tuple[int, int]:
    """Insert one doctor's windows, appointments and feedback; return rating sums."""
    Availability.objects.bulk_create(
        [
            Availability(
                doctor=doctor,
                date=window.date,
                start_time=window.start_time,
                end_time=window.end_time,
            )
            for window in history.windows
        ],
        batch_size=BATCH_SIZE,
    )
    rating_sum = rating_count = 0
    for offset in range(0, len(history.visits), BATCH_SIZE):
        visits = history.visits[offset : offset + BATCH_SIZE]
        appointments, feedback = [], []
        for visit in visits:
            patient_id = patients[visit.patient_index].user_id
            cancelled_by = None
            if visit.cancelled_at is not None:
                cancelled_by = (
                    doctor.user_id if visit.cancelled_by_doctor else (patient_id)
                )
            appointments.append(
                Appointment(
                    id=visit.id,
                    patient_id=patient_id,
                    doctor=doctor,
                    start=visit.start,
                    end=visit.end,
                    status=visit.status,
                    reason=visit.reason,
                    booked_at=visit.booked_at,
                    reminder_sent=visit.reminder_sent,
                    cancellation_reason=visit.cancellation_reason,
                    cancelled_by_id=cancelled_by,
                    cancelled_at=visit.cancelled_at,
                    checked_in_at=visit.checked_in_at,
                    consultation_started_at=visit.consultation_started_at,
                    finished_at=visit.finished_at,
                )
            )
            summary.appointments[visit.status] += 1
            if visit.feedback is not None:
                feedback.append(
                    Feedback(
                        appointment_id=visit.id,
                        patient_id=patient_id,
                        doctor=doctor,
                        rating=visit.feedback.rating,
                        comments=visit.feedback.comments,
                        anonymous=visit.feedback.anonymous,
                        created_at=visit.feedback.created_at,
                    )
                )
                rating_sum += visit.feedback.rating
                rating_count += 1
        Appointment.objects.bulk_create(appointments, batch_size=BATCH_SIZE)
        created = Feedback.objects.bulk_create(feedback, batch_size=BATCH_SIZE)
        # created_at is auto_now_add, which bulk_create overwrites with now;
        # put back when each patient actually wrote it.
        for row, original in zip(created, feedback, strict=True):
            row.created_at = original.created_at
        Feedback.objects.bulk_update(created, ["created_at"], batch_size=500)
    summary.windows += len(history.windows)
    summary.requests += history.requests
    summary.turned_away += history.turned_away
    summary.feedback += rating_count
    return rating_sum, rating_count


@contextmanager
def _large_sqlite_cache() -> Iterator[None]:
    # Random UUID keys scatter inserts over the indexes; with SQLite's default
    # 2 MB cache a long history spills and rewrites the same pages many times
    # over (gigabytes of writes for fifty doctors).
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def demo_clinic_seed(
    config: DemoConfig,
    *,
    now: datetime | None = None,
    on_doctor: Callable[[DoctorSeed, int], None] | None = None,
) -> DemoSummary:
    """Simulate a clinic up to ``now`` and write it, all in one transaction."""
    now = now or timezone.now()
    simulation = simulate(config, now=now)
    summary = DemoSummary(
        doctors=len(simulation.doctors), patients=len(simulation.patients)
    )
    with _large_sqlite_cache(), transaction.atomic():
        summary.admin_created = _create_admin()
        profiles = _create_doctors(simulation.doctors)
        _create_patients(simulation.patients)
        for history in simulation.histories:
            doctor = profiles[history.doctor_index]
            rating_sum, rating_count = _write_history(
                history,
                doctor=doctor,
                patients=simulation.patients,
                summary=summary,
            )
            if rating_count:
                doctor.rating = (Decimal(rating_sum) / rating_count).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP
                )
                doctor.rating_count = rating_count
                doctor.save(update_fields=["rating", "rating_count", "updated_at"])
            if on_doctor is not None:
                on_doctor(simulation.doctors[history.doctor_index], len(history.visits))
    logger.info(
        "demo clinic seeded doctors=%s patients=%s appointments=%s",
        summary.doctors,
        summary.patients,
        sum(summary.appointments.values()),
    )
    return summary


def _delete_appointments(appointments: QuerySet[Appointment]) -> None:
    # Django's collector loads every appointment to null the references to
    # it, which takes minutes for a large history. Clear the references with
    # one statement per relation instead, then delete the rows directly.
    for relation in Appointment._meta.related_objects:
        related = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": appointments}
        )
        if relation.on_delete is models.SET_NULL:
            related.update(**{relation.field.name: None})
        elif relation.on_delete is models.CASCADE:
            related.delete()
        # Anything else (PROTECT) is left for the database to refuse.
    appointments._raw_delete(appointments.db)


def demo_clinic_delete() -> int:
    """Delete every demo account and everything hanging off it; return users removed."""
    with transaction.atomic():
        users = demo_users()
        doctors = DoctorProfile.objects.filter(user__in=users)
        # Appointments protect their doctor and patient, so they go first.
        _delete_appointments(
            Appointment.objects.filter(Q(doctor__in=doctors) | Q(patient__in=users))
        )
        count = users.count()
        users.delete()
    logger.info("demo clinic deleted users=%s", count)
    return count
