"""The booking process, replayed day by day for every doctor.

For each working day of a doctor, booking requests arrive (``demand``), each at
its own instant before the day. Requests and cancellations are processed in
time order: a request takes a free slot on the doctor's grid, chosen by hour
preference among those still far enough ahead (the minimum notice), for a
patient free at that time; a cancellation (``behaviour``) frees its slot for
later requests. Requests finding no slot, or a day already at the doctor's
daily limit, are turned away. At ``now`` the story stops: requests and
cancellations that lie after it have not happened, visits that have ended are
completed or missed, later ones are confirmed (or pending, for doctors who
confirm bookings themselves).
"""

import heapq
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from domain.demo import behaviour, demand, people, schedule
from domain.demo.feedback import maybe_feedback
from domain.demo.records import (
    DoctorHistory,
    DoctorSeed,
    PatientSeed,
    VisitSeed,
    WindowSeed,
    seeded_uuid,
)

# Patients mostly book doctors in their own zone; others are rare visitors.
OTHER_ZONE_WEIGHT = 0.05
# Unconfirmed bookings younger than this stay pending for doctors who confirm.
PENDING_WINDOW = timedelta(days=2)
PATIENT_TRIES = 6


@dataclass(frozen=True)
class DemoConfig:
    """Sizes of the demo clinic; the same values and ``now`` give the same rows."""

    doctors: int = 10
    patients: int | None = None
    days: int = 730
    future_days: int = 28
    seed: int = 2026

    @property
    def patient_count(self) -> int:
        # Enough patients that a busy history does not make each one a
        # weekly visitor.
        return self.patients if self.patients is not None else 150 * self.doctors


@dataclass
class Simulation:
    doctors: list[DoctorSeed]
    patients: list[PatientSeed]
    # Lazy: one doctor at a time, so a large history never sits in memory.
    histories: Iterator[DoctorHistory]


class _PatientDiary:
    """Standing (not cancelled) visits per patient, to keep patients single-booked."""

    def __init__(self) -> None:
        self._busy: dict[tuple[int, date], list[tuple[datetime, datetime]]] = (
            defaultdict(list)
        )

    def is_free(self, patient: int, start: datetime, end: datetime) -> bool:
        return all(
            end <= other_start or start >= other_end
            for other_start, other_end in self._busy[(patient, start.date())]
        )

    def add(self, patient: int, start: datetime, end: datetime) -> None:
        self._busy[(patient, start.date())].append((start, end))
        if end.date() != start.date():
            self._busy[(patient, end.date())].append((start, end))


