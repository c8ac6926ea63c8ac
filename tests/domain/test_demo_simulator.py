"""The demo simulator: reproducible, consistent, and driven by its factors."""

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from domain.demo import DemoConfig, simulate
from domain.demo.schedule import slots_for_day

NOW = datetime(2026, 3, 11, 14, 20, tzinfo=UTC)
PAST = {"completed", "cancelled", "no_show"}
FUTURE = {"confirmed", "pending", "cancelled"}


def _run(**sizes):
    sizes.setdefault("patients", 120)
    simulation = simulate(DemoConfig(**sizes), now=NOW)
    histories = list(simulation.histories)
    visits = [visit for history in histories for visit in history.visits]
    return simulation, visits, histories


@pytest.fixture(scope="module")
def small():
    return _run(doctors=4, days=120)


def test_same_seed_and_now_give_the_same_history():
    _, first, _ = _run(doctors=2, days=30)
    _, second, _ = _run(doctors=2, days=30)
    _, other, _ = _run(doctors=2, days=30, seed=7)

    fingerprint = [(v.id, v.start, v.status, v.patient_index) for v in first]
    assert fingerprint == [(v.id, v.start, v.status, v.patient_index) for v in second]
    assert fingerprint != [(v.id, v.start, v.status, v.patient_index) for v in other]


def test_every_booking_is_made_before_its_visit_with_the_minimum_notice(small):
    simulation, visits, _ = small
    doctors = {doctor.index: doctor for doctor in simulation.doctors}

    for visit in visits:
        notice = timedelta(minutes=doctors[visit.doctor_index].min_notice_minutes)
        assert visit.booked_at <= NOW
        assert visit.start - visit.booked_at >= notice
        if visit.cancelled_at is not None:
            assert visit.booked_at <= visit.cancelled_at <= min(visit.start, NOW)


def test_statuses_follow_the_clock(small):
    _, visits, _ = small

    for visit in visits:
        if visit.end <= NOW:
            assert visit.status in PAST
        else:
            assert visit.status in FUTURE
    assert {v.status for v in visits} >= {"completed", "cancelled", "no_show"}
    assert any(v.status == "confirmed" and v.start > NOW for v in visits)


def _assert_no_overlap(intervals):
    intervals.sort()
    for (_, first_end), (second_start, _) in pairwise(intervals):
        assert first_end <= second_start


def test_standing_visits_never_overlap_for_a_doctor_or_a_patient(small):
    _, visits, _ = small
    by_doctor, by_patient = defaultdict(list), defaultdict(list)
    for visit in visits:
        if visit.status != "cancelled":
            by_doctor[visit.doctor_index].append((visit.start, visit.end))
            by_patient[visit.patient_index].append((visit.start, visit.end))

    for intervals in [*by_doctor.values(), *by_patient.values()]:
        _assert_no_overlap(intervals)


def test_future_bookings_sit_on_the_slot_grid_of_an_availability_window(small):
    simulation, _, histories = small

    for doctor, history in zip(simulation.doctors, histories, strict=True):
        zone = ZoneInfo(doctor.time_zone)
        windows = {(w.date, w.start_time, w.end_time) for w in history.windows}
        assert windows, "every doctor has availability in the coming weeks"
        for window_date, _, _ in windows:
            assert window_date.weekday() < 5
        for visit in history.visits:
            if visit.start <= NOW:
                continue
            local_start = visit.start.astimezone(zone)
            grid = {slot.start for slot in slots_for_day(doctor, local_start.date())}
            assert visit.start in grid
            assert any(
                day == local_start.date()
                and start <= local_start.time()
                and visit.end.astimezone(zone).time() <= end
                for day, start, end in windows
            )


def test_demand_depends_on_the_weekday_and_cancellations_on_lead_time():
    simulation, visits, _ = _run(doctors=3, days=365, patients=400)
    zones = {doctor.index: ZoneInfo(doctor.time_zone) for doctor in simulation.doctors}

    booked = Counter(
        visit.start.astimezone(zones[visit.doctor_index]).weekday() for visit in visits
    )
    assert booked[0] > booked[4] * 1.1

    def cancel_rate(selected):
        return sum(v.status == "cancelled" for v in selected) / len(selected)

    short = [v for v in visits if v.start - v.booked_at < timedelta(days=2)]
    long = [v for v in visits if v.start - v.booked_at > timedelta(days=14)]
    assert cancel_rate(long) > cancel_rate(short) * 1.3


def test_feedback_only_follows_completed_visits(small):
    _, visits, _ = small

    rated = [visit for visit in visits if visit.feedback is not None]
    assert rated
    for visit in rated:
        assert visit.status == "completed"
        assert 1 <= visit.feedback.rating <= 5
        assert visit.finished_at <= visit.feedback.created_at <= NOW
