"""An admin signs in and reads the dashboard: cards agree, charts are drawn."""

import json
import subprocess
import sys

import pytest

from tests.e2e.helpers import ROOT, copy_to_docs, screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def clinic(server):
    out = subprocess.run(
        [sys.executable, "-m", "tests.e2e.admin_seed"],
        env=server.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_admin_dashboard_shows_the_clinic_at_a_glance(server, new_page, clinic):
    page = new_page(width=1440, height=900)

    page.goto("/admin/")
    page.get_by_label("Username").fill(clinic["username"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("#clinic-dashboard")

    cards = {
        name: page.locator(f'[data-card="{name}"]').inner_text().strip()
        for name in ("today", "cancellation", "no-show", "waitlist")
    }
    assert cards == {
        "today": str(clinic["today"]),
        "cancellation": clinic["cancellation"],
        "no-show": clinic["no_show"],
        "waitlist": str(clinic["waitlist"]),
    }
    charts = page.evaluate(
        """() => Array.from(document.querySelectorAll('canvas.chart')).map(c => {
            const chart = Chart.getChart(c);
            if (!chart) return null;
            return {
                height: c.clientHeight,
                points: chart.data.datasets.reduce(
                    (n, d) => n + d.data.filter(v => v !== null && v > 0).length, 0),
            };
        })"""
    )
    flagged = page.locator("#high-demand tbody tr")
    assert flagged.count() == min(clinic["high_demand"], 12)
    assert "Okafor" in flagged.first.inner_text()
    assert len(charts) == 7
    assert all(chart and chart["height"] > 100 for chart in charts), charts
    assert all(chart["points"] > 0 for chart in charts), charts
    screenshot(page, "admin-dashboard")
    copy_to_docs("admin-dashboard")
