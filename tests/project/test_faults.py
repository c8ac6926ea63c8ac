"""Surviving outages of Redis and PostgreSQL.

The shared servers are never stopped: a Redis outage is a closed port or a
private ``redis-server`` this test starts and stops on its own port, and a
PostgreSQL outage is a TCP proxy in front of the shared server that the test
cuts and restores while an app server runs behind it.
"""

import asyncio
import contextlib
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from channels.layers import channel_layers, get_channel_layer
from django.utils import timezone

from domain.models import Appointment, AppointmentStatus, PatientProfile, User
from realtime.groups import availability_group
from tests.conftest import bearer
from tests.factories import PASSWORD, make_doctor, make_patient, make_window
from tests.realtime.conftest import communicator

ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT = 8164
PRIVATE_REDIS_PORT = 8163


def _redis_settings(settings, port: int) -> None:
    url = f"redis://127.0.0.1:{port}/0"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [url], "prefix": "clinic_faults"},
        }
    }
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    channel_layers.backends = {}


@pytest.fixture
def layer_reset():
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


@pytest.mark.django_db(transaction=True)
def test_with_redis_unreachable_accounts_work_and_readiness_reports_the_layer_down(
    client, settings, layer_reset
):
    _redis_settings(settings, CLOSED_PORT)
    patient = make_patient()

    ready = client.get("/readyz")
    health = client.get("/healthz")
    signed_in = client.post(
        "/api/v1/auth/token/pair",
        {"username": patient.username, "password": PASSWORD},
        content_type="application/json",
    )
    registered = client.post(
        "/api/v1/auth/register",
        {
            "username": "during-outage",
            "email": "during-outage@example.com",
            "password": "a-long-and-unusual-passphrase",
            "date_of_birth": "1991-07-07",
        },
        content_type="application/json",
    )

    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["checks"]["channel_layer"] == "unavailable"
    assert ready.json()["checks"]["database"] == "ok"
    assert health.status_code == 503
    assert health.json()["channel_layer"] == "unavailable"
    assert health.json()["database"] == "ok"
    assert signed_in.status_code == 200
    assert registered.status_code == 201
    assert PatientProfile.objects.filter(user__username="during-outage").exists()


@pytest.mark.django_db(transaction=True)
def test_with_redis_unreachable_booking_and_cancelling_still_work(
    client, settings, layer_reset
):
    _redis_settings(settings, CLOSED_PORT)
    patient = make_patient()
    doctor = make_doctor()
    day = timezone.localdate() + timedelta(days=5)
    make_window(doctor, day, "09:00", "10:00")
    start = datetime.combine(day, wall_time(9), ZoneInfo(doctor.time_zone))

    booked = client.post(
        "/api/v1/appointments",
        {"doctor_id": doctor.pk, "start": start.isoformat()},
        content_type="application/json",
        headers=bearer(patient),
    )
    assert booked.status_code == 201, booked.content
    cancelled = client.post(
        f"/api/v1/appointments/{booked.json()['id']}/cancel",
        {},
        content_type="application/json",
        headers=bearer(patient),
    )

    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    assert Appointment.objects.get().status == AppointmentStatus.CANCELLED


class PrivateRedis:
    """A throwaway redis-server on our own port; never the shared one."""

    def __init__(self, port: int) -> None:
        self.port = port

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
            ],
            check=True,
            capture_output=True,
        )
        self._wait(up=True)

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            capture_output=True,
        )
        self._wait(up=False)

    def _wait(self, *, up: bool) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if (sock.connect_ex(("127.0.0.1", self.port)) == 0) == up:
                    return
            time.sleep(0.05)
        raise AssertionError(
            f"redis on {self.port} did not go {'up' if up else 'down'}"
        )


@pytest.fixture
def private_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(PRIVATE_REDIS_PORT)
    server.stop()
    server.start()
    yield server
    server.stop()


