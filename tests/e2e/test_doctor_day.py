"""A doctor runs the day: the queue moves on the patient's page too."""

import pytest

from tests.e2e.helpers import axe_violations, copy_to_docs, screenshot, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_doctor_moves_the_queue_and_the_waiting_patient_sees_it(server, new_page):
    seeded = server.seed("queue", "Queue")
    patient = new_page(width=390, height=844)
    sign_in(patient, seeded["second"], PASSWORD)
    patient.goto(f"/appointments/{seeded['second_appointment']}")
    place = patient.locator("[data-position]")
    assert place.inner_text() == "2"
    patient.wait_for_selector("body[data-live='on']")

    doctor = new_page()
    sign_in(doctor, seeded["doctor"], PASSWORD)
    doctor.goto("/doctor/queue/")
    doctor.get_by_role("button", name="Check in Ada Quinn").click()
    doctor.get_by_text("Checked in.").wait_for()
    doctor.get_by_role("button", name="Start with Ada Quinn").click()
    doctor.get_by_text("Consultation started.").wait_for()

    patient.wait_for_function(
        "document.querySelector('[data-position]').textContent === '1'",
        timeout=3000,
    )
    screenshot(doctor, "doctor-queue")
    copy_to_docs("doctor-queue")
    screenshot(patient, "patient-queue-phone")
    copy_to_docs("patient-queue-phone")
    assert axe_violations(doctor) == []


def test_doctor_adds_working_hours_on_the_schedule(server, new_page):
    seeded = server.seed("queue", "Sched")
    doctor = new_page()
    sign_in(doctor, seeded["doctor"], PASSWORD)
    doctor.goto("/doctor/schedule/")

    form = doctor.locator("form", has=doctor.get_by_role("button", name="Add hours"))
    form.get_by_label("From").fill("13:00")
    form.get_by_label("To").fill("16:30")
    form.get_by_role("button", name="Add hours").click()

    doctor.get_by_text("Working hours added.").wait_for()
    assert doctor.get_by_text("Working 13:00–16:30").is_visible()
    screenshot(doctor, "doctor-schedule")
    copy_to_docs("doctor-schedule")
    assert axe_violations(doctor) == []

    patient = new_page()
    sign_in(patient, seeded["second"], PASSWORD)
    patient.goto("/appointments/")
    screenshot(patient, "my-appointments")
    assert axe_violations(patient) == []
