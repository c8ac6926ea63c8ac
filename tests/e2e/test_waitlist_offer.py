"""A waitlisted patient is offered a freed time live and accepts it; everyone
else sees the time held meanwhile, live and on a fresh page."""

import pytest

from tests.e2e.helpers import axe_violations, copy_to_docs, screenshot, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_waitlisted_patient_accepts_a_freed_slot_offered_live(server, new_page):
    seeded = server.seed("waitlist", "Wait")
    waiter = new_page()
    sign_in(waiter, seeded["waiter"], PASSWORD)
    waiter.goto(f"/doctors/{seeded['doctor_id']}/")
    waiter.get_by_role("button", name="Join the waiting list").click()
    waiter.get_by_text("You are on the waiting list.").wait_for()
    waiter.wait_for_selector("body[data-live='on']")

    doctor_path = f"/doctors/{seeded['doctor_id']}/"
    watcher = new_page()
    watcher.goto(doctor_path)
    watcher.wait_for_selector("[data-live-slots][data-live='on']")
    assert watcher.locator("li.slot").count() == 0

    holder = new_page()
    sign_in(holder, seeded["holder"], PASSWORD)
    holder.goto(f"/appointments/{seeded['appointment_id']}")
    holder.get_by_text("Cancel this appointment").click()
    holder.get_by_label("Why are you cancelling?").fill("Feeling better")
    holder.get_by_role("button", name="Cancel appointment").click()

    dialog = waiter.get_by_role("dialog", name="A time is free for you")
    dialog.wait_for(timeout=5000)
    assert "Held for you for" in dialog.inner_text()
    screenshot(waiter, "waitlist-offer")
    copy_to_docs("waitlist-offer")
    # The freed time shows up held for the others: live, and on first render.
    watcher.locator("li.slot-held").wait_for(timeout=3000)
    fresh = new_page()
    fresh.goto(doctor_path)
    assert fresh.locator("li.slot-held input").is_disabled()
    assert "held for a patient" in fresh.locator("li.slot-held").text_content()
    assert axe_violations(fresh) == []
    dialog.get_by_role("button", name="Accept and book").click()

    waiter.get_by_text("The time is yours").wait_for()
    assert waiter.get_by_text("Confirmed").first.is_visible()
    watcher.locator("li.slot-held").wait_for(state="detached", timeout=3000)