async def _push_until_received(ws, group: str, *, seconds: float) -> dict:
    """Send a group message every half second until the socket gets one."""
    layer = get_channel_layer()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            await asyncio.wait_for(
                layer.group_send(group, {"type": "push", "payload": {"type": "probe"}}),
                timeout=1,
            )
        except Exception:
            await asyncio.sleep(0.3)
            continue
        # receive_nothing() waits without cancelling the consumer on timeout.
        if not await ws.receive_nothing(timeout=0.5):
            return await ws.receive_json_from(timeout=2)
    raise AssertionError("no message reached the websocket")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
async def test_websockets_work_again_when_redis_returns_without_a_restart(
    settings, layer_reset, private_redis
):
    _redis_settings(settings, PRIVATE_REDIS_PORT)
    doctor = await asyncio.to_thread(make_doctor)
    group = availability_group(doctor.pk)
    before = communicator(f"/ws/doctors/{doctor.pk}/availability/")
    assert (await before.connect(timeout=5))[0]
    assert (await _push_until_received(before, group, seconds=5))["type"] == "probe"

    await asyncio.to_thread(private_redis.stop)
    with pytest.raises(Exception):  # noqa: B017 - any connection error will do
        await asyncio.wait_for(
            get_channel_layer().group_send(group, {"type": "push", "payload": {}}), 2
        )
    await asyncio.to_thread(private_redis.start)

    # The socket opened before the outage hears the group again...
    assert (await _push_until_received(before, group, seconds=15))["type"] == "probe"
    # ...and a new one connects and hears it too, in the same process.
    after = communicator(f"/ws/doctors/{doctor.pk}/availability/")
    assert (await after.connect(timeout=5))[0]
    assert (await _push_until_received(after, group, seconds=10))["type"] == "probe"
    await before.disconnect()
    await after.disconnect()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TcpProxy:
    """Forwards a local port to PostgreSQL; ``cut()`` drops every connection.

    While cut, the port is closed (connecting is refused) and no connection
    made before the cut, or accepted while it happened, carries a byte.
    """

    def __init__(self, port: int, target: tuple[str, int]) -> None:
        self.port = port
        self.target = target
        self.sockets: set[socket.socket] = set()
        self.listener: socket.socket | None = None
        self.acceptor: threading.Thread | None = None
        self.lock = threading.Lock()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        with self.lock:
            self.listener = listener
        self.acceptor = threading.Thread(
            target=self._accept, args=(listener,), daemon=True
        )
        self.acceptor.start()

    def cut(self) -> None:
        with self.lock:
            listener, self.listener = self.listener, None
            sockets, self.sockets = self.sockets, set()
        if listener is not None:
            # close() alone does not stop a thread blocked in accept(): the
            # kernel keeps listening for it and lets one more connection in.
            # shutdown() wakes it and closes the port.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
            if self.acceptor is not None:
                self.acceptor.join(timeout=5)
                assert not self.acceptor.is_alive(), "the proxy kept accepting"
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                # Accepted just as the proxy was cut: drop it, or it would
                # carry traffic through the whole outage.
                live = self.listener is listener
                if live:
                    self.sockets |= {client, upstream}
            if not live:
                client.close()
                upstream.close()
                return
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(source, sink), daemon=True
                ).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def _request(url: str, body: dict | None = None) -> tuple[int, dict, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read() or b"{}"), {}
    except urllib.error.HTTPError as error:
        headers = {name.lower(): value for name, value in error.headers.items()}
        return error.code, json.loads(error.read() or b"{}"), headers
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return 0, {"error": str(error)}, {}


class Load:
    """Three clients listing doctors and signing up, each call timed."""

    def __init__(self, base: str) -> None:
        self.base = base
        # (started, finished, kind, status, body, headers)
        self.results: list[tuple[float, float, str, int, dict, dict]] = []
        self.stop = threading.Event()
        self.workers = [threading.Thread(target=self._run, args=(w,)) for w in range(3)]

    def __enter__(self) -> "Load":
        for worker in self.workers:
            worker.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for worker in self.workers:
            worker.join(timeout=30)

    def _run(self, worker: int) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            if n % 4 == 0:
                name = f"load{worker}x{n}"
                body = {
                    "username": name,
                    "email": f"{name}@example.com",
                    "password": "a-long-and-unusual-passphrase",
                    "date_of_birth": "1990-01-01",
                }
                call = _timed("register", f"{self.base}/api/v1/auth/register", body)
            else:
                call = _timed("list", f"{self.base}/api/v1/doctors")
            self.results.append(call)


