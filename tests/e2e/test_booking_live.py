"""A patient books; someone else watching the same doctor sees the slot vanish."""

import time

import pytest

from tests.e2e.helpers import axe_violations, copy_to_docs, screenshot

pytestmark = pytest.mark.e2e


def _sign_up(page, username: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Date of birth").fill("1991-07-14")
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail").fill(f"{username}@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password again").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/")


def test_booked_slot_vanishes_live_for_another_viewer(server, new_page):
    doctor = server.seed("doctor", "Live")
    doctor_path = f"/doctors/{doctor['doctor_id']}/"
    watcher = new_page()
    watcher.goto(doctor_path)
    watcher.wait_for_selector("[data-live-slots][data-live='on']")

    patient = new_page()
    _sign_up(patient, "nia")
    assert patient.get_by_text("Please confirm your e-mail address").is_visible()
    patient.goto(server.link_in_mail("nia@example.com", "/verify-email"))
    patient.get_by_role("button", name="Confirm my e-mail address").click()
    patient.get_by_text("your e-mail address is confirmed").wait_for()
    patient.goto(doctor_path)
    first = patient.locator("li.slot").first
    start = first.get_attribute("data-start")
    first.locator("input").check()
    screenshot(patient, "doctor-week")
    copy_to_docs("doctor-week")
    patient.get_by_role("button", name="Continue with this time").click()
    patient.get_by_label("Reason for the visit").fill("Palpitations after exercise")
    screenshot(patient, "booking-confirm")
    watched = watcher.locator(f"li.slot[data-start='{start}']")
    assert watched.count() == 1

    patient.get_by_role("button", name="Confirm booking").click()
    patient.wait_for_url("**/appointments/*")
    booked_at = time.monotonic()
    watched.wait_for(state="detached", timeout=3000)
    elapsed = time.monotonic() - booked_at

    assert elapsed < 1.0, f"slot vanished after {elapsed:.2f}s"
    assert "was just booked" in watcher.locator("[data-live-status]").inner_text()
    assert patient.get_by_text("Your visit is booked.").is_visible()
    screenshot(patient, "appointment")
    assert axe_violations(patient) == []
