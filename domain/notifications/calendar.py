"""iCalendar files for appointments (RFC 5545, with RFC 5546 methods).

The same bytes go into each appointment e-mail and out of
``GET appointments/{id}/ics``: the UID comes from the appointment id, SEQUENCE
from ``Appointment.sequence`` and DTSTAMP from its last change, so a calendar
recognises a later message as an update of the same event. A reschedule makes
a new appointment row (the old one stays, cancelled, as history), but to the
patient it is the same visit moved: its UID is that of the first appointment
of the chain, and its SEQUENCE is higher than any before it, so the one
invitation moves the calendar entry instead of adding a second one.
"""

from datetime import UTC
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from domain.models import Appointment, AppointmentStatus

REQUEST = "REQUEST"
CANCEL = "CANCEL"

_STATUS = {
    AppointmentStatus.PENDING: "TENTATIVE",
    AppointmentStatus.CONFIRMED: "CONFIRMED",
    AppointmentStatus.CANCELLED: "CANCELLED",
}


def _first_of_chain(appointment: Appointment):
    """The id of the appointment this one was moved from, first of all."""
    first, previous = appointment.pk, appointment.rescheduled_from_id
    while previous is not None:
        first = previous
        previous = (
            Appointment.objects.filter(pk=previous)
            .values_list("rescheduled_from_id", flat=True)
            .first()
        )
    return first


def appointment_uid(appointment: Appointment) -> str:
    """The calendar event's UID, the same for every move of one visit."""
    host = urlsplit(settings.SITE_URL).hostname or "clinic.local"
    return f"appointment-{_first_of_chain(appointment)}@{host}"


def appointment_method(appointment: Appointment) -> str:
    """CANCEL for a cancelled visit, REQUEST for anything a calendar should keep."""
    if appointment.status == AppointmentStatus.CANCELLED:
        return CANCEL
    return REQUEST


def appointment_ics(appointment: Appointment) -> bytes:
    """The calendar file of one appointment; needs doctor, user and patient loaded."""
    doctor = appointment.doctor
    patient = appointment.patient
    method = appointment_method(appointment)

    calendar = Calendar()
    calendar.add("prodid", "-//Clinic//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", appointment_uid(appointment))
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", appointment.updated_at.astimezone(UTC))
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    # The reason for the visit is health data; calendars sync to third parties,
    # so the event names only the doctor.
    event.add("summary", f"Appointment with {doctor}")
    event.add("location", vText(doctor.specialization.name))
    event.add("status", _STATUS.get(appointment.status, "CONFIRMED"))
    organizer_name, organizer_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{organizer_address}")
    organizer.params["cn"] = vText(organizer_name or "Clinic")
    event.add("organizer", organizer)
    if patient.email:
        attendee = vCalAddress(f"mailto:{patient.email}")
        attendee.params["cn"] = vText(patient.get_full_name() or patient.username)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()
