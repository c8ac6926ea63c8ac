"""Settings come from the environment: each variable switches what it promises.

Each case imports the settings in a fresh interpreter, because settings are
read once, at import.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Variables the settings read that a developer's shell or CI may have set.
SCRUBBED = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DJANGO_DEBUG",
    "CHANNEL_PREFIX",
    "DB_POOL_MIN_SIZE",
    "DB_POOL_MAX_SIZE",
    "DB_POOL_TIMEOUT",
    "DATABASE_TEST_NAME",
    "LOG_FORMAT",
    "WORKER_HEARTBEAT_SECONDS",
    "WORKER_STALE_AFTER_SECONDS",
    "WORKER_MAX_ATTEMPTS",
)
PROBE = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "conn_max_age": db.get("CONN_MAX_AGE"),
    "options": {k: v for k, v in db.get("OPTIONS", {}).items() if k != "init_command"},
    "layer": settings.CHANNEL_LAYERS["default"],
    "debug": settings.DEBUG,
    "log_format": settings.LOG_FORMAT,
}))
"""


def _settings(tmp_path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    environment.update(
        DJANGO_SETTINGS_MODULE="project.settings", DATA_DIR=str(tmp_path), **env
    )
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _loaded(tmp_path, **env: str) -> dict:
    result = _settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_no_variables_means_sqlite_and_the_in_memory_layer(tmp_path):
    loaded = _loaded(tmp_path, SECRET_KEY="k" * 50)

    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["name"] == str(tmp_path / "clinic.sqlite3")
    assert loaded["options"]["transaction_mode"] == "IMMEDIATE"
    assert loaded["layer"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert loaded["debug"] is False
    assert loaded["log_format"] == "json"


def test_database_url_switches_to_postgres_with_a_pool(tmp_path):
    loaded = _loaded(
        tmp_path,
        SECRET_KEY="k" * 50,
        DATABASE_URL="postgres://clinic:pw@db.internal:5433/clinic",
        DB_POOL_MAX_SIZE="7",
    )

    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["name"] == "clinic"
    assert loaded["conn_max_age"] == 0
    assert loaded["options"]["pool"] == {
        "min_size": 2,
        "max_size": 7,
        "timeout": 10,
        "reconnect_timeout": 5,
    }


def test_a_database_url_that_is_not_postgres_is_refused_clearly(tmp_path):
    result = _settings(
        tmp_path, SECRET_KEY="k" * 50, DATABASE_URL="mysql://u:p@host/db"
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL must point at PostgreSQL" in (
        result.stderr
    )


def test_redis_url_switches_the_channel_layer_to_redis(tmp_path):
    loaded = _loaded(
        tmp_path,
        SECRET_KEY="k" * 50,
        REDIS_URL="redis://cache.internal:6379/3",
        CHANNEL_PREFIX="clinic_a",
    )

    assert loaded["layer"]["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert loaded["layer"]["CONFIG"] == {
        "hosts": ["redis://cache.internal:6379/3"],
        "prefix": "clinic_a",
    }


def test_a_stale_time_a_live_worker_could_reach_between_beats_is_refused(tmp_path):
    result = _settings(
        tmp_path,
        SECRET_KEY="k" * 50,
        WORKER_HEARTBEAT_SECONDS="10",
        WORKER_STALE_AFTER_SECONDS="15",
    )

    assert result.returncode != 0
    assert "WORKER_STALE_AFTER_SECONDS must be at least twice" in result.stderr


def test_secret_key_is_required_when_debug_is_off(tmp_path):
    result = _settings(tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


def test_debug_runs_without_a_secret_key(tmp_path):
    loaded = _loaded(tmp_path, DJANGO_DEBUG="1")

    assert loaded["debug"] is True
    assert loaded["log_format"] == "plain"


@pytest.mark.parametrize(
    ("name", "value"), [("DJANGO_DEBUG", "perhaps"), ("DB_POOL_MAX_SIZE", "many")]
)
def test_malformed_values_are_refused_naming_the_variable(tmp_path, name, value):
    result = _settings(
        tmp_path,
        SECRET_KEY="k" * 50,
        DATABASE_URL="postgres://u:p@h/db",
        **{name: value},
    )

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} must be" in result.stderr
