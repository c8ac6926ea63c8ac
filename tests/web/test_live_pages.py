"""Waitlist and queue pages: joining, offers, and the doctor's day."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from domain.models import (
    Appointment,
    AppointmentStatus,
    OfferStatus,
    WaitlistEntry,
    WaitlistOffer,
)
from tests.factories import (
    make_appointment,
    make_doctor,
    make_forecast,
    make_offer,
    make_patient,
    make_window,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
NINE = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def doctor():
    doctor = make_doctor(time_zone="UTC", slot_minutes=30, min_notice_minutes=0)
    make_window(doctor, date(2027, 1, 4), "09:00", "12:00")
    return doctor


def test_patient_joins_a_waitlist_from_the_doctor_page(client, doctor):
    patient = make_patient()
    client.force_login(patient)

    client.post(
        reverse("web:waitlist_join", args=[doctor.pk]),
        {"date_from": "2027-01-04", "date_to": "2027-01-08"},
    )

    entry = WaitlistEntry.objects.get()
    assert (entry.patient, entry.doctor) == (patient, doctor)
    assert (entry.date_from, entry.date_to) == (date(2027, 1, 4), date(2027, 1, 8))


def test_a_doctor_cannot_join_a_waitlist(client, doctor):
    client.force_login(make_doctor().user)

    response = client.post(
        reverse("web:waitlist_join", args=[doctor.pk]),
        {"date_from": "2027-01-04", "date_to": "2027-01-08"},
        follow=True,
    )

    assert "Only patients may join a waitlist." in response.text
    assert not WaitlistEntry.objects.exists()


def test_accepting_an_offer_books_the_held_slot(client, doctor):
    patient = make_patient()
    offer = make_offer(doctor=doctor, patient=patient, start=NINE)
    client.force_login(patient)

    page = client.get(reverse("web:offer", args=[offer.pk]))
    response = client.post(reverse("web:offer_accept", args=[offer.pk]))

    appointment = Appointment.objects.get()
    assert page.status_code == 200
    assert response.url == reverse("web:appointment", args=[appointment.pk])
    assert (appointment.patient, appointment.start) == (patient, NINE)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED


def test_someone_elses_offer_is_404_and_cannot_be_accepted(client, doctor):
    offer = make_offer(doctor=doctor, patient=make_patient(), start=NINE)
    client.force_login(make_patient())

    page = client.get(reverse("web:offer", args=[offer.pk]))
    client.post(reverse("web:offer_accept", args=[offer.pk]))

    assert page.status_code == 404
    assert not Appointment.objects.exists()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING


def test_declining_an_offer_ends_it(client, doctor):
    patient = make_patient()
    offer = make_offer(doctor=doctor, patient=patient, start=NINE)
    client.force_login(patient)

    client.post(reverse("web:offer_decline", args=[offer.pk]))

    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED


def _slot_item(html: str, start: datetime) -> str:
    """The list item of the slot starting at ``start`` on a week of slots."""
    value = re.escape(start.isoformat())
    match = re.search(rf'<li class="[^"]*" data-start="{value}">.*?</li>', html, re.S)
    assert match, f"no slot at {start}"
    return match.group(0)


def test_a_held_slot_is_marked_held_and_not_bookable_on_first_render(client, doctor):
    make_offer(doctor=doctor, patient=make_patient(), start=NINE)

    page = client.get(reverse("web:doctor", args=[doctor.pk])).text

    held = _slot_item(page, NINE)
    assert 'class="slot slot-held"' in held
    assert "disabled" in held
    assert "(held for a patient on the waiting list)" in held
    free = _slot_item(page, NINE + timedelta(minutes=30))
    assert "slot-held" not in free
    assert "disabled" not in free


def test_the_holder_sees_the_slot_held_for_them_as_bookable(client, doctor):
    holder = make_patient()
    make_offer(doctor=doctor, patient=holder, start=NINE)
    client.force_login(holder)

    page = client.get(reverse("web:doctor", args=[doctor.pk])).text

    assert "disabled" not in _slot_item(page, NINE)


def test_a_slot_is_free_again_on_the_page_once_its_hold_expires(
    client, doctor, time_machine
):
    make_offer(
        doctor=doctor,
        patient=make_patient(),
        start=NINE,
        expires_in=timedelta(minutes=5),
    )
    time_machine.move_to(NOW + timedelta(minutes=10), tick=False)

    page = client.get(reverse("web:doctor", args=[doctor.pk])).text

    assert "slot-held" not in _slot_item(page, NINE)


def test_a_day_whose_only_slot_is_held_still_says_no_free_times(client):
    doctor = make_doctor(time_zone="UTC", slot_minutes=30, min_notice_minutes=0)
    make_window(doctor, date(2027, 1, 5), "09:00", "09:30")
    make_offer(doctor=doctor, patient=make_patient(), start=NINE + timedelta(days=1))

    page = client.get(reverse("web:doctor", args=[doctor.pk])).text

    day = re.search(r'data-day="2027-01-05">.*?</div>', page, re.S).group(0)
    assert "slot-held" in day
    assert '<p class="no-slots muted">No free times</p>' in day


@pytest.fixture
def today(doctor):
    return [
        make_appointment(
            doctor=doctor,
            patient=make_patient(first_name=name, last_name="Q"),
            start=NOW - timedelta(minutes=30) + timedelta(minutes=30 * n),
        )
        for n, name in enumerate(["Ada", "Ben"])
    ]


def test_queue_lists_todays_patients_in_order(client, doctor, today):
    client.force_login(doctor.user)

    response = client.get(reverse("web:queue"))

    names = [item["patient_name"] for item in response.context["queue"]["items"]]
    assert names == ["Ada Q", "Ben Q"]
    assert "Check in" in response.text


def test_queue_steps_go_through_the_services(client, doctor, today):
    first, _ = today
    client.force_login(doctor.user)

    for step in ("check-in", "start", "complete"):
        client.post(reverse("web:queue_action", args=[first.pk, step]))

    first.refresh_from_db()
    assert first.checked_in_at is not None
    assert first.consultation_started_at is not None
    assert first.status == AppointmentStatus.COMPLETED


def test_starting_before_check_in_is_refused_with_a_message(client, doctor, today):
    first, _ = today
    client.force_login(doctor.user)

    response = client.post(
        reverse("web:queue_action", args=[first.pk, "start"]), follow=True
    )

    assert "Check the patient in before starting." in response.text
    first.refresh_from_db()
    assert first.consultation_started_at is None


def test_another_doctors_patient_cannot_be_checked_in(client, today):
    first, _ = today
    client.force_login(make_doctor().user)

    client.post(reverse("web:queue_action", args=[first.pk, "check-in"]))

    first.refresh_from_db()
    assert first.checked_in_at is None


def test_unknown_queue_step_is_404(client, doctor, today):
    client.force_login(doctor.user)

    response = client.post(reverse("web:queue_action", args=[today[0].pk, "teleport"]))

    assert response.status_code == 404


def test_patient_sees_their_place_in_todays_queue(client, today):
    _, second = today
    client.force_login(second.patient)

    response = client.get(reverse("web:appointment", args=[second.pk]))

    assert response.context["queue_item"]["position"] == 2
    assert f'data-queue-position="{second.pk}"' in response.text


def test_offers_and_waitlists_show_on_my_appointments(client, doctor):
    patient = make_patient()
    offer = make_offer(doctor=doctor, patient=patient, start=NINE)
    client.force_login(patient)

    response = client.get(reverse("web:appointments"))

    assert list(response.context["offers"]) == [offer]
    assert WaitlistOffer.objects.count() == 1
    assert "Times offered to you" in response.text


def test_queue_page_marks_the_busy_days_of_the_forecast(client, doctor, today):
    make_forecast(doctor, start=NOW.date(), expected=[3.0, 7.5, 8.0, 2.0])
    client.force_login(doctor.user)

    response = client.get(reverse("web:queue"))

    days = response.context["forecast"]["days"]
    assert [day.high_demand for day in days] == [False, True, True, False]
    assert response.text.count('class="forecast-busy"') == 2
    assert "8 of 8" in response.text


def test_queue_page_says_when_there_is_no_forecast_yet(client, doctor, today):
    client.force_login(doctor.user)

    response = client.get(reverse("web:queue"))

    assert response.context["forecast"]["days"] == []
    assert "No forecast yet" in response.text
