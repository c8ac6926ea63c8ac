"""Background jobs (django-tasks, run by ``manage.py run_worker``).

Jobs take ids, never objects, and read fresh rows when they run: by then the
appointment may have changed again. They are enqueued from event subscribers,
which run after the transaction commits, so a job never sees an uncommitted or
rolled-back row.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from domain.models import Appointment, User, WaitlistOffer
from domain.notifications.emails import (
    appointment_mail,
    password_reset_mail,
    verification_mail,
    waitlist_offer_mail,
)
from domain.selectors.reminders import appointments_due_for_reminder, reminder_lead
from domain.services.reminders import appointment_reminder_send
from domain.services.verification import email_verification_token

logger = logging.getLogger(__name__)


def _appointment(appointment_id: str) -> Appointment | None:
    return (
        Appointment.objects.select_related(
            "patient", "doctor__user", "doctor__specialization"
        )
        .filter(pk=appointment_id)
        .first()
    )


@task()
def send_appointment_mail(
    kind: str, appointment_id: str, previous_id: str | None = None
) -> bool:
    """Mail the patient about a booking, confirmation, cancellation or move."""
    appointment = _appointment(appointment_id)
    if appointment is None or not appointment.patient.email:
        logger.warning("appointment mail skipped appointment_id=%s", appointment_id)
        return False
    if kind != "cancelled" and not appointment.is_active:
        # Cancelled again before the job ran: the cancellation mail says so.
        logger.info("stale %s mail dropped appointment_id=%s", kind, appointment_id)
        return False
    previous = _appointment(previous_id) if previous_id else None
    appointment_mail(appointment, kind=kind, previous=previous).send()
    logger.info("appointment mail sent kind=%s appointment_id=%s", kind, appointment_id)
    return True


@task()
def send_reminder(appointment_id: str) -> bool:
    """The deferred reminder of one appointment (skipped if no longer due)."""
    return appointment_reminder_send(appointment_id)


def reminder_schedule(appointment_id: str, *, start_iso: str) -> None:
    """Defer the reminder job to the moment the lead time begins."""
    start = datetime.fromisoformat(start_iso)
    run_after = start - reminder_lead()
    if run_after <= timezone.now():
        return
    send_reminder.using(run_after=run_after).enqueue(appointment_id)


@task()
def sweep_reminders() -> int:
    """Send every due reminder a deferred job missed, then run again later."""
    now = timezone.now()
    sent = 0
    for appointment_id in appointments_due_for_reminder(now=now).values_list(
        "pk", flat=True
    ):
        try:
            sent += appointment_reminder_send(str(appointment_id), now=now)
        except Exception:
            # One bad address must not hold up everyone else's reminder.
            logger.exception("reminder failed appointment_id=%s", appointment_id)
    if sent:
        logger.info("reminder sweep sent=%s", sent)
    sweep_schedule(delay=timedelta(minutes=settings.REMINDER_SWEEP_MINUTES))
    return sent


def sweep_schedule(*, delay: timedelta = timedelta(0)) -> bool:
    """Queue the next sweep unless one is already waiting; True when queued."""
    waiting = DBTaskResult.objects.filter(
        task_path=sweep_reminders.module_path, status=TaskResultStatus.READY
    ).exists()
    if waiting:
        return False
    sweep_reminders.using(run_after=timezone.now() + delay).enqueue()
    return True


@task()
def send_verification_mail(user_id: str) -> bool:
    """Mail a fresh verification token to an unverified user."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.email_verified or not user.email:
        return False
    verification_mail(user, token=email_verification_token(user)).send()
    logger.info("verification mail sent user_id=%s", user_id)
    return True


@task()
def send_password_reset_mail(user_id: str) -> bool:
    """Mail a password reset link made by Django's token generator."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    password_reset_mail(
        user, uid=uid, token=default_token_generator.make_token(user)
    ).send()
    logger.info("password reset mail sent user_id=%s", user_id)
    return True


@task()
def send_waitlist_offer_mail(offer_id: str) -> bool:
    """Tell the patient a freed slot is held for them."""
    offer = (
        WaitlistOffer.objects.select_related("patient", "doctor__user")
        .filter(pk=offer_id)
        .first()
    )
    if offer is None or offer.status != "pending" or not offer.patient.email:
        return False
    waitlist_offer_mail(offer).send()
    logger.info("waitlist offer mail sent offer_id=%s", offer_id)
    return True
