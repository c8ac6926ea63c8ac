"""What the browser tests share: screenshots, the accessibility check, sign-in."""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

# axe-core comes from the npm registry at test time (see .ci/run); it is never
# copied into the app's static files.
AXE_CANDIDATES = [
    os.environ.get("AXE_CORE_JS", ""),
    "/tmp/clinic-axe/node_modules/axe-core/axe.min.js",
]


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def axe_script() -> str | None:
    for candidate in AXE_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text()
    return None


def axe_violations(page) -> list[dict]:
    """Run axe-core's WCAG 2.1 A and AA rules on the page as it is now."""
    script = axe_script()
    if script is None:
        reason = "axe-core is not installed (npm install axe-core, see .ci/run)"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    # Evaluated through the DevTools protocol rather than added as an inline
    # <script>, which the pages' Content-Security-Policy rightly refuses.
    page.evaluate(script)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return result


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def copy_to_docs(name: str) -> None:
    """Keep the README's picture of a page in step with the latest run."""
    if os.environ.get("E2E_UPDATE_DOCS"):
        target = ROOT / "docs" / "img"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(ARTIFACTS / f"{name}.png", target / f"{name}.png")
