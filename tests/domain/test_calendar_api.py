"""GET appointments/{id}/ics: the calendar file, for those who may see the visit."""

import pytest
from django.core import mail
from icalendar import Calendar

from domain.notifications.emails import appointment_mail
from tests.conftest import bearer
from tests.factories import make_appointment, make_doctor, make_patient

pytestmark = pytest.mark.django_db


def test_calendar_file_is_the_one_the_mail_carries(client):
    appointment = make_appointment(sequence=3)
    appointment_mail(appointment, kind="booked").send()
    attached = next(
        part.get_payload(decode=True)
        for part in mail.outbox[0].message().walk()
        if part.get_content_type() == "text/calendar"
    )

    response = client.get(
        f"/api/v1/appointments/{appointment.pk}/ics",
        headers=bearer(appointment.patient),
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content == attached
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event["SEQUENCE"] == 3


def test_doctor_and_admin_may_fetch_it(client, admin_user):
    appointment = make_appointment()

    for user in (appointment.doctor.user, admin_user):
        response = client.get(
            f"/api/v1/appointments/{appointment.pk}/ics", headers=bearer(user)
        )
        assert response.status_code == 200


@pytest.mark.parametrize("stranger", ["patient", "doctor"])
def test_strangers_get_404(client, stranger):
    appointment = make_appointment()
    user = make_patient() if stranger == "patient" else make_doctor().user

    response = client.get(
        f"/api/v1/appointments/{appointment.pk}/ics", headers=bearer(user)
    )

    assert response.status_code == 404


def test_calendar_file_needs_sign_in(client):
    appointment = make_appointment()

    assert client.get(f"/api/v1/appointments/{appointment.pk}/ics").status_code == 401
