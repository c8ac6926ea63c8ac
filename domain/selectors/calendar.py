"""An appointment's calendar file for the people who may see the appointment."""

from domain.errors import NotFound
from domain.models import Appointment, User
from domain.notifications.calendar import appointment_ics
from domain.permissions import require_appointment_visible


def appointment_calendar_file(appointment_id: object, *, user: User) -> bytes:
    """The same ICS bytes the appointment's mails carry; NotFound if not visible."""
    appointment = (
        Appointment.objects.select_related(
            "patient", "doctor__user", "doctor__specialization"
        )
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        raise NotFound("Appointment")
    require_appointment_visible(user, appointment)
    return appointment_ics(appointment)
