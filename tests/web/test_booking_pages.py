"""The week of slots, booking, and a patient's own appointments, as pages."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from domain.models import Appointment, AppointmentStatus
from tests.factories import make_appointment, make_doctor, make_patient, make_window

pytestmark = pytest.mark.django_db

# A Monday morning in winter, so London wall-clock time equals UTC.
NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
DAY = date(2027, 1, 6)
NINE = datetime(2027, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def doctor():
    doctor = make_doctor(time_zone="Europe/London")
    make_window(doctor, DAY, "09:00", "10:30")
    return doctor


@pytest.fixture
def patient_client(client):
    patient = make_patient()
    client.force_login(patient)
    client.user = patient
    return client


def test_doctor_page_lists_the_weeks_free_slots_as_choices(client, doctor):
    make_appointment(doctor=doctor, patient=make_patient(), start=NINE)

    response = client.get(reverse("web:doctor", args=[doctor.pk]))

    values = [slot.value for day in response.context["days"] for slot in day.slots]
    assert values == [
        "2027-01-06T09:30:00+00:00",
        "2027-01-06T10:00:00+00:00",
    ]
    assert 'value="2027-01-06T09:30:00+00:00"' in response.text


def test_pages_show_a_doctors_times_on_the_doctors_own_clock(client):
    kolkata = make_doctor(time_zone="Asia/Kolkata")
    make_window(kolkata, DAY, "09:00", "09:30")
    patient = make_patient()
    client.force_login(patient)
    # 09:00 in Kolkata is 03:30 UTC.
    nine_local = datetime(2027, 1, 6, 3, 30, tzinfo=UTC)

    week = client.get(reverse("web:doctor", args=[kolkata.pk]))
    confirm = client.get(
        reverse("web:book", args=[kolkata.pk]), {"start": nine_local.isoformat()}
    )

    assert ">09:00<" in week.text
    assert ">03:30<" not in week.text
    assert "Wednesday 6 January 2027, 09:00" in confirm.text


def test_week_parameter_moves_the_week_but_never_before_today(client, doctor):
    later = client.get(reverse("web:doctor", args=[doctor.pk]), {"week": "2027-01-11"})
    past = client.get(reverse("web:doctor", args=[doctor.pk]), {"week": "2020-01-01"})
    junk = client.get(reverse("web:doctor", args=[doctor.pk]), {"week": "nonsense"})

    assert later.context["week_start"] == date(2027, 1, 11)
    assert later.context["slot_count"] == 0
    assert past.context["week_start"] == date(2027, 1, 4)
    assert junk.context["week_start"] == date(2027, 1, 4)


def test_choosing_a_slot_asks_anonymous_visitors_to_sign_in(client, doctor):
    response = client.get(
        reverse("web:book", args=[doctor.pk]), {"start": NINE.isoformat()}
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))


def test_confirm_page_shows_the_slot_in_the_doctors_time(patient_client, doctor):
    response = patient_client.get(
        reverse("web:book", args=[doctor.pk]), {"start": NINE.isoformat()}
    )

    assert response.status_code == 200
    assert "Wednesday 6 January 2027, 09:00" in response.text
    assert not Appointment.objects.exists()


def test_confirming_books_the_slot_with_the_reason(patient_client, doctor):
    response = patient_client.post(
        reverse("web:book", args=[doctor.pk]),
        {"start": NINE.isoformat(), "reason": "Cough"},
    )

    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("web:appointment", args=[appointment.pk])
    assert appointment.patient == patient_client.user
    assert appointment.reason == "Cough"
    assert appointment.start == NINE


def test_a_slot_just_taken_offers_the_nearest_free_times(patient_client, doctor):
    make_appointment(doctor=doctor, patient=make_patient(), start=NINE)

    response = patient_client.post(
        reverse("web:book", args=[doctor.pk]), {"start": NINE.isoformat()}
    )

    assert response.status_code == 409
    assert "This slot has just been taken." in response.text
    offered = [
        slot.value for day in response.context["alternatives"] for slot in day.slots
    ]
    assert offered == ["2027-01-06T09:30:00+00:00", "2027-01-06T10:00:00+00:00"]
    assert Appointment.objects.count() == 1


def test_booking_bursts_on_the_page_count_in_the_apis_limit(patient_client, doctor):
    url = reverse("web:book", args=[doctor.pk])
    taken = make_appointment(doctor=doctor, patient=make_patient(), start=NINE)
    # Ten refused attempts (the slot is taken) use up the minute's allowance.
    for _ in range(10):
        assert patient_client.post(url, {"start": NINE.isoformat()}).status_code == 409
    taken.delete()

    refused = patient_client.post(url, {"start": NINE.isoformat(), "reason": "Cough"})

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert "Too many attempts" in refused.text
    assert not Appointment.objects.exists()


def test_a_time_without_offset_is_refused_without_booking(patient_client, doctor):
    response = patient_client.post(
        reverse("web:book", args=[doctor.pk]), {"start": "2027-01-06T09:00:00"}
    )

    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_a_doctor_cannot_book_through_the_page(client, doctor):
    client.force_login(make_doctor().user)

    response = client.post(
        reverse("web:book", args=[doctor.pk]), {"start": NINE.isoformat()}
    )

    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_booking_form_requires_csrf_token(doctor):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_patient())

    response = strict.post(
        reverse("web:book", args=[doctor.pk]), {"start": NINE.isoformat()}
    )

    assert response.status_code == 403
    assert not Appointment.objects.exists()


def test_my_appointments_splits_upcoming_and_past_and_hides_others(
    patient_client, doctor
):
    me = patient_client.user
    upcoming = make_appointment(doctor=doctor, patient=me, start=NINE)
    past = make_appointment(
        doctor=doctor,
        patient=me,
        start=NOW - timedelta(days=2),
        status=AppointmentStatus.COMPLETED,
    )
    make_appointment(
        doctor=doctor, patient=make_patient(), start=NINE + timedelta(hours=1)
    )

    response = patient_client.get(reverse("web:appointments"))

    assert response.context["upcoming"] == [upcoming]
    assert response.context["past"] == [past]


def test_someone_elses_appointment_is_404(patient_client, doctor):
    other = make_appointment(doctor=doctor, patient=make_patient(), start=NINE)

    response = patient_client.get(reverse("web:appointment", args=[other.pk]))
    cancel = patient_client.post(reverse("web:appointment_cancel", args=[other.pk]))

    assert response.status_code == 404
    assert cancel.status_code == 404
    other.refresh_from_db()
    assert other.status == AppointmentStatus.CONFIRMED


def test_cancel_with_reason_frees_the_slot(patient_client, doctor):
    appointment = make_appointment(
        doctor=doctor, patient=patient_client.user, start=NINE
    )

    response = patient_client.post(
        reverse("web:appointment_cancel", args=[appointment.pk]),
        {"reason": "Feeling better"},
    )

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancellation_reason == "Feeling better"


def test_cancel_after_the_cutoff_is_refused_with_a_message(patient_client, doctor):
    soon = NOW + timedelta(hours=2)
    appointment = make_appointment(
        doctor=doctor, patient=patient_client.user, start=soon
    )

    response = patient_client.post(
        reverse("web:appointment_cancel", args=[appointment.pk]), follow=True
    )

    assert "too late to cancel" in response.text
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_reschedule_moves_the_visit_to_the_chosen_slot(patient_client, doctor):
    appointment = make_appointment(
        doctor=doctor, patient=patient_client.user, start=NINE
    )
    later = NINE + timedelta(minutes=60)

    page = patient_client.get(
        reverse("web:appointment_reschedule", args=[appointment.pk])
    )
    response = patient_client.post(
        reverse("web:appointment_reschedule", args=[appointment.pk]),
        {"start": later.isoformat()},
    )

    assert page.status_code == 200
    moved = Appointment.objects.get(rescheduled_from=appointment)
    assert response.url == reverse("web:appointment", args=[moved.pk])
    assert moved.start == later


def test_extreme_week_values_are_clamped_not_a_500(client, doctor):
    url = reverse("web:doctor", args=[doctor.pk])

    far = client.get(url, {"week": "9999-12-31"})
    early = client.get(url, {"week": "0001-01-01"})

    assert far.status_code == 200
    assert early.status_code == 200


def test_an_instant_at_the_end_of_the_calendar_is_refused_not_a_500(
    patient_client, doctor
):
    response = patient_client.post(
        reverse("web:book", args=[doctor.pk]), {"start": "9999-12-31T23:30:00+00:00"}
    )

    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_doctor_page_highlights_recommended_slots_with_their_reason(client, doctor):
    response = client.get(reverse("web:doctor", args=[doctor.pk]))

    recommended = response.context["recommended"]
    assert len(recommended) == 3
    for reason in recommended.values():
        assert reason
        assert f"(recommended: {reason})" in response.text
    assert set(recommended) <= {
        slot.value for day in response.context["days"] for slot in day.slots
    }


def test_an_unverified_patient_is_told_to_confirm_the_address(client, doctor):
    client.force_login(make_patient(email_verified=False))

    response = client.post(
        reverse("web:book", args=[doctor.pk]), {"start": NINE.isoformat()}
    )

    assert response.status_code == 400
    assert "Open the link we sent to" in response.text
    assert not Appointment.objects.exists()
