"""Shared fixtures: users per role, API auth headers, service gating."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from ninja_jwt.tokens import RefreshToken

from tests.factories import make_doctor, make_patient, make_user

# Under CI a test that needs PostgreSQL or Redis must run: a missing service
# fails it instead of skipping it. REQUIRE_SERVICES=0 lets CI's embedded
# (SQLite) pass skip them as a developer's run would.
REQUIRE_SERVICES = os.environ.get(
    "REQUIRE_SERVICES", os.environ.get("CI", "")
).lower() in {"1", "true", "yes"}


def pytest_configure(config):
    # Production-strength hashing is the slowest part of creating a user.
    settings.PASSWORD_HASHERS = ["tests.hashers.QuickArgon2PasswordHasher"]


def _missing_services() -> dict[str, str]:
    missing = {}
    if not settings.USING_POSTGRES:
        missing["postgres"] = "needs PostgreSQL: set DATABASE_URL"
    if not settings.REDIS_URL:
        missing["redis"] = "needs Redis: set REDIS_URL"
    return missing


def pytest_runtest_setup(item):
    for marker, reason in _missing_services().items():
        if item.get_closest_marker(marker):
            if REQUIRE_SERVICES:
                pytest.fail(f"{reason} (required under CI)", pytrace=False)
            pytest.skip(reason)


@pytest.fixture
def patient(db):
    return make_patient()


@pytest.fixture
def doctor(db):
    return make_doctor()


@pytest.fixture
def admin_user(db):
    return make_user(username="admin", role="admin", is_staff=True, is_superuser=True)


def bearer(user) -> dict[str, str]:
    """Authorization header for ``user`` with a fresh access token."""
    token = RefreshToken.for_user(user).access_token
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Production hashes static names through a manifest that collectstatic
    # writes at image build time (tests/project/test_container.py runs it);
    # pages rendered in other tests use the plain names instead, and
    # ServeStatic finds the files in the apps rather than in STATIC_ROOT.
    settings.STATIC_ROOT = None
    settings.SERVESTATIC_USE_FINDERS = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the cache; each test starts with none.
    cache.clear()
