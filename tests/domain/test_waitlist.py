"""The waitlist: a freed slot is held for the first waiting patient, then passed on."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from domain.models import (
    Appointment,
    AuditLog,
    OfferStatus,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from realtime.tasks import offer_expire
from tests.conftest import bearer
from tests.factories import make_appointment, make_doctor, make_patient, make_window

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def clinic():
    """A doctor with tomorrow 09:00-10:00 (two slots), 09:00 booked by a patient."""
    doctor = make_doctor(time_zone="Europe/London", min_notice_minutes=0)
    day = datetime.now(LONDON).date() + timedelta(days=1)
    make_window(doctor, day, "09:00", "10:00")
    nine = datetime.combine(day, time(9), tzinfo=LONDON).astimezone(UTC)
    booked = make_appointment(doctor=doctor, patient=make_patient(), start=nine)
    return doctor, day, nine, booked


def _join(client, patient, doctor, day, **extra):
    body = {"doctor_id": doctor.pk, "date_from": str(day), "date_to": str(day)}
    return client.post(
        "/api/v1/waitlist",
        body | extra,
        content_type="application/json",
        headers=bearer(patient),
    )


def _cancel(client, appointment, capture):
    with capture(execute=True):
        response = client.post(
            f"/api/v1/appointments/{appointment.pk}/cancel",
            {"reason": "cannot come"},
            content_type="application/json",
            headers=bearer(appointment.doctor.user),
        )
    assert response.status_code == 200


def _answer(client, patient, offer_id, verb, capture):
    with capture(execute=True):
        return client.post(
            f"/api/v1/waitlist/offers/{offer_id}/{verb}", headers=bearer(patient)
        )


def _offer_of(patient) -> WaitlistOffer | None:
    return WaitlistOffer.objects.filter(
        patient=patient, status=OfferStatus.PENDING
    ).first()


# --- joining ----------------------------------------------------------------


def test_joining_creates_a_waiting_entry_and_an_audit_row(client, clinic):
    doctor, day, _, _ = clinic
    patient = make_patient()

    response = _join(client, patient, doctor, day, preferred_start_time="08:00:00")

    assert response.status_code == 201
    assert response.json()["status"] == "waiting"
    entry = WaitlistEntry.objects.get(patient=patient)
    assert entry.preferred_start_time == time(8)
    assert AuditLog.objects.filter(action="waitlist.joined", actor=patient).exists()


def test_a_second_active_entry_for_the_same_doctor_and_range_is_409(client, clinic):
    doctor, day, _, _ = clinic
    patient = make_patient()
    _join(client, patient, doctor, day)

    response = _join(client, patient, doctor, day)

    assert response.status_code == 409
    assert response.json()["code"] == "waitlist_duplicate"
    assert WaitlistEntry.objects.filter(patient=patient).count() == 1


def test_only_patients_may_join(client, clinic):
    doctor, day, _, _ = clinic

    response = _join(client, make_doctor().user, doctor, day)

    assert response.status_code == 403
    assert not WaitlistEntry.objects.exists()


def test_an_inverted_range_is_422_and_an_unknown_doctor_404(client, clinic):
    doctor, day, _, _ = clinic
    patient = make_patient()

    inverted = _join(client, patient, doctor, day, date_from=str(day + timedelta(1)))
    unknown = _join(client, patient, doctor, day, doctor_id=999999)

    assert inverted.status_code == 422
    assert unknown.status_code == 404
    assert not WaitlistEntry.objects.exists()


def test_leaving_marks_the_entry_left_and_frees_a_new_join(client, clinic):
    doctor, day, _, _ = clinic
    patient = make_patient()
    entry_id = _join(client, patient, doctor, day).json()["id"]

    response = client.delete(f"/api/v1/waitlist/{entry_id}", headers=bearer(patient))

    assert response.status_code == 204
    assert WaitlistEntry.objects.get(pk=entry_id).status == WaitlistStatus.LEFT
    assert _join(client, patient, doctor, day).status_code == 201


def test_nobody_may_leave_anothers_entry(client, clinic):
    doctor, day, _, _ = clinic
    entry_id = _join(client, make_patient(), doctor, day).json()["id"]

    response = client.delete(
        f"/api/v1/waitlist/{entry_id}", headers=bearer(make_patient())
    )

    assert response.status_code == 404
    assert WaitlistEntry.objects.get(pk=entry_id).status == WaitlistStatus.WAITING


# --- offers -----------------------------------------------------------------


def test_an_unverified_patient_may_not_join_while_verification_is_mandatory(
    client, clinic, settings
):
    settings.EMAIL_VERIFICATION = "mandatory"
    doctor, day, _, _ = clinic

    response = _join(client, make_patient(email_verified=False), doctor, day)

    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"
    assert not WaitlistEntry.objects.exists()


def test_the_slots_endpoint_lists_a_held_slot_as_held_not_free(
    client, clinic, django_capture_on_commit_callbacks
):
    doctor, day, nine, booked = clinic
    _join(client, make_patient(), doctor, day)
    _cancel(client, booked, django_capture_on_commit_callbacks)

    found = client.get(
        f"/api/v1/doctors/{doctor.pk}/slots?date_from={day}&date_to={day}"
    ).json()

    def starts(slots):
        return [datetime.fromisoformat(slot["start"]) for slot in slots]

    assert starts(found["held"]) == [nine]
    assert nine not in starts(found["slots"])


def test_cancel_offers_the_slot_to_the_first_waiting_patient_who_accepts(
    client, clinic, django_capture_on_commit_callbacks
):
    doctor, day, nine, booked = clinic
    first, second, outsider = make_patient(), make_patient(), make_patient()
    _join(client, first, doctor, day)
    _join(client, second, doctor, day)

    _cancel(client, booked, django_capture_on_commit_callbacks)

    offer = _offer_of(first)
    assert offer is not None and offer.start == nine
    assert _offer_of(second) is None
    assert WaitlistEntry.objects.get(patient=first).status == WaitlistStatus.OFFERED
    # The held slot is refused to everyone else.
    taken = client.post(
        "/api/v1/appointments",
        {"doctor_id": doctor.pk, "start": nine.isoformat()},
        content_type="application/json",
        headers=bearer(outsider),
    )
    assert taken.status_code == 409
    assert not Appointment.objects.filter(patient=outsider).exists()
    stolen = _answer(
        client, second, offer.pk, "accept", django_capture_on_commit_callbacks
    )
    assert stolen.status_code == 404

    accepted = _answer(
        client, first, offer.pk, "accept", django_capture_on_commit_callbacks
    )

    assert accepted.status_code == 201
    assert accepted.json()["patient_id"] == str(first.pk)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert offer.appointment.patient == first
    assert WaitlistEntry.objects.get(patient=first).status == WaitlistStatus.BOOKED
    again = _answer(
        client, first, offer.pk, "accept", django_capture_on_commit_callbacks
    )
    assert again.status_code == 409
    assert again.json()["code"] == "offer_closed"


def test_declining_passes_the_slot_to_the_next_patient_then_frees_it(
    client, clinic, django_capture_on_commit_callbacks
):
    doctor, day, nine, booked = clinic
    first, second = make_patient(), make_patient()
    _join(client, first, doctor, day)
    _join(client, second, doctor, day)
    _cancel(client, booked, django_capture_on_commit_callbacks)

    declined = _answer(
        client,
        first,
        _offer_of(first).pk,
        "decline",
        django_capture_on_commit_callbacks,
    )

    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"
    assert WaitlistEntry.objects.get(patient=first).status == WaitlistStatus.WAITING
    assert _offer_of(second).start == nine

    _answer(
        client,
        second,
        _offer_of(second).pk,
        "decline",
        django_capture_on_commit_callbacks,
    )

    # Both turned this slot down: nobody else waits, so it is simply free.
    assert not WaitlistOffer.objects.filter(status=OfferStatus.PENDING).exists()
    slots = client.get(
        f"/api/v1/doctors/{doctor.pk}/slots", {"date_from": day, "date_to": day}
    ).json()["slots"]
    assert nine in [datetime.fromisoformat(slot["start"]) for slot in slots]


def test_a_preferred_time_of_day_skips_slots_outside_it(
    client, clinic, django_capture_on_commit_callbacks
):
    doctor, day, nine, booked = clinic
    afternoon, anytime = make_patient(), make_patient()
    _join(
        client,
        afternoon,
        doctor,
        day,
        preferred_start_time="14:00:00",
        preferred_end_time="17:00:00",
    )
    _join(client, anytime, doctor, day)

    _cancel(client, booked, django_capture_on_commit_callbacks)

    assert _offer_of(afternoon) is None
    assert _offer_of(anytime).start == nine


def test_the_expiry_job_passes_the_offer_on(
    client, clinic, django_capture_on_commit_callbacks, settings
):
    settings.WAITLIST_OFFER_MINUTES = 5
    doctor, day, nine, booked = clinic
    first, second = make_patient(), make_patient()
    _join(client, first, doctor, day)
    _join(client, second, doctor, day)
    _cancel(client, booked, django_capture_on_commit_callbacks)
    offer = _offer_of(first)
    job = DBTaskResult.objects.get(task_path__endswith="offer_expire")
    assert job.run_after == offer.expires_at
    assert offer.expires_at - offer.created_at == pytest.approx(
        timedelta(minutes=5), abs=timedelta(seconds=5)
    )

    with (
        time_machine.travel(offer.expires_at + timedelta(seconds=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert offer_expire.call(offer.pk) is True

    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    assert _offer_of(second).start == nine


def test_an_overdue_offer_is_refused_and_passed_on_without_the_job(
    client, clinic, django_capture_on_commit_callbacks
):
    doctor, day, nine, booked = clinic
    first, second = make_patient(), make_patient()
    _join(client, first, doctor, day)
    _join(client, second, doctor, day)
    _cancel(client, booked, django_capture_on_commit_callbacks)
    offer = _offer_of(first)

    with time_machine.travel(offer.expires_at + timedelta(seconds=1)):
        late = _answer(
            client, first, offer.pk, "accept", django_capture_on_commit_callbacks
        )

    assert late.status_code == 409
    assert late.json()["code"] == "offer_closed"
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    assert _offer_of(second).start == nine
    assert not Appointment.objects.filter(patient=first).exists()


def test_an_expired_hold_no_longer_blocks_booking_even_if_nobody_expired_it(
    client, clinic, django_capture_on_commit_callbacks
):
    doctor, day, nine, booked = clinic
    _join(client, make_patient(), doctor, day)
    _cancel(client, booked, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get(status=OfferStatus.PENDING)
    outsider = make_patient()

    with time_machine.travel(offer.expires_at + timedelta(seconds=1)):
        response = client.post(
            "/api/v1/appointments",
            {"doctor_id": doctor.pk, "start": nine.isoformat()},
            content_type="application/json",
            headers=bearer(outsider),
        )

    assert response.status_code == 201
    assert Appointment.objects.get(patient=outsider).start == nine


def test_leaving_with_an_open_offer_passes_it_on(
    client, clinic, django_capture_on_commit_callbacks
):
    doctor, day, nine, booked = clinic
    first, second = make_patient(), make_patient()
    entry_id = _join(client, first, doctor, day).json()["id"]
    _join(client, second, doctor, day)
    _cancel(client, booked, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        client.delete(f"/api/v1/waitlist/{entry_id}", headers=bearer(first))

    assert _offer_of(first) is None
    assert _offer_of(second).start == nine


def test_the_patient_lists_entries_and_open_offers(
    client, clinic, django_capture_on_commit_callbacks
):
    doctor, day, nine, booked = clinic
    patient = make_patient()
    _join(client, patient, doctor, day)
    _cancel(client, booked, django_capture_on_commit_callbacks)

    entries = client.get("/api/v1/waitlist", headers=bearer(patient)).json()
    offers = client.get("/api/v1/waitlist/offers", headers=bearer(patient)).json()

    assert entries["count"] == 1
    assert entries["items"][0]["status"] == "offered"
    assert [datetime.fromisoformat(offer["start"]) for offer in offers] == [nine]


def test_booking_the_held_slot_directly_also_settles_the_waitlist_entry(
    client, clinic, django_capture_on_commit_callbacks
):
    doctor, day, nine, booked = clinic
    patient = make_patient()
    _join(client, patient, doctor, day)
    _cancel(client, booked, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/appointments",
            {"doctor_id": doctor.pk, "start": nine.isoformat()},
            content_type="application/json",
            headers=bearer(patient),
        )

    assert response.status_code == 201
    assert WaitlistOffer.objects.get(patient=patient).status == OfferStatus.ACCEPTED
    assert WaitlistEntry.objects.get(patient=patient).status == WaitlistStatus.BOOKED


def test_new_availability_is_offered_to_a_waiting_patient(
    client, django_capture_on_commit_callbacks
):
    doctor = make_doctor(time_zone="Europe/London", min_notice_minutes=0)
    day = datetime.now(LONDON).date() + timedelta(days=2)
    patient = make_patient()
    _join(client, patient, doctor, day)

    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(
            f"/api/v1/doctors/{doctor.pk}/availability",
            {"date": str(day), "start_time": "14:00", "end_time": "15:00"},
            content_type="application/json",
            headers=bearer(doctor.user),
        )

    assert added.status_code == 201
    two = datetime.combine(day, time(14), tzinfo=LONDON)
    assert _offer_of(patient).start == two
    # One patient waits, so only one of the two new slots is held.
    assert WaitlistOffer.objects.filter(status=OfferStatus.PENDING).count() == 1


def test_a_no_show_offers_the_rest_of_the_day_to_a_waiting_patient(
    client, django_capture_on_commit_callbacks
):
    doctor = make_doctor(time_zone="Europe/London", min_notice_minutes=0)
    day = datetime.now(LONDON).date() + timedelta(days=1)
    make_window(doctor, day, "09:00", "10:00")
    nine = datetime.combine(day, time(9), tzinfo=LONDON)
    absent = make_appointment(doctor=doctor, patient=make_patient(), start=nine)
    waiting = make_patient()

    with time_machine.travel(nine + timedelta(minutes=10), tick=False):
        _join(client, waiting, doctor, day)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/api/v1/appointments/{absent.pk}/no-show",
                headers=bearer(doctor.user),
            )

    assert response.status_code == 200
    assert _offer_of(waiting).start == nine + timedelta(minutes=30)
