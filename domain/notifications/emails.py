"""The clinic's e-mails, rendered from templates as plain text and HTML.

Appointment mails carry the appointment's calendar file. None of them quote the
reason for a visit or any other health detail: mail passes through servers the
clinic does not control.
"""

from datetime import datetime
from email.mime.text import MIMEText
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from domain.models import Appointment, User, WaitlistOffer
from domain.notifications.calendar import appointment_ics, appointment_method

APPOINTMENT_SUBJECTS = {
    "booked": "Your appointment request has been received",
    "confirmed": "Your appointment is confirmed",
    "cancelled": "Your appointment has been cancelled",
    "rescheduled": "Your appointment has been moved",
    "reminder": "Reminder: your appointment tomorrow",
}


def _local(instant: datetime, time_zone: str) -> str:
    local = instant.astimezone(ZoneInfo(time_zone))
    return local.strftime("%A %d %B %Y, %H:%M (%Z)")


def _message(
    user: User, *, subject: str, template: str, context: dict
) -> EmailMultiAlternatives:
    context = {
        "name": user.first_name or user.username,
        "site_url": settings.SITE_URL,
        **context,
    }
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(html, "text/html")
    return message


def _calendar_part(appointment: Appointment) -> MIMEText:
    part = MIMEText(appointment_ics(appointment).decode(), "calendar", "utf-8")
    part.set_param("method", appointment_method(appointment))
    part.add_header(
        "Content-Disposition",
        "attachment",
        filename=f"appointment-{appointment.pk}.ics",
    )
    return part


def appointment_mail(
    appointment: Appointment, *, kind: str, previous: Appointment | None = None
) -> EmailMultiAlternatives:
    """A mail about one appointment, with its calendar file.

    After a move the file updates the same event (see ``calendar.py``), so no
    cancellation of the old time goes with it: that would cancel the event.
    """
    doctor = appointment.doctor
    if kind == "booked" and appointment.status == "confirmed":
        kind = "confirmed"
    context = {
        "kind": kind,
        "doctor": str(doctor),
        "specialization": doctor.specialization.name,
        "when": _local(appointment.start, doctor.time_zone),
        "time_zone": doctor.time_zone,
        "status": appointment.get_status_display(),
        "cancellation_reason": appointment.cancellation_reason,
        "previous_when": (
            _local(previous.start, previous.doctor.time_zone) if previous else ""
        ),
        "appointment_url": f"{settings.SITE_URL}/appointments/{appointment.pk}",
    }
    message = _message(
        appointment.patient,
        subject=APPOINTMENT_SUBJECTS[kind],
        template=f"appointment_{kind}",
        context=context,
    )
    message.attach(_calendar_part(appointment))
    return message


def verification_mail(user: User, *, token: str) -> EmailMultiAlternatives:
    """The link (and token) that proves the address belongs to the user."""
    link = f"{settings.SITE_URL}/verify-email?{urlencode({'token': token})}"
    return _message(
        user,
        subject="Confirm your e-mail address",
        template="verify_email",
        context={
            "link": link,
            "token": token,
            "hours": settings.EMAIL_VERIFICATION_MAX_AGE_HOURS,
        },
    )


def password_reset_mail(user: User, *, uid: str, token: str) -> EmailMultiAlternatives:
    """The one-time link for choosing a new password."""
    query = urlencode({"uid": uid, "token": token})
    return _message(
        user,
        subject="Reset your password",
        template="password_reset",
        context={
            "link": f"{settings.SITE_URL}/reset-password?{query}",
            "uid": uid,
            "token": token,
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        },
    )


def waitlist_offer_mail(offer: WaitlistOffer) -> EmailMultiAlternatives:
    """A freed slot held for the patient until the offer expires."""
    doctor = offer.doctor
    return _message(
        offer.patient,
        subject="A slot has opened up for you",
        template="waitlist_offer",
        context={
            "doctor": str(doctor),
            "when": _local(offer.start, doctor.time_zone),
            "expires": _local(offer.expires_at, doctor.time_zone),
            "offer_id": offer.pk,
            "offer_url": f"{settings.SITE_URL}/waitlist/offers/{offer.pk}",
        },
    )
