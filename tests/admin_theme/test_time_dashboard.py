"""The dashboard timing command renders the page and reports what it measured."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_appointment, make_user

pytestmark = pytest.mark.django_db


def test_it_reports_the_median_and_the_queries_of_one_request(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = make_user(role="admin", is_staff=True)
    make_appointment()
    out = io.StringIO()

    call_command("time_dashboard", runs=2, admin=admin.username, stdout=out)

    report = out.getvalue()
    assert re.search(r"median \d+\.\d{3} s", report), report
    queries = int(re.search(r"; (\d+) queries", report).group(1))
    assert queries > 10
    assert "load average" in report


def test_an_unknown_admin_is_refused():
    with pytest.raises(CommandError, match="nobody"):
        call_command("time_dashboard", runs=1, admin="nobody")