class _DoctorRun:
    """Simulates one doctor's history against the shared patient diary."""

    def __init__(
        self,
        doctor: DoctorSeed,
        patients: list[PatientSeed],
        diary: _PatientDiary,
        *,
        config: DemoConfig,
        now: datetime,
    ) -> None:
        self.doctor = doctor
        self.patients = patients
        self.diary = diary
        self.now = now
        self.rng = random.Random(f"{config.seed}-doctor-{doctor.index}")
        self.today = now.astimezone(ZoneInfo(doctor.time_zone)).date()
        self.first_day = self.today - timedelta(days=config.days)
        self.last_day = self.today + timedelta(days=config.future_days - 1)
        self.notice = timedelta(minutes=doctor.min_notice_minutes)
        self.tilt = demand.weekday_tilt(self.rng)
        self._build_panel()

    def _build_panel(self) -> None:
        # Each doctor has regulars: a per-doctor affinity on top of how often
        # a patient books at all.
        panel, weights = [], []
        for patient in self.patients:
            if not people.suits(self.doctor, patient, self.today):
                continue
            zone = 1.0 if patient.home_zone == self.doctor.time_zone else 0.0
            weight = patient.activity * max(zone, OTHER_ZONE_WEIGHT)
            weight *= self.rng.lognormvariate(0, 0.5)
            panel.append(patient)
            weights.append(weight)
        self.panel = panel
        self.panel_cumulative = list(accumulate(weights))

    def run(self) -> DoctorHistory:
        history = DoctorHistory(doctor_index=self.doctor.index)
        closed = set().union(
            *(
                schedule.public_holidays(self.doctor.time_zone, year)
                for year in range(self.first_day.year, self.last_day.year + 1)
            )
        )
        closed |= schedule.leave_days(self.rng, self.first_day, self.last_day)
        day = self.first_day
        while day <= self.last_day:
            if day.weekday() in self.doctor.week and day not in closed:
                self._run_day(day, history)
            day += timedelta(days=1)
        return history

    def _run_day(self, day: date, history: DoctorHistory) -> None:
        doctor, rng = self.doctor, self.rng
        slots = schedule.slots_for_day(doctor, day)
        if day >= self.today:
            history.windows.extend(
                WindowSeed(doctor.index, day, block.start, block.end)
                for block in doctor.week[day.weekday()]
            )
        capacity = min(len(slots), doctor.max_patients_per_day)
        mean = demand.expected_requests(
            capacity=capacity,
            popularity=doctor.popularity,
            weekday_tilt=self.tilt,
            specialization=doctor.specialization,
            day=day,
            first_day=self.first_day,
        ) * demand.day_effect(rng)

        events: list[tuple[datetime, int, VisitSeed | None, int]] = []
        for sequence in range(demand.poisson(rng, mean)):
            lead = demand.lead_days(
                rng, doctor.specialization, horizon_days=doctor.booking_horizon_days
            )
            booked_at = schedule.local_datetime(
                day - timedelta(days=int(lead)),
                demand.booking_hour(rng),
                doctor.time_zone,
            )
            if booked_at <= self.now:
                events.append((booked_at, sequence, None, -1))
        history.requests += len(events)
        heapq.heapify(events)

        taken = [False] * len(slots)
        standing = 0
        sequence = len(events)
        while events:
            instant, _, cancelled_visit, slot_index = heapq.heappop(events)
            if cancelled_visit is not None:
                taken[slot_index] = False
                standing -= 1
                continue
            free = [
                i
                for i, slot in enumerate(slots)
                if not taken[i] and slot.start - instant >= self.notice
            ]
            if standing >= capacity or not free:
                history.turned_away += 1
                continue
            chosen = rng.choices(
                free, [demand.HOUR_WEIGHT.get(slots[i].local_hour, 0.5) for i in free]
            )[0]
            visit = self._book(slots[chosen], instant)
            if visit is None:
                history.turned_away += 1
                continue
            taken[chosen] = True
            standing += 1
            history.visits.append(visit)
            if visit.cancelled_at is not None:
                sequence += 1
                heapq.heappush(events, (visit.cancelled_at, sequence, visit, chosen))

    def _pick_patient(self, slot: schedule.Slot) -> PatientSeed | None:
        if not self.panel:
            return None
        for _ in range(PATIENT_TRIES):
            patient = self.rng.choices(self.panel, cum_weights=self.panel_cumulative)[0]
            if self.diary.is_free(patient.index, slot.start, slot.end):
                return patient
        return None

    def _book(self, slot: schedule.Slot, booked_at: datetime) -> VisitSeed | None:
        doctor, rng, now = self.doctor, self.rng, self.now
        patient = self._pick_patient(slot)
        if patient is None:
            return None
        lead = (slot.start - booked_at).total_seconds() / 86400
        weekday = slot.start.astimezone(ZoneInfo(doctor.time_zone)).weekday()
        visit = VisitSeed(
            id=seeded_uuid(rng),
            doctor_index=doctor.index,
            patient_index=patient.index,
            start=slot.start,
            end=slot.end,
            status="confirmed",
            reason=demand.visit_reason(rng, doctor.specialization),
            booked_at=booked_at,
        )
        p_cancel = behaviour.cancel_probability(
            lead_days=lead,
            weekday=weekday,
            local_hour=slot.local_hour,
            bias=patient.cancel_bias,
        )
        if rng.random() < p_cancel:
            cancelled_at = booked_at + (slot.start - booked_at) * (
                behaviour.cancel_fraction(rng)
            )
            by_doctor, reason = behaviour.cancellation(rng)
            # A cancellation later than now has not happened yet.
            if cancelled_at <= now:
                visit.status = "cancelled"
                visit.cancelled_at = cancelled_at
                visit.cancelled_by_doctor = by_doctor
                visit.cancellation_reason = reason
                return visit
        self.diary.add(patient.index, slot.start, slot.end)
        if slot.end <= now:
            self._settle(visit, patient, lead=lead, weekday=weekday, slot=slot)
        elif doctor.requires_confirmation and now - booked_at < PENDING_WINDOW:
            visit.status = "pending"
        return visit

    def _settle(
        self,
        visit: VisitSeed,
        patient: PatientSeed,
        *,
        lead: float,
        weekday: int,
        slot: schedule.Slot,
    ) -> None:
        rng = self.rng
        visit.reminder_sent = lead >= 1
        p_no_show = behaviour.no_show_probability(
            lead_days=lead,
            weekday=weekday,
            local_hour=slot.local_hour,
            bias=patient.no_show_bias,
        )
        if rng.random() < p_no_show:
            visit.status = "no_show"
            return
        length = slot.end - slot.start
        visit.status = "completed"
        visit.checked_in_at = slot.start - timedelta(minutes=rng.uniform(2, 20))
        # Clinics run late; clamp to now for visits that ended moments ago.
        started = slot.start + timedelta(minutes=rng.uniform(-3, 25))
        visit.consultation_started_at = min(started, self.now)
        visit.finished_at = min(started + length * rng.uniform(0.6, 1.1), self.now)
        visit.feedback = maybe_feedback(
            rng,
            quality=self.doctor.quality,
            finished_at=visit.finished_at,
            now=self.now,
        )


def simulate(config: DemoConfig, *, now: datetime) -> Simulation:
    """Build the clinic's people and, lazily, each doctor's history up to ``now``."""
    rng = random.Random(f"{config.seed}-people")
    today = now.date()
    doctors = people.make_doctors(rng, config.doctors)
    patients = people.make_patients(rng, config.patient_count, today=today)
    diary = _PatientDiary()

    def histories() -> Iterator[DoctorHistory]:
        for doctor in doctors:
            yield _DoctorRun(doctor, patients, diary, config=config, now=now).run()

    return Simulation(doctors=doctors, patients=patients, histories=histories())
