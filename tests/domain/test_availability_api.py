"""Working time and free slots of a doctor through the HTTP API."""

from datetime import UTC, date, datetime

import pytest

from domain.models import AuditLog, Availability, TimeOff, WeeklyHours
from tests.conftest import bearer
from tests.factories import make_doctor, make_window

pytestmark = pytest.mark.django_db

# A Monday morning in winter (London wall-clock time equals UTC).
NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
DAY = date(2027, 1, 6)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _url(doctor, tail=""):
    return f"/api/v1/doctors/{doctor.pk}/{tail}"


def _slots(client, doctor, date_from=DAY, date_to=DAY):
    return client.get(_url(doctor, f"slots?date_from={date_from}&date_to={date_to}"))


def _starts(response):
    return [slot["start"] for slot in response.json()["slots"]]


def _post(client, user, url, body):
    return client.post(url, body, content_type="application/json", headers=bearer(user))


def test_slots_carry_the_doctors_offset_and_zone(client):
    doctor = make_doctor(time_zone="Europe/London", booking_horizon_days=365)
    make_window(doctor, DAY, "09:00", "10:00")
    make_window(doctor, date(2027, 6, 1), "09:00", "09:30")

    winter = _slots(client, doctor)
    summer = _slots(client, doctor, date(2027, 6, 1), date(2027, 6, 1))

    assert winter.status_code == 200
    assert winter.json()["doctor_id"] == doctor.pk
    assert winter.json()["time_zone"] == "Europe/London"
    assert _starts(winter) == ["2027-01-06T09:00:00Z", "2027-01-06T09:30:00Z"]
    assert winter.json()["slots"][0]["end"] == "2027-01-06T09:30:00Z"
    assert _starts(summer) == ["2027-06-01T09:00:00+01:00"]


def test_slot_range_wider_than_31_days_is_422(client, doctor):
    response = _slots(client, doctor, date(2027, 1, 5), date(2027, 2, 5))

    assert response.status_code == 422
    assert response.json()["code"] == "range_too_wide"
    assert response.json()["field"] == "date_to"


def test_inverted_slot_range_is_422(client, doctor):
    response = _slots(client, doctor, date(2027, 1, 6), date(2027, 1, 5))

    assert response.status_code == 422
    assert response.json()["field"] == "date_to"


def test_slots_of_an_unknown_doctor_are_404(client, doctor):
    response = client.get(f"/api/v1/doctors/{doctor.pk + 999}/slots")

    assert response.status_code == 404


def test_doctor_adds_a_window_and_its_slots_appear(client, doctor):
    response = _post(
        client,
        doctor.user,
        _url(doctor, "availability"),
        {"date": str(DAY), "start_time": "14:00", "end_time": "15:00"},
    )

    assert response.status_code == 201
    assert response.json()["start_time"] == "14:00:00"
    assert _starts(_slots(client, doctor)) == [
        "2027-01-06T14:00:00Z",
        "2027-01-06T14:30:00Z",
    ]
    assert AuditLog.objects.filter(action="availability.created").exists()


def test_overlapping_windows_merge_into_one(client, doctor):
    make_window(doctor, DAY, "09:00", "10:00")
    make_window(doctor, DAY, "11:00", "12:00")

    response = _post(
        client,
        doctor.user,
        _url(doctor, "availability"),
        {"date": str(DAY), "start_time": "09:30", "end_time": "11:00"},
    )

    assert response.status_code == 201
    assert response.json()["start_time"] == "09:00:00"
    assert response.json()["end_time"] == "12:00:00"
    assert Availability.objects.filter(doctor=doctor).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": str(DAY), "start_time": "10:00", "end_time": "09:00"}, "end_time"),
        ({"date": "2027-01-03", "start_time": "09:00", "end_time": "10:00"}, "date"),
        ({"date": str(DAY), "start_time": "09:00", "end_time": "09:20"}, "end_time"),
    ],
    ids=["end-before-start", "past-date", "shorter-than-a-slot"],
)
def test_bad_window_is_422_naming_the_field(client, doctor, body, field):
    response = _post(client, doctor.user, _url(doctor, "availability"), body)

    assert response.status_code == 422
    assert response.json()["field"] == field
    assert not Availability.objects.exists()


