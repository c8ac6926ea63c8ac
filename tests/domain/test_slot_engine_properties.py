"""Properties of the slot engine over random schedules (hypothesis).

Days are drawn around the DST changes of zones on both hemispheres, so every
run crosses a spring-forward gap or a fall-back repeat somewhere. Examples are
bounded so the file runs in seconds.
"""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from domain.scheduling.slots import (
    DatedWindow,
    Rules,
    Schedule,
    WeeklyWindow,
    free_slots,
    merge_times,
)

# The days each zone's clocks change in 2026 (spring forward, then fall back;
# Sydney the other way round). Kolkata has no DST and serves as a control.
CHANGE_DAYS = {
    "Europe/London": [date(2026, 3, 29), date(2026, 10, 25)],
    "America/New_York": [date(2026, 3, 8), date(2026, 11, 1)],
    "Australia/Sydney": [date(2026, 4, 5), date(2026, 10, 4)],
    "Asia/Kolkata": [date(2026, 3, 29)],
}
NOW = datetime(2026, 1, 1, tzinfo=UTC)

PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


# Windows around the night hours where the clocks change in these zones.
NIGHT_SPANS = [(time(0), time(4)), (time(0, 15), time(3, 30)), (time(1, 30), time(3))]


@st.composite
def _span(draw) -> tuple[time, time]:
    if draw(st.booleans()):
        return draw(st.sampled_from(NIGHT_SPANS))
    # Quarter hours across the whole day, so windows can start or end in a gap.
    start = draw(st.integers(min_value=0, max_value=94)) * 15
    end = draw(st.integers(min_value=start // 15 + 1, max_value=95)) * 15
    return _clock(start), _clock(min(end, 23 * 60 + 59))


@st.composite
def _busy(draw, first: date, days: int) -> tuple[datetime, datetime]:
    # Instants on a five-minute grid over the drawn days, lasting up to 3 hours.
    base = datetime.combine(first, time(0), tzinfo=UTC) - timedelta(hours=14)
    start = base + timedelta(minutes=5 * draw(st.integers(0, (days + 1) * 24 * 12)))
    return start, start + timedelta(minutes=5 * draw(st.integers(1, 36)))


@st.composite
def schedules(draw):
    zone = draw(st.sampled_from(sorted(CHANGE_DAYS)))
    first = draw(st.sampled_from(CHANGE_DAYS[zone])) - timedelta(
        days=draw(st.integers(0, 1))
    )
    days = draw(st.integers(2, 3))
    rules = Rules(
        time_zone=zone,
        slot_minutes=draw(st.sampled_from([10, 15, 20, 25, 30, 45, 60, 90])),
        buffer_minutes=draw(st.sampled_from([0, 0, 5, 10, 15, 30])),
        min_notice_minutes=0,
        booking_horizon_days=3650,
        max_patients_per_day=draw(st.integers(1, 40)),
    )
    dated = [
        DatedWindow(first + timedelta(days=offset), *span)
        for offset, span in draw(
            st.lists(st.tuples(st.integers(0, days - 1), _span()), max_size=4)
        )
    ]
    weekly = [
        WeeklyWindow(weekday, *span)
        for weekday, span in draw(
            st.lists(st.tuples(st.integers(0, 6), _span()), max_size=4)
        )
    ]
    schedule = Schedule(
        rules=rules,
        windows=dated,
        weekly=weekly,
        time_off=draw(st.lists(_busy(first, days), max_size=3)),
        appointments=draw(st.lists(_busy(first, days), max_size=4)),
        holds=draw(st.lists(_busy(first, days), max_size=2)),
    )
    return schedule, first, first + timedelta(days=days - 1)


def _windows_of(schedule: Schedule, day: date) -> list[tuple[time, time]]:
    spans = [(w.start_time, w.end_time) for w in schedule.windows if w.day == day]
    spans += [(w.start_time, w.end_time) for w in schedule.weekly if w.applies_on(day)]
    # Touching windows are one stretch of work, so a slot may cross their seam.
    return merge_times(spans)


def _instant_of_window_end(day: date, at: time, zone: ZoneInfo) -> datetime:
    local = datetime.combine(day, at, tzinfo=zone)
    return max(local.astimezone(UTC), local.replace(fold=1).astimezone(UTC))


def _inside_some_window(slot, schedule: Schedule, day: date, zone) -> bool:
    local_start = slot.start.astimezone(zone)
    for start_time, end_time in _windows_of(schedule, day):
        if start_time <= local_start.time() and slot.end <= _instant_of_window_end(
            day, end_time, zone
        ):
            return True
    return False


@PROPERTY_SETTINGS
@given(schedules())
def test_free_slots_never_overlap_each_other_or_busy_time(drawn):
    schedule, first, last = drawn
    rules = schedule.rules
    slots = free_slots(schedule, date_from=first, date_to=last, now=NOW)

    length = timedelta(minutes=rules.slot_minutes)
    buffer = timedelta(minutes=rules.buffer_minutes)
    assert slots == sorted(slots)
    for slot in slots:
        assert slot.end - slot.start == length
    for earlier, later in pairwise(slots):
        assert earlier.end <= later.start
    for slot in slots:
        for start, end in [*schedule.appointments, *schedule.holds]:
            assert not (start - buffer < slot.end and slot.start < end + buffer)
        for start, end in schedule.time_off:
            assert not (start < slot.end and slot.start < end)


@PROPERTY_SETTINGS
@given(schedules())
def test_free_slots_stay_inside_working_hours_of_their_local_day(drawn):
    schedule, first, last = drawn
    zone = schedule.rules.zone
    slots = free_slots(schedule, date_from=first, date_to=last, now=NOW)

    for slot in slots:
        day = slot.start.astimezone(zone).date()
        assert first <= day <= last
        assert _inside_some_window(slot, schedule, day, zone)


@PROPERTY_SETTINGS
@given(schedules())
def test_daily_cap_is_never_exceeded_by_offering_slots_on_a_full_day(drawn):
    schedule, first, last = drawn
    zone = schedule.rules.zone
    slots = free_slots(schedule, date_from=first, date_to=last, now=NOW)

    booked: dict[date, int] = {}
    for start, _ in schedule.appointments:
        day = start.astimezone(zone).date()
        booked[day] = booked.get(day, 0) + 1
    for slot in slots:
        day = slot.start.astimezone(zone).date()
        assert booked.get(day, 0) < schedule.rules.max_patients_per_day


@PROPERTY_SETTINGS
@given(schedules())
def test_dst_days_yield_no_missing_or_repeated_local_start(drawn):
    schedule, first, last = drawn
    zone = schedule.rules.zone
    slots = free_slots(schedule, date_from=first, date_to=last, now=NOW)

    local_starts = []
    for slot in slots:
        local = slot.start.astimezone(zone)
        naive = local.replace(tzinfo=None)
        # A time that exists survives the trip through its zone and back.
        assert naive.replace(tzinfo=zone).astimezone(UTC) == slot.start
        local_starts.append(naive)
    assert len(local_starts) == len(set(local_starts))


@settings(max_examples=100, deadline=None)
@given(
    zone=st.sampled_from(sorted(CHANGE_DAYS)),
    which=st.integers(0, 1),
    slot_minutes=st.integers(5, 120),
    span=st.sampled_from(NIGHT_SPANS),
)
# Found by this test: 00:45 GMT ran to 02:30 BST, and 02:15 BST was offered too.
@example(zone="Europe/London", which=0, slot_minutes=45, span=(time(0), time(4)))
def test_slots_across_a_clock_change_are_disjoint_and_exist(
    zone, which, slot_minutes, span
):
    day = CHANGE_DAYS[zone][which % len(CHANGE_DAYS[zone])]
    schedule = Schedule(
        rules=Rules(
            time_zone=zone,
            slot_minutes=slot_minutes,
            min_notice_minutes=0,
            booking_horizon_days=3650,
            max_patients_per_day=100,
        ),
        windows=[DatedWindow(day, *span)],
    )
    slots = free_slots(schedule, date_from=day, date_to=day, now=NOW)

    for earlier, later in pairwise(slots):
        assert earlier.end <= later.start
    local_starts = [slot.start.astimezone(ZoneInfo(zone)) for slot in slots]
    assert len({local.replace(tzinfo=None) for local in local_starts}) == len(slots)
