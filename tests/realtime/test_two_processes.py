"""Two app processes behind one Redis: what one hears, the other caused.

Starts two uvicorn servers against the test database (PostgreSQL) and the
Redis channel layer, then drives them as clients would: HTTP through one,
websockets on the other. The ports come from the operating system, so suites
running side by side never collide. Every wait is bounded and both processes
are always stopped.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time as clock
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from websockets.asyncio.client import connect

from tests.conftest import bearer
from tests.factories import make_doctor, make_patient, make_window

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
WAIT = 10


def _server_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}"
            f"/{db['NAME']}"
        ),
        DB_POOL_MIN_SIZE="1",
        DB_POOL_MAX_SIZE="4",
        RATELIMIT_ENABLE="0",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(process: subprocess.Popen, port: int) -> None:
    deadline = clock.monotonic() + 30
    while clock.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on {port} exited during start-up")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).is_success:
                return
        except httpx.HTTPError:
            pass
        clock.sleep(0.2)
    raise RuntimeError(f"the server on {port} did not come up")


@pytest.fixture
def servers(transactional_db, tmp_path):
    """Two uvicorn processes on the Redis layer and the test database."""
    env = _server_env()
    ports = [_free_port(), _free_port()]
    processes = []
    try:
        for port in ports:
            log = (tmp_path / f"server-{port}.log").open("w")
            processes.append(
                subprocess.Popen(
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
            )
        for process, port in zip(processes, ports, strict=True):
            _wait_until_up(process, port)
        yield [f"127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


async def _next(ws, kind: str) -> dict:
    """The next frame of type ``kind``, skipping others; bounded by WAIT."""
    async with asyncio.timeout(WAIT):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == kind:
                return frame


def _socket(host: str, path: str):
    return connect(
        f"ws://{host}{path}", origin=f"http://{host}", open_timeout=WAIT, proxy=None
    )


def _clinic() -> dict:
    """Tomorrow 09:00-09:30 at one doctor; a booker, a waiter and a third patient."""
    doctor = make_doctor(time_zone="Europe/London", min_notice_minutes=0)
    zone = ZoneInfo("Europe/London")
    day = datetime.now(zone).date() + timedelta(days=1)
    make_window(doctor, day, "09:00", "09:30")
    booker, waiter, third = make_patient(), make_patient(), make_patient()
    return {
        "doctor_id": doctor.pk,
        "day": day,
        "nine": datetime.combine(day, time(9), tzinfo=zone),
        "waiter_id": str(waiter.pk),
        "doctor": bearer(doctor.user),
        "booker": bearer(booker),
        "waiter": bearer(waiter),
        "third": bearer(third),
    }


async def test_a_booking_through_one_process_is_heard_on_the_other_and_an_offer_flows(
    servers,
):
    first, second = servers
    clinic = await database_sync_to_async(_clinic)()
    doctor_id, day, nine = clinic["doctor_id"], clinic["day"], clinic["nine"]
    token = clinic["waiter"]["Authorization"].removeprefix("Bearer ")

    async with (
        httpx.AsyncClient(base_url=f"http://{second}/api/v1", timeout=WAIT) as api2,
        httpx.AsyncClient(base_url=f"http://{first}/api/v1", timeout=WAIT) as api1,
        _socket(first, f"/ws/doctors/{doctor_id}/availability/") as slots,
        _socket(first, "/ws/me/") as me,
    ):
        await me.send(json.dumps({"type": "authenticate", "token": token}))
        assert (await _next(me, "authenticated"))["user_id"] == clinic["waiter_id"]

        booked = await api2.post(
            "/appointments",
            json={"doctor_id": doctor_id, "start": nine.isoformat()},
            headers=clinic["booker"],
        )
        assert booked.status_code == 201
        heard = await _next(slots, "slot.booked")
        assert datetime.fromisoformat(heard["start"]) == nine
        assert heard["doctor_id"] == doctor_id

        joined = await api2.post(
            "/waitlist",
            json={"doctor_id": doctor_id, "date_from": str(day), "date_to": str(day)},
            headers=clinic["waiter"],
        )
        assert joined.status_code == 201
        cancelled = await api2.post(
            f"/appointments/{booked.json()['id']}/cancel",
            json={"reason": "clash"},
            headers=clinic["doctor"],
        )
        assert cancelled.status_code == 200

        offer = await _next(me, "waitlist.offer")
        assert datetime.fromisoformat(offer["start"]) == nine
        assert datetime.fromisoformat(offer["expires_at"]) > datetime.now(UTC)
        assert (
            datetime.fromisoformat((await _next(slots, "slot.held"))["start"]) == nine
        )

        refused = await api1.post(
            "/appointments",
            json={"doctor_id": doctor_id, "start": nine.isoformat()},
            headers=clinic["third"],
        )
        assert refused.status_code == 409
        accepted = await api1.post(
            f"/waitlist/offers/{offer['offer_id']}/accept", headers=clinic["waiter"]
        )
        assert accepted.status_code == 201
        assert accepted.json()["patient_id"] == clinic["waiter_id"]
        assert (
            datetime.fromisoformat((await _next(slots, "slot.booked"))["start"]) == nine
        )
