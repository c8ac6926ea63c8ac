"""A visitor searches, signs up and signs in, in a real browser."""

import pytest

from tests.e2e.helpers import axe_violations, copy_to_docs, screenshot, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def doctor(server):
    return server.seed("doctor", "Search")


def test_visitor_finds_a_doctor_by_symptom_and_opens_the_profile(
    server, new_page, doctor
):
    page = new_page()

    page.goto("/")
    page.get_by_label("Symptoms").fill("chest pain")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Dr. Hana Search", exact=True).click()

    page.wait_for_url(f"**/doctors/{doctor['doctor_id']}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dr. Hana Search"


def test_sign_up_then_confirm_the_address_from_the_mail(server, new_page):
    page = new_page()

    page.goto("/accounts/signup/")
    page.get_by_label("First name").fill("Maria")
    page.get_by_label("Last name").fill("Lopez")
    page.get_by_label("Date of birth").fill("1988-02-03")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("E-mail").fill("maria@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password again").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Create account").click()

    page.wait_for_url(server.url + "/")
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.get_by_text("Please confirm your e-mail address").is_visible()

    page.goto(server.link_in_mail("maria@example.com", "/verify-email"))
    page.get_by_role("button", name="Confirm my e-mail address").click()

    page.get_by_text("your e-mail address is confirmed").wait_for()
    assert not page.get_by_text("Please confirm your e-mail address").is_visible()


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/signup/", "/doctors/{doctor}/"]
)
def test_public_pages_have_no_wcag_aa_violations(server, new_page, path, doctor):
    page = new_page()
    page.goto(path.format(doctor=doctor["doctor_id"]))

    assert axe_violations(page) == []


def test_public_pages_fit_a_phone_screen(server, new_page, doctor):
    page = new_page(width=375, height=800)
    page.goto("/")

    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    screenshot(page, "home-phone")
    assert overflow <= 0


def test_signed_in_home_screenshot(server, new_page):
    server.seed("patient", "screenshot")
    page = new_page()
    sign_in(page, "screenshot", PASSWORD)
    page.goto("/")

    screenshot(page, "home")
    copy_to_docs("home")
