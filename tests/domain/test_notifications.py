"""Mails about appointments and offers: sent by jobs, after commit, with ICS files."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from domain import events
from domain.models import Appointment, WaitlistEntry, WaitlistOffer
from domain.notifications.tasks import send_reminder, sweep_reminders, sweep_schedule
from tests.factories import make_appointment, make_doctor, make_patient
from tests.jobs import run_ready_jobs

pytestmark = pytest.mark.django_db


def _payload(appointment: Appointment, **extra) -> dict:
    return {
        "appointment_id": str(appointment.pk),
        "doctor_id": appointment.doctor_id,
        "patient_id": str(appointment.patient_id),
        "start": appointment.start.isoformat(),
        "end": appointment.end.isoformat(),
        "status": appointment.status,
        **extra,
    }


def _emit(name: str, payload: dict, capture) -> None:
    with capture(execute=True), transaction.atomic():
        events.emit(name, **payload)


def _calendars(message) -> list[Calendar]:
    found = []
    for part in message.message().walk():
        if part.get_content_type() == "text/calendar":
            found.append(Calendar.from_ical(part.get_payload(decode=True)))
    return found


def test_booking_mail_is_queued_after_commit_and_carries_the_calendar_file(
    django_capture_on_commit_callbacks,
):
    appointment = make_appointment(sequence=2)

    _emit(
        events.APPOINTMENT_BOOKED,
        _payload(appointment),
        django_capture_on_commit_callbacks,
    )
    assert mail.outbox == []
    run_ready_jobs()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [appointment.patient.email]
    assert message.subject == "Your appointment is confirmed"
    assert message.alternatives[0].mimetype == "text/html"
    [calendar] = _calendars(message)
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == f"appointment-{appointment.pk}@127.0.0.1"
    assert event["SEQUENCE"] == 2
    assert event.decoded("DTSTART") == appointment.start
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)


def test_nothing_is_sent_when_the_booking_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    appointment = make_appointment()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        events.emit(events.APPOINTMENT_BOOKED, **_payload(appointment))
        raise RuntimeError("booking failed")
    run_ready_jobs()

    assert mail.outbox == []
    assert not DBTaskResult.objects.exists()


def test_pending_booking_mail_says_the_request_awaits_confirmation(
    django_capture_on_commit_callbacks,
):
    appointment = make_appointment(status="pending")

    _emit(
        events.APPOINTMENT_BOOKED,
        _payload(appointment),
        django_capture_on_commit_callbacks,
    )
    run_ready_jobs()

    assert mail.outbox[0].subject == "Your appointment request has been received"
    event = _calendars(mail.outbox[0])[0].walk("VEVENT")[0]
    assert event["STATUS"] == "TENTATIVE"


def test_cancellation_mail_gives_the_reason_and_cancels_the_calendar_entry(
    django_capture_on_commit_callbacks,
):
    appointment = make_appointment(
        status="cancelled", cancellation_reason="Doctor is ill & away", sequence=1
    )

    _emit(
        events.APPOINTMENT_CANCELLED,
        _payload(appointment, cancelled_by_id=None, reason="Doctor is ill & away"),
        django_capture_on_commit_callbacks,
    )
    run_ready_jobs()

    message = mail.outbox[0]
    assert "Reason given: Doctor is ill & away" in message.body
    assert "Doctor is ill &amp; away" in message.alternatives[0].content
    [calendar] = _calendars(message)
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_reschedule_mail_moves_the_same_calendar_event(
    django_capture_on_commit_callbacks,
):
    doctor = make_doctor()
    patient = make_patient()
    first = make_appointment(doctor=doctor, patient=patient, status="cancelled")
    old = make_appointment(
        doctor=doctor,
        patient=patient,
        start=first.start + timedelta(days=1),
        status="cancelled",
        rescheduled_from=first,
        sequence=2,
    )
    new = make_appointment(
        doctor=doctor,
        patient=patient,
        start=old.start + timedelta(days=1),
        rescheduled_from=old,
        sequence=4,
    )

    _emit(
        events.APPOINTMENT_RESCHEDULED,
        _payload(
            new,
            previous_id=str(old.pk),
            previous_start=old.start.isoformat(),
            previous_end=old.end.isoformat(),
        ),
        django_capture_on_commit_callbacks,
    )
    run_ready_jobs()

    [message] = mail.outbox
    assert message.subject == "Your appointment has been moved"
    [calendar] = _calendars(message)
    event = calendar.walk("VEVENT")[0]
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"appointment-{first.pk}@127.0.0.1"
    assert event["SEQUENCE"] == 4
    assert event.decoded("DTSTART") == new.start


def test_confirmation_of_a_pending_booking_sends_the_confirmed_mail(
    django_capture_on_commit_callbacks,
):
    appointment = make_appointment()

    _emit(
        events.APPOINTMENT_STATUS_CHANGED,
        _payload(appointment, previous_status="pending"),
        django_capture_on_commit_callbacks,
    )
    run_ready_jobs()

    assert [m.subject for m in mail.outbox] == ["Your appointment is confirmed"]


def test_mails_never_contain_the_reason_for_the_visit(
    django_capture_on_commit_callbacks,
):
    appointment = make_appointment(reason="suspected pregnancy")

    _emit(
        events.APPOINTMENT_BOOKED,
        _payload(appointment),
        django_capture_on_commit_callbacks,
    )
    run_ready_jobs()

    assert "pregnancy" not in mail.outbox[0].message().as_string()


def test_waitlist_offer_mail_names_the_slot_and_the_deadline(
    django_capture_on_commit_callbacks,
):
    doctor = make_doctor()
    patient = make_patient()
    start = timezone.now() + timedelta(days=2)
    entry = WaitlistEntry.objects.create(
        patient=patient,
        doctor=doctor,
        date_from=start.date(),
        date_to=start.date(),
        status="offered",
    )
    offer = WaitlistOffer.objects.create(
        entry=entry,
        doctor=doctor,
        patient=patient,
        start=start,
        end=start + timedelta(minutes=30),
        expires_at=timezone.now() + timedelta(minutes=15),
    )

    _emit(
        events.OFFER_MADE,
        {
            "offer_id": offer.pk,
            "doctor_id": doctor.pk,
            "patient_id": str(patient.pk),
            "start": offer.start.isoformat(),
            "end": offer.end.isoformat(),
            "expires_at": offer.expires_at.isoformat(),
        },
        django_capture_on_commit_callbacks,
    )
    run_ready_jobs()

    [message] = mail.outbox
    assert message.to == [patient.email]
    assert f"/waitlist/offers/{offer.pk}/accept" in message.body


# --- Reminders ---------------------------------------------------------------


def test_booking_defers_a_reminder_job_to_a_day_before_the_visit(
    django_capture_on_commit_callbacks,
):
    appointment = make_appointment()

    _emit(
        events.APPOINTMENT_BOOKED,
        _payload(appointment),
        django_capture_on_commit_callbacks,
    )

    job = DBTaskResult.objects.get(task_path=send_reminder.module_path)
    assert job.run_after == appointment.start - timedelta(hours=24)
    assert job.args_kwargs["args"] == [str(appointment.pk)]


def test_reminder_job_sends_once_and_sets_the_flag(time_machine):
    appointment = make_appointment(start=timezone.now() + timedelta(days=3))
    time_machine.move_to(appointment.start - timedelta(hours=23))

    send_reminder.call(str(appointment.pk))
    send_reminder.call(str(appointment.pk))

    assert [m.subject for m in mail.outbox] == ["Reminder: your appointment tomorrow"]
    assert _calendars(mail.outbox[0])[0]["METHOD"] == "REQUEST"
    appointment.refresh_from_db()
    assert appointment.reminder_sent is True


@pytest.mark.parametrize(
    "change",
    [
        {"status": "cancelled"},
        {"status": "completed"},
        {"booked_at_offset": timedelta(hours=-2)},
    ],
    ids=["cancelled", "completed", "booked-inside-the-lead-time"],
)
def test_reminder_is_skipped_when_not_due(change, time_machine):
    start = timezone.now() + timedelta(days=3)
    fields = {"status": change.get("status", "confirmed")}
    if "booked_at_offset" in change:
        fields["booked_at"] = start + change["booked_at_offset"]
    appointment = make_appointment(start=start, **fields)
    time_machine.move_to(start - timedelta(hours=1))

    assert send_reminder.call(str(appointment.pk)) is False

    assert mail.outbox == []
    appointment.refresh_from_db()
    assert appointment.reminder_sent is False


def test_sweep_sends_due_reminders_and_queues_exactly_one_next_sweep(time_machine):
    now = timezone.now()
    due = make_appointment(start=now + timedelta(hours=5))
    later = make_appointment(start=now + timedelta(days=3))

    assert sweep_schedule() is True
    assert sweep_schedule() is False
    run_ready_jobs()

    assert len(mail.outbox) == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.reminder_sent, later.reminder_sent) == (True, False)
    waiting = DBTaskResult.objects.filter(
        task_path=sweep_reminders.module_path, status="READY"
    )
    assert waiting.count() == 1
    assert waiting.get().run_after > now + timedelta(minutes=14)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_the_reminder_exactly_once():
    import threading

    from django.db import connection

    from domain.services.reminders import appointment_reminder_send

    appointment = make_appointment(start=timezone.now() + timedelta(hours=3))
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(appointment_reminder_send(str(appointment.pk)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
    appointment.refresh_from_db()
    assert appointment.reminder_sent is True


def test_schedule_reminders_command_is_idempotent():
    from django.core.management import call_command

    call_command("schedule_reminders")
    call_command("schedule_reminders")

    assert (
        DBTaskResult.objects.filter(task_path=sweep_reminders.module_path).count() == 1
    )


def test_booking_mail_is_dropped_when_the_visit_was_cancelled_before_the_job_ran(
    django_capture_on_commit_callbacks,
):
    appointment = make_appointment()
    _emit(
        events.APPOINTMENT_BOOKED,
        _payload(appointment),
        django_capture_on_commit_callbacks,
    )
    Appointment.objects.filter(pk=appointment.pk).update(status="cancelled")

    run_ready_jobs()

    assert mail.outbox == []


def test_a_failed_reminder_send_gives_the_claim_back_for_the_next_sweep(
    monkeypatch, time_machine
):
    from django.core.mail import EmailMultiAlternatives

    from domain.services.reminders import appointment_reminder_send

    appointment = make_appointment(start=timezone.now() + timedelta(days=3))
    time_machine.move_to(appointment.start - timedelta(hours=2))

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", refuse)
        with pytest.raises(ConnectionRefusedError):
            appointment_reminder_send(str(appointment.pk))
    appointment.refresh_from_db()
    assert appointment.reminder_sent is False

    assert appointment_reminder_send(str(appointment.pk)) is True
    assert len(mail.outbox) == 1
