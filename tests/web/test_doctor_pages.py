"""A doctor's schedule page and the forms that change working time."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from domain.models import (
    Appointment,
    AppointmentStatus,
    Availability,
    TimeOff,
    WeeklyHours,
)
from tests.factories import make_appointment, make_doctor, make_patient, make_window

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
DAY = date(2027, 1, 6)
NINE = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def doctor():
    return make_doctor(time_zone="Europe/London")


@pytest.fixture
def doctor_client(client, doctor):
    client.force_login(doctor.user)
    return client


def test_schedule_shows_the_weeks_windows_and_appointments(doctor_client, doctor):
    make_window(doctor, DAY, "09:00", "12:00")
    make_appointment(
        doctor=doctor,
        patient=make_patient(first_name="Ola", last_name="Berg"),
        start=NINE,
    )

    response = doctor_client.get(reverse("web:schedule"))

    wednesday = response.context["days"][2]
    assert wednesday["day"] == DAY
    assert [w.start_time for w in wednesday["windows"]] == [time(9, 0)]
    assert [str(a.patient) for a in wednesday["appointments"]] == ["Ola Berg"]
    assert "Ola Berg" in response.text


def test_schedule_shows_weekly_hours_on_the_days_they_apply(doctor_client, doctor):
    WeeklyHours.objects.create(
        doctor=doctor,
        weekday=DAY.weekday(),
        start_time=time(14),
        end_time=time(17),
        valid_until=DAY,
    )

    this_week = doctor_client.get(reverse("web:schedule"))
    next_week = doctor_client.get(
        reverse("web:schedule"), {"week": (DAY + timedelta(days=5)).isoformat()}
    )

    days = {entry["day"]: entry for entry in this_week.context["days"]}
    assert [h.start_time for h in days[DAY]["weekly"]] == [time(14)]
    assert all(not entry["weekly"] for d, entry in days.items() if d != DAY)
    assert "Working 14:00–17:00" in this_week.text
    assert all(not entry["weekly"] for entry in next_week.context["days"])


def test_schedule_is_for_doctors_only(client):
    client.force_login(make_patient())

    assert client.get(reverse("web:schedule")).status_code == 403


def test_schedule_hides_other_doctors_appointments(doctor_client, doctor):
    other = make_doctor()
    make_appointment(doctor=other, patient=make_patient(last_name="Hidden"), start=NINE)

    response = doctor_client.get(reverse("web:schedule"))

    assert "Hidden" not in response.text


def test_adding_a_dated_window_goes_through_the_service(doctor_client, doctor):
    response = doctor_client.post(
        reverse("web:window_add"),
        {"date": "2027-01-07", "start_time": "13:00", "end_time": "17:00"},
    )

    assert response.status_code == 302
    window = Availability.objects.get(doctor=doctor)
    assert (window.date, window.start_time, window.end_time) == (
        date(2027, 1, 7),
        time(13),
        time(17),
    )


def test_a_window_in_the_past_is_refused_with_the_services_message(
    doctor_client, doctor
):
    response = doctor_client.post(
        reverse("web:window_add"),
        {"date": "2026-12-01", "start_time": "13:00", "end_time": "17:00"},
        follow=True,
    )

    assert "The date is in the past." in response.text
    assert not Availability.objects.exists()


def test_weekly_hours_and_time_off_can_be_added_and_removed(doctor_client, doctor):
    doctor_client.post(
        reverse("web:weekly_add"),
        {"weekday": "0", "start_time": "09:00", "end_time": "13:00"},
    )
    doctor_client.post(
        reverse("web:time_off_add"),
        {"date_from": "2027-01-11", "date_to": "2027-01-12", "reason": "Conference"},
    )
    hours = WeeklyHours.objects.get(doctor=doctor)
    off = TimeOff.objects.get(doctor=doctor)
    page = doctor_client.get(reverse("web:schedule"))

    assert hours.weekday == 0
    assert off.reason == "Conference"
    assert "Monday 09:00–13:00" in page.text
    assert "11 Jan 2027 – 12 Jan 2027" in page.text

    doctor_client.post(reverse("web:weekly_delete", args=[hours.pk]))
    doctor_client.post(reverse("web:time_off_delete", args=[off.pk]))

    assert not WeeklyHours.objects.exists()
    assert not TimeOff.objects.exists()


def test_another_doctors_window_cannot_be_removed(doctor_client):
    theirs = make_window(make_doctor(), DAY, "09:00", "12:00")

    response = doctor_client.post(
        reverse("web:window_delete", args=[theirs.pk]), follow=True
    )

    assert "not found" in response.text
    assert Availability.objects.filter(pk=theirs.pk).exists()


def test_confirming_a_pending_booking(doctor_client, doctor):
    pending = make_appointment(
        doctor=doctor,
        patient=make_patient(),
        start=NINE,
        status=AppointmentStatus.PENDING,
    )

    doctor_client.post(
        reverse("web:appointment_confirm", args=[pending.pk]), {"week": "2027-01-04"}
    )

    pending.refresh_from_db()
    assert pending.status == AppointmentStatus.CONFIRMED
    assert Appointment.objects.count() == 1


def test_schedule_survives_extreme_week_values(doctor_client):
    for week in ("9999-12-31", "0001-01-01"):
        assert (
            doctor_client.get(reverse("web:schedule"), {"week": week}).status_code
            == 200
        )