def _timed(kind: str, url: str, body: dict | None = None) -> tuple:
    """(started, finished, kind, status, body, headers) of one call."""
    started = time.monotonic()
    outcome = _request(url, body)
    return (started, time.monotonic(), kind, *outcome)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_database_outage_under_load_answers_503_and_the_app_recovers(tmp_path):
    from django.db import connection

    db = connection.settings_dict
    proxy = TcpProxy(_free_port(), (db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    proxy.open()
    app_port = _free_port()
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "SECRET_KEY": "fault-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": (
            f"postgres://{user}{password}@127.0.0.1:{proxy.port}/{db['NAME']}"
        ),
        "DB_POOL_TIMEOUT": "2",
        "DATA_DIR": str(tmp_path),
        "RATELIMIT_ENABLE": "0",
        "HOST": "127.0.0.1",
        "PORT": str(app_port),
    }
    # The log goes to a file: a pipe nobody reads fills up (64 KiB) and then
    # blocks the server's next log write, which stalls every request.
    log_path = tmp_path / "web.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(ROOT / "deploy" / "web.sh")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{app_port}"
    try:
        deadline = time.monotonic() + 30
        while _request(f"{base}/livez")[0] != 200:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        # The first API call loads the URLconf and the routers and opens the
        # pool; get it done before the clock starts.
        assert _request(f"{base}/api/v1/doctors")[0] == 200
        probes = []
        with Load(base) as load:
            time.sleep(2)
            proxy.cut()
            cut_at = time.monotonic()
            # One caller after another through the outage and after it.
            while time.monotonic() < cut_at + 2:
                probes.append(_timed("probe", f"{base}/api/v1/doctors"))
            time.sleep(max(0, cut_at + 4 - time.monotonic()))
            proxy.open()
            restored_at = time.monotonic()
            while time.monotonic() < restored_at + 6:
                probes.append(_timed("probe", f"{base}/api/v1/doctors"))
    finally:
        proxy.cut()
        server.terminate()
        server.wait(timeout=15)
    output = log_path.read_text()

    results = load.results + probes
    statuses = {r[3] for r in results}
    failures = [r for r in results if r[3] == 503]
    assert statuses <= {200, 201, 503}, (statuses, output[-3000:])
    assert all(r[4]["code"] == "database_unavailable" for r in failures)
    assert all(r[5].get("retry-after") for r in failures)
    assert "Traceback" not in json.dumps([r[4] for r in results])
    before = [r for r in results if r[1] < cut_at]
    assert before and all(r[3] in {200, 201} for r in before)

    # Every call made while the database was unreachable was refused, and
    # soon: a refusal waits at most DB_POOL_TIMEOUT (2 s) for a connection.
    during = [r for r in results if cut_at < r[0] and r[1] < restored_at]
    assert [r for r in during if r[2] == "probe"], "no probe ran in the outage"
    assert all(r[3] == 503 for r in during), [r[1:4] for r in during]
    assert max(r[1] - r[0] for r in during) < 3

    # Once the database is back the app serves again within two seconds,
    # and for good.
    after = [r for r in probes if r[0] > restored_at]
    recovered = next((r for r in after if r[3] == 200), None)
    assert recovered, [r[1:4] for r in after]
    assert recovered[1] - restored_at < 2, recovered[1] - restored_at
    assert all(r[3] == 200 for r in after if r[0] > recovered[1])
    settled = [r for r in results if r[0] > restored_at + 3]
    assert settled and all(r[3] in {200, 201} for r in settled), settled[-5:]
    # A registration is one transaction: no account without its profile.
    loaded = User.objects.filter(username__startswith="load")
    assert loaded.exists()
    assert not loaded.filter(patient_profile__isnull=True).exists()
