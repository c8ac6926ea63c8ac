"""Builds the records a browser test starts from, inside the test server's database.

Run as ``python -m tests.e2e.seed KIND [name]`` with the server's environment; it
prints the new record as one JSON line.
"""

import json
import sys


def _zone_past_its_first_hour(now) -> str:
    """A zone whose day began over an hour ago: visits 20 minutes back are today's.

    Seeded shortly after midnight in London, they would fall on the day before,
    outside today's queue.
    """
    from zoneinfo import ZoneInfo

    for name in ("Europe/London", "Asia/Kolkata"):
        if now.astimezone(ZoneInfo(name)).hour >= 1:
            return name
    raise AssertionError("London and Kolkata cannot both be in their first hour")


def main(kind: str, name: str) -> dict:
    from datetime import datetime, time, timedelta
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from domain.selectors.slots import local_today
    from tests.factories import (
        make_appointment,
        make_doctor,
        make_forecast,
        make_patient,
        make_specialization,
        make_window,
    )

    if kind == "doctor":
        doctor = make_doctor(
            specialization=make_specialization("Cardiology"),
            time_zone="Europe/London",
            min_notice_minutes=0,
            consultation_fee=Decimal("60.00"),
            rating=Decimal("4.60"),
            rating_count=23,
            years_of_experience=12,
            degree="MD",
            description="Heart rhythm problems, blood pressure and chest pain.",
            license_number=f"E2E-{name}",
            user_fields={"username": name, "first_name": "Hana", "last_name": name},
        )
        today = local_today(doctor)
        for offset in range(1, 4):
            make_window(doctor, today + timedelta(days=offset), "09:00", "12:00")
        return {"doctor_id": doctor.pk, "username": name}
    if kind == "waitlist":
        # One slot tomorrow, already booked by the first patient; cancelling
        # is allowed until the last moment so the freed slot can be offered.
        doctor = make_doctor(
            time_zone="Europe/London",
            min_notice_minutes=0,
            cancellation_cutoff_hours=0,
            license_number=f"E2E-{name}",
            user_fields={"username": name, "first_name": "Omar", "last_name": name},
        )
        tomorrow = local_today(doctor) + timedelta(days=1)
        make_window(doctor, tomorrow, "09:00", "09:30")
        holder = make_patient(username=f"{name}-holder", first_name="Ines")
        waiter = make_patient(username=f"{name}-waiter", first_name="Wen")
        start = datetime.combine(tomorrow, time(9), tzinfo=ZoneInfo("Europe/London"))
        booked = make_appointment(doctor=doctor, patient=holder, start=start)
        return {
            "doctor_id": doctor.pk,
            "holder": holder.username,
            "waiter": waiter.username,
            "appointment_id": str(booked.pk),
        }
    if kind == "queue":
        # Two patients today whose times have come, so the queue can move.
        now = timezone.now().replace(second=0, microsecond=0)
        doctor = make_doctor(
            time_zone=_zone_past_its_first_hour(now),
            license_number=f"E2E-{name}",
            user_fields={"username": name, "first_name": "Lena", "last_name": name},
        )
        first = make_patient(
            username=f"{name}-first", first_name="Ada", last_name="Quinn"
        )
        second = make_patient(
            username=f"{name}-second", first_name="Ben", last_name="Quinn"
        )
        ahead = make_appointment(
            doctor=doctor, patient=first, start=now - timedelta(minutes=20)
        )
        behind = make_appointment(
            doctor=doctor, patient=second, start=now - timedelta(minutes=10)
        )
        # The next two weeks as training would store them: busy midweek.
        make_forecast(
            doctor,
            start=local_today(doctor),
            expected=[7.4, 5.0, 8.0, 7.6, 4.0, 0.0, 0.0, 6.5, 7.9, 5.5, 7.3, 3.0],
        )
        return {
            "doctor": name,
            "first_appointment": str(ahead.pk),
            "second": second.username,
            "second_appointment": str(behind.pk),
        }
    if kind == "patient":
        user = make_patient(username=name, first_name=name.title(), last_name="Test")
        return {"user_id": str(user.pk), "username": name}
    raise SystemExit(f"unknown kind {kind!r}")


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
