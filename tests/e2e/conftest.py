"""A real app server (uvicorn, ASGI, websockets) and headless Chromium.

The server runs in its own process on a free port (or ``E2E_PORT``) against a
fresh SQLite database in a temporary folder, with mail written to files the
tests read. Tests save screenshots under ``test-artifacts/``.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason="Chromium is not installed (apt-get install chromium)"
    )
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(skip)


def _free_port() -> int:
    """``E2E_PORT``, or a port the system has free: parallel runs must not collide."""
    if os.environ.get("E2E_PORT"):
        return int(os.environ["E2E_PORT"])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_env(tmp: Path, url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.e2e.server_settings",
        DJANGO_DEBUG="1",
        DATA_DIR=str(tmp / "data"),
        E2E_MAIL_DIR=str(tmp / "mail"),
        RATELIMIT_ENABLE="0",
        # Mail jobs run inside the request, so the outbox is filled at once.
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        SITE_URL=url,
    )
    return env


class Server:
    """The running app: its address, its outbox and a way to seed records."""

    def __init__(self, env: dict[str, str], url: str) -> None:
        self.env = env
        self.url = url
        self.mail_dir = Path(env["E2E_MAIL_DIR"])

    def seed(self, kind: str, name: str) -> dict:
        out = subprocess.run(
            [sys.executable, "-m", "tests.e2e.seed", kind, name],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    def link_in_mail(self, address: str, path: str) -> str:
        """The first link to ``path`` in the newest mail to ``address``."""
        text = self.mail_to(address)
        found = re.search(re.escape(self.url + path) + r"[^\s\"<>]*", text)
        assert found, f"no {path} link in the mail to {address}"
        return found.group(0)

    def mail_to(self, address: str) -> str:
        """The text of the newest message sent to ``address``."""
        messages = sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime)
        for path in reversed(messages):
            text = path.read_text()
            if f"To: {address}" in text:
                return text
        raise AssertionError(f"no mail to {address}")


def _wait_until_up(process: subprocess.Popen, url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the app server exited during start-up")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the app server did not come up")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    (tmp / "mail").mkdir()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = _server_env(tmp, url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    log = (tmp / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "project.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(process, url)
        yield Server(env, url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        if os.environ.get("CI"):
            print((tmp / "server.log").read_text()[-4000:])


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, server):
    """Open pages in separate browser contexts (separate cookies, like two people)."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=server.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
