"""The slot engine's rules, on plain values (no database)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.scheduling.slots import (
    DatedWindow,
    Rules,
    Schedule,
    WeeklyWindow,
    candidate_slots,
    free_slots,
    held_slots,
    local_instant,
)

# Far enough before every tested day that notice and horizon never interfere.
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _rules(zone="Europe/London", **overrides) -> Rules:
    values = {
        "slot_minutes": 30,
        "buffer_minutes": 0,
        "min_notice_minutes": 0,
        "booking_horizon_days": 365,
        "max_patients_per_day": 50,
    } | overrides
    return Rules(time_zone=zone, **values)


def _day(day: date, start: str, end: str, zone="Europe/London", **kwargs):
    now = kwargs.pop("now", LONG_AGO)
    schedule = Schedule(
        rules=_rules(zone, **kwargs.pop("rules", {})),
        windows=[DatedWindow(day, time.fromisoformat(start), time.fromisoformat(end))],
        **kwargs,
    )
    return free_slots(schedule, date_from=day, date_to=day, now=now)


def _starts(slots) -> list[datetime]:
    return [slot.start for slot in slots]


def test_nine_in_london_is_nine_utc_in_winter_and_eight_in_summer():
    winter = _day(date(2026, 1, 12), "09:00", "10:00")
    summer = _day(date(2026, 7, 13), "09:00", "10:00")

    assert _starts(winter) == [_utc(2026, 1, 12, 9, 0), _utc(2026, 1, 12, 9, 30)]
    assert _starts(summer) == [_utc(2026, 7, 13, 8, 0), _utc(2026, 7, 13, 8, 30)]


def test_nine_in_new_york_follows_its_own_dst_dates():
    winter = _day(date(2026, 1, 12), "09:00", "09:30", zone="America/New_York")
    summer = _day(date(2026, 7, 13), "09:00", "09:30", zone="America/New_York")

    assert _starts(winter) == [_utc(2026, 1, 12, 14, 0)]
    assert _starts(summer) == [_utc(2026, 7, 13, 13, 0)]


def test_london_spring_forward_skips_the_missing_hour():
    # 2026-03-29: 01:00 GMT jumps to 02:00 BST; 01:00 and 01:30 do not exist.
    slots = _day(date(2026, 3, 29), "00:00", "03:00")

    assert _starts(slots) == [
        _utc(2026, 3, 29, 0, 0),
        _utc(2026, 3, 29, 0, 30),
        _utc(2026, 3, 29, 1, 0),  # 02:00 BST
        _utc(2026, 3, 29, 1, 30),  # 02:30 BST
    ]
    assert all(slot.end - slot.start == timedelta(minutes=30) for slot in slots)


def test_london_fall_back_offers_the_repeated_hour_once():
    # 2026-10-25: 02:00 BST falls back to 01:00 GMT; 01:00-02:00 happens twice.
    slots = _day(date(2026, 10, 25), "00:00", "03:00")

    assert _starts(slots) == [
        _utc(2026, 10, 24, 23, 0),
        _utc(2026, 10, 24, 23, 30),
        _utc(2026, 10, 25, 0, 0),  # 01:00 BST, the first 01:00
        _utc(2026, 10, 25, 0, 30),
        _utc(2026, 10, 25, 2, 0),  # 02:00 GMT
        _utc(2026, 10, 25, 2, 30),
    ]


def test_new_york_spring_forward_and_fall_back():
    spring = _day(date(2026, 3, 8), "01:00", "04:00", zone="America/New_York")
    autumn = _day(date(2026, 11, 1), "00:00", "03:00", zone="America/New_York")

    assert _starts(spring) == [
        _utc(2026, 3, 8, 6, 0),
        _utc(2026, 3, 8, 6, 30),
        _utc(2026, 3, 8, 7, 0),  # 03:00 EDT; 02:00 and 02:30 do not exist
        _utc(2026, 3, 8, 7, 30),
    ]
    assert _starts(autumn) == [
        _utc(2026, 11, 1, 4, 0),
        _utc(2026, 11, 1, 4, 30),
        _utc(2026, 11, 1, 5, 0),  # 01:00 EDT, offered once
        _utc(2026, 11, 1, 5, 30),
        _utc(2026, 11, 1, 7, 0),  # 02:00 EST
        _utc(2026, 11, 1, 7, 30),
    ]


def test_a_local_time_in_the_gap_has_no_instant():
    london = ZoneInfo("Europe/London")

    assert local_instant(date(2026, 3, 29), time(1, 30), london) is None
    assert local_instant(date(2026, 10, 25), time(1, 30), london) == _utc(
        2026, 10, 25, 0, 30
    )


def test_time_off_removes_the_slots_it_touches():
    slots = _day(
        date(2026, 1, 12),
        "09:00",
        "11:00",
        time_off=[(_utc(2026, 1, 12, 9, 15), _utc(2026, 1, 12, 10, 0))],
    )

    assert _starts(slots) == [_utc(2026, 1, 12, 10, 0), _utc(2026, 1, 12, 10, 30)]


def test_buffer_keeps_neighbouring_slots_free_around_an_appointment():
    slots = _day(
        date(2026, 1, 12),
        "09:00",
        "11:30",
        rules={"buffer_minutes": 10},
        appointments=[(_utc(2026, 1, 12, 10, 0), _utc(2026, 1, 12, 10, 30))],
    )

    assert _starts(slots) == [_utc(2026, 1, 12, 9, 0), _utc(2026, 1, 12, 11, 0)]


def test_without_buffer_back_to_back_slots_stay_free():
    slots = _day(
        date(2026, 1, 12),
        "09:00",
        "10:30",
        appointments=[(_utc(2026, 1, 12, 9, 30), _utc(2026, 1, 12, 10, 0))],
    )

    assert _starts(slots) == [_utc(2026, 1, 12, 9, 0), _utc(2026, 1, 12, 10, 0)]


def test_a_hold_blocks_its_slot():
    slots = _day(
        date(2026, 1, 12),
        "09:00",
        "10:00",
        holds=[(_utc(2026, 1, 12, 9, 0), _utc(2026, 1, 12, 9, 30))],
    )

    assert _starts(slots) == [_utc(2026, 1, 12, 9, 30)]


def test_a_held_slot_is_listed_as_held_but_not_a_neighbour_kept_by_the_buffer():
    day = date(2026, 1, 12)
    schedule = Schedule(
        rules=_rules(buffer_minutes=10),
        windows=[DatedWindow(day, time(9), time(11))],
        holds=[(_utc(2026, 1, 12, 9, 30), _utc(2026, 1, 12, 10, 0))],
    )

    free = free_slots(schedule, date_from=day, date_to=day, now=LONG_AGO)
    held = held_slots(schedule, date_from=day, date_to=day, now=LONG_AGO)

    # 09:00 and 10:00 touch the hold's buffer: busy, but not held themselves.
    assert _starts(free) == [_utc(2026, 1, 12, 10, 30)]
    assert _starts(held) == [_utc(2026, 1, 12, 9, 30)]


def test_a_hold_on_a_slot_the_day_cap_already_fills_is_not_listed_as_held():
    day = date(2026, 1, 12)
    schedule = Schedule(
        rules=_rules(max_patients_per_day=1),
        windows=[DatedWindow(day, time(9), time(10))],
        appointments=[(_utc(2026, 1, 12, 9, 0), _utc(2026, 1, 12, 9, 30))],
        holds=[(_utc(2026, 1, 12, 9, 30), _utc(2026, 1, 12, 10, 0))],
    )

    assert held_slots(schedule, date_from=day, date_to=day, now=LONG_AGO) == []


def test_minimum_notice_hides_slots_starting_too_soon():
    slots = _day(
        date(2026, 1, 12),
        "09:00",
        "12:00",
        rules={"min_notice_minutes": 120},
        now=_utc(2026, 1, 12, 8, 45),
    )

    assert _starts(slots)[0] == _utc(2026, 1, 12, 11, 0)


def test_horizon_hides_slots_too_far_ahead():
    day = date(2026, 1, 12)
    schedule = Schedule(
        rules=_rules(booking_horizon_days=2),
        weekly=[WeeklyWindow(weekday, time(9), time(10)) for weekday in range(7)],
    )

    slots = free_slots(
        schedule,
        date_from=day,
        date_to=day + timedelta(days=5),
        now=_utc(2026, 1, 12, 9, 15),
    )

    assert _starts(slots) == [
        _utc(2026, 1, 12, 9, 30),
        _utc(2026, 1, 13, 9, 0),
        _utc(2026, 1, 13, 9, 30),
        _utc(2026, 1, 14, 9, 0),
    ]


def test_daily_cap_closes_a_full_day_only():
    schedule = Schedule(
        rules=_rules(max_patients_per_day=2),
        weekly=[WeeklyWindow(weekday, time(9), time(11)) for weekday in range(7)],
        appointments=[
            (_utc(2026, 1, 12, 9, 0), _utc(2026, 1, 12, 9, 30)),
            (_utc(2026, 1, 12, 10, 0), _utc(2026, 1, 12, 10, 30)),
        ],
    )

    slots = free_slots(
        schedule, date_from=date(2026, 1, 12), date_to=date(2026, 1, 13), now=LONG_AGO
    )

    assert {slot.start.date() for slot in slots} == {date(2026, 1, 13)}


def test_overlapping_weekly_and_dated_windows_merge_without_duplicates():
    day = date(2026, 1, 12)  # a Monday
    schedule = Schedule(
        rules=_rules(),
        windows=[DatedWindow(day, time(9, 30), time(10, 30))],
        weekly=[
            WeeklyWindow(0, time(9), time(10)),
            WeeklyWindow(0, time(14), time(15), valid_until=date(2026, 1, 5)),
        ],
    )

    slots = candidate_slots(schedule, date_from=day, date_to=day, now=LONG_AGO)

    assert _starts(slots) == [
        _utc(2026, 1, 12, 9, 0),
        _utc(2026, 1, 12, 9, 30),
        _utc(2026, 1, 12, 10, 0),
    ]


def test_a_partial_slot_at_the_end_of_a_window_is_not_offered():
    slots = _day(date(2026, 1, 12), "09:00", "09:50")

    assert _starts(slots) == [_utc(2026, 1, 12, 9, 0)]