def test_another_doctor_may_not_change_the_schedule(client, doctor, patient):
    body = {"date": str(DAY), "start_time": "09:00", "end_time": "10:00"}

    by_doctor = _post(client, make_doctor().user, _url(doctor, "availability"), body)
    by_patient = _post(client, patient, _url(doctor, "availability"), body)

    assert by_doctor.status_code == 403
    assert by_patient.status_code == 403
    assert not Availability.objects.exists()


def test_admin_updates_lists_and_deletes_a_window(client, doctor, admin_user):
    window = make_window(doctor, DAY, "09:00", "10:00")
    headers = bearer(admin_user)

    patched = client.patch(
        _url(doctor, f"availability/{window.pk}"),
        {"end_time": "11:00"},
        content_type="application/json",
        headers=headers,
    )
    listed = client.get(_url(doctor, "availability"), headers=headers)
    deleted = client.delete(_url(doctor, f"availability/{window.pk}"), headers=headers)

    assert patched.status_code == 200
    assert patched.json()["end_time"] == "11:00:00"
    assert [item["id"] for item in listed.json()] == [window.pk]
    assert deleted.status_code == 204
    assert not Availability.objects.exists()


def test_weekly_hours_give_slots_within_their_validity(client, doctor):
    response = _post(
        client,
        doctor.user,
        _url(doctor, "weekly-hours"),
        {
            "weekday": 2,
            "start_time": "09:00",
            "end_time": "10:00",
            "valid_from": "2027-01-01",
            "valid_until": "2027-01-10",
        },
    )

    assert response.status_code == 201
    assert len(_starts(_slots(client, doctor))) == 2
    later = date(2027, 1, 13)
    assert _starts(_slots(client, doctor, later, later)) == []


def test_weekly_hours_with_inverted_validity_are_422(client, doctor):
    response = _post(
        client,
        doctor.user,
        _url(doctor, "weekly-hours"),
        {
            "weekday": 2,
            "start_time": "09:00",
            "end_time": "10:00",
            "valid_from": "2027-02-01",
            "valid_until": "2027-01-10",
        },
    )

    assert response.status_code == 422
    assert response.json()["field"] == "valid_until"
    assert not WeeklyHours.objects.exists()


def test_time_off_removes_slots_and_deleting_it_gives_them_back(client, doctor):
    make_window(doctor, DAY, "09:00", "11:00")

    response = _post(
        client,
        doctor.user,
        _url(doctor, "time-off"),
        {"start": "2027-01-06T09:00:00", "end": "2027-01-06T10:00:00"},
    )
    during = _starts(_slots(client, doctor))
    client.delete(
        _url(doctor, f"time-off/{response.json()['id']}"), headers=bearer(doctor.user)
    )
    after = _starts(_slots(client, doctor))

    assert response.status_code == 201
    assert during == ["2027-01-06T10:00:00Z", "2027-01-06T10:30:00Z"]
    assert len(after) == 4


def test_whole_days_off_remove_every_slot_of_those_days(client, doctor):
    make_window(doctor, DAY, "09:00", "11:00")

    response = _post(
        client,
        doctor.user,
        _url(doctor, "time-off"),
        {"date_from": str(DAY), "date_to": str(DAY), "reason": "Conference"},
    )

    assert response.status_code == 201
    assert _starts(_slots(client, doctor)) == []


def test_time_off_ending_before_it_starts_is_422(client, doctor):
    response = _post(
        client,
        doctor.user,
        _url(doctor, "time-off"),
        {"start": "2027-01-06T10:00:00Z", "end": "2027-01-06T09:00:00Z"},
    )

    assert response.status_code == 422
    assert response.json()["field"] == "end"
    assert not TimeOff.objects.exists()


def test_unknown_time_zone_is_422_naming_the_field(client, doctor):
    response = client.patch(
        f"/api/v1/doctors/{doctor.pk}",
        {"time_zone": "Mars/Olympus"},
        content_type="application/json",
        headers=bearer(doctor.user),
    )

    assert response.status_code == 422
    assert response.json()["field"] == "time_zone"
