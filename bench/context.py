"""What every scenario shares: the scale, the servers' addresses, patients, slots."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class Scale:
    """Sizes and budgets; every scenario stops at its time or its request count."""

    doctors: int = 50
    history_days: int = 730
    patients: int = 3000
    contention_rounds: int = 1000
    contention_clients: int = 50
    contention_seconds: float = 270
    storm_clients: int = 50
    storm_slots: int = 150
    storm_seconds: float = 20
    storm_requests: int = 6000
    throughput_clients: int = 50
    throughput_seconds: float = 20
    throughput_requests: int = 6000
    search_clients: int = 20
    search_seconds: float = 15
    search_requests: int = 20000
    history_light: int = 1000
    history_heavy: int = 100_000
    fanout_subscribers: int = 500
    fanout_bookings: int = 20
    fanout_rounds: int = 2  # per layer, taking turns
    fanout_wait_seconds: float = 5
    train_max_epochs: int = 15
    warmup_seconds: float = 2


QUICK = Scale(
    doctors=3,
    history_days=150,
    patients=120,
    contention_rounds=5,
    contention_clients=10,
    contention_seconds=15,
    storm_clients=5,
    storm_slots=6,
    storm_seconds=3,
    storm_requests=60,
    throughput_clients=5,
    throughput_seconds=2,
    throughput_requests=40,
    search_clients=4,
    search_seconds=1.5,
    search_requests=100,
    history_light=100,
    history_heavy=1000,
    fanout_subscribers=10,
    fanout_bookings=2,
    fanout_rounds=1,
    fanout_wait_seconds=3,
    train_max_epochs=1,
    warmup_seconds=0.5,
)


@dataclass
class Context:
    scale: Scale
    urls: list[str]
    tokens: list[str]
    # Free slots (doctor id, start), interleaved over doctor-days; scenarios
    # take from the front so no two scenarios book the same slot.
    slots: list[tuple[int, datetime]]
    history_doctors: dict[str, int] = field(default_factory=dict)
    demo_doctors: list[int] = field(default_factory=list)
    cpu: Any = None  # bench.servers.CpuMeter once the servers exist

    def cpu_snapshot(self) -> dict | None:
        return self.cpu.snapshot() if self.cpu else None

    def cpu_per_request(self, before: dict | None, requests: int) -> dict:
        """CPU ms per request (app, postgres, client) since ``before``."""
        if before is None:
            return {}
        return self.cpu.per_request(before, self.cpu.snapshot(), requests)

    def take_slots(
        self, count: int, *, min_days_ahead: float = 0
    ) -> list[tuple[int, datetime]]:
        earliest = timezone.now() + timedelta(days=min_days_ahead)
        taken, kept = [], []
        for slot in self.slots:
            if len(taken) < count and slot[1] >= earliest:
                taken.append(slot)
            else:
                kept.append(slot)
        self.slots = kept
        if not taken:
            raise RuntimeError("the clinic has no free slots left for this scenario")
        return taken

    def take_doctor_slots(self, count: int) -> tuple[int, list[tuple[int, datetime]]]:
        """``count`` free slots of the doctor who has the most left."""
        left: dict[int, int] = {}
        for doctor_id, _ in self.slots:
            left[doctor_id] = left.get(doctor_id, 0) + 1
        if not left:
            raise RuntimeError("the clinic has no free slots left for this scenario")
        doctor = max(left, key=left.get)
        taken = [slot for slot in self.slots if slot[0] == doctor][:count]
        self.slots = [slot for slot in self.slots if slot not in taken]
        return doctor, taken
