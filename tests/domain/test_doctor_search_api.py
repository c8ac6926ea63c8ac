"""Doctor search by availability, with each doctor's next free slot."""

from datetime import UTC, date, datetime

import pytest

from tests.factories import make_appointment, make_doctor, make_patient, make_window

pytestmark = pytest.mark.django_db

URL = "/api/v1/doctors"
NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
DAY = date(2027, 1, 6)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _names(response) -> set[str]:
    assert response.status_code == 200
    return {item["last_name"] for item in response.json()["items"]}


def test_each_doctor_comes_with_their_next_free_slot(client):
    soon = make_doctor(time_zone="Europe/London")
    make_window(soon, DAY, "09:00", "10:00")
    later = make_doctor(time_zone="America/New_York")
    make_window(later, date(2027, 2, 1), "09:00", "10:00")
    idle = make_doctor()

    body = client.get(URL).json()

    slots = {item["id"]: item["next_slot"] for item in body["items"]}
    assert body["count"] == 3
    assert slots[soon.pk]["start"] == "2027-01-06T09:00:00Z"
    assert slots[later.pk]["start"] == "2027-02-01T09:00:00-05:00"
    assert slots[idle.pk] is None
    detail = client.get(f"{URL}/{soon.pk}").json()
    assert detail["next_slot"]["start"] == "2027-01-06T09:00:00Z"


def test_available_range_keeps_only_doctors_with_a_free_slot_in_it(client):
    free = make_doctor()
    make_window(free, DAY, "09:00", "10:00")
    full = make_doctor()
    make_window(full, DAY, "09:00", "09:30")
    make_appointment(
        doctor=full, patient=make_patient(), start=datetime(2027, 1, 6, 9, tzinfo=UTC)
    )
    elsewhere = make_doctor()
    make_window(elsewhere, date(2027, 1, 20), "09:00", "10:00")

    found = _names(client.get(f"{URL}?available_from={DAY}&available_to={DAY}"))

    assert found == {free.user.last_name}


def test_available_range_wider_than_31_days_is_422(client):
    response = client.get(f"{URL}?available_from=2027-01-05&available_to=2027-03-01")

    assert response.status_code == 422
    assert response.json()["code"] == "range_too_wide"


def test_a_page_of_doctors_costs_the_same_queries_as_one(
    client, django_assert_max_num_queries
):
    for _ in range(6):
        make_window(make_doctor(), DAY, "09:00", "10:00")
    client.get(f"{URL}?limit=1")

    with django_assert_max_num_queries(8):
        response = client.get(f"{URL}?limit=6")

    assert all(item["next_slot"] for item in response.json()["items"])
