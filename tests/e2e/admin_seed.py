"""A small clinic with 60 days of history and a stored two-week forecast, for the
admin dashboard's browser test.

Run as ``python -m tests.e2e.admin_seed`` with the server's environment. It
prints one JSON line: the admin's username and the card figures counted here,
by hand, from the rows it wrote (independently of the analytics selectors).
"""

import json
import random
from datetime import UTC, datetime, time, timedelta


def main() -> dict:
    from django.utils import timezone

    from domain.models import Appointment, WaitlistEntry, WeeklyHours
    from tests.factories import (
        make_doctor,
        make_patient,
        make_specialization,
        make_user,
    )

    rng = random.Random(11)
    admin = make_user(
        username="dashboard-admin", role="admin", is_staff=True, is_superuser=True
    )
    names = [
        ("Amara", "Okafor"),
        ("Sven", "Lindqvist"),
        ("Yuki", "Tanaka"),
        ("Claire", "Moreau"),
        ("Omar", "Haddad"),
        ("Lucia", "Silva"),
    ]
    specializations = ["Cardiology", "Dermatology", "General Practice"]
    doctors = [
        make_doctor(
            specialization=make_specialization(specializations[i % 3]),
            user_fields={"first_name": first, "last_name": last},
        )
        for i, (first, last) in enumerate(names)
    ]
    for doctor in doctors:
        for weekday in range(5):
            WeeklyHours.objects.create(
                doctor=doctor, weekday=weekday, start_time=time(9), end_time=time(13)
            )
    patients = [make_patient() for _ in range(12)]

    today = timezone.localdate()
    rows = []
    for offset in range(-60, 15):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5 and offset != 0:
            continue
        for d, doctor in enumerate(doctors):
            for slot in range(8):
                if offset != 0 and rng.random() > 0.6:
                    continue
                start = datetime.combine(
                    day, time(9 + slot // 2, 30 * (slot % 2)), tzinfo=UTC
                )
                if offset < 0:
                    roll = rng.random()
                    status = (
                        "cancelled"
                        if roll < 0.1
                        else "no_show"
                        if roll < 0.16
                        else "completed"
                    )
                elif offset == 0:
                    status = "cancelled" if slot == 7 else "confirmed"
                else:
                    status = "confirmed"
                rows.append(
                    Appointment(
                        doctor=doctor,
                        patient=patients[(d + slot * 6) % len(patients)],
                        start=start,
                        end=start + timedelta(minutes=30),
                        status=status,
                        booked_at=start - timedelta(days=rng.choice([0, 1, 3, 9, 20])),
                    )
                )
    Appointment.objects.bulk_create(rows)
    for patient in patients[:3]:
        WaitlistEntry.objects.create(
            patient=patient,
            doctor=doctors[0],
            date_from=today,
            date_to=today + timedelta(days=10),
        )

    high_demand = _store_forecast(doctors, today=today, rng=rng)

    window = [r for r in rows if 0 <= (today - r.start.date()).days < 30]
    cancelled = sum(r.status == "cancelled" for r in window)
    no_show = sum(r.status == "no_show" for r in window)
    completed = sum(r.status == "completed" for r in window)
    todays = [r for r in rows if r.start.date() == today]
    return {
        "username": admin.username,
        "today": sum(r.status != "cancelled" for r in todays),
        "cancellation": f"{cancelled / len(window) * 100:.1f}%",
        "no_show": f"{no_show / (no_show + completed) * 100:.1f}%",
        "waitlist": 3,
        "high_demand": high_demand,
    }


def _store_forecast(doctors, *, today, rng) -> int:
    """What training would store: 14 days per doctor from tomorrow; returns how
    many doctor-days are flagged (the first doctor's weekdays are near full)."""
    from tests.factories import make_forecast

    flagged = 0
    for d, doctor in enumerate(doctors):
        days = [today + timedelta(days=offset) for offset in range(1, 15)]
        working = [day.weekday() < 5 for day in days]
        expected = [
            (7.6 if d == 0 else 3 + rng.random() * 3) if works else 0.0
            for works in working
        ]
        # Weekends have no capacity: expected 0 of 0 is never flagged.
        for day, works, value in zip(days, working, expected, strict=True):
            rows = make_forecast(
                doctor, start=day, expected=[value], capacity=8 if works else 0
            )
            flagged += rows[0].high_demand
    return flagged


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(main()))
