"""Dashboard figures, each checked against a hand count on a small clinic.

The clinic: doctor A (Cardiology) and doctor B (Dermatology); the reference day
is Wednesday 2030-01-09 and the range starts on 2030-01-01.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from domain.models import Availability, TimeOff, WaitlistEntry, WeeklyHours
from domain.selectors import analytics
from domain.selectors.analytics import Scope
from tests.factories import (
    make_appointment,
    make_doctor,
    make_patient,
    make_specialization,
)

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, month: int = 1, year: int = 2030) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.fixture
def clinic(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    a = make_doctor(specialization=make_specialization("Cardiology"))
    b = make_doctor(specialization=make_specialization("Dermatology"))
    p1, p2 = make_patient(), make_patient()

    def book(doctor, start, status, booked_at, minutes=30, patient=p1):
        make_appointment(
            doctor=doctor,
            patient=patient,
            start=start,
            minutes=minutes,
            status=status,
            booked_at=booked_at,
        )

    book(a, at(2, 9), "completed", at(1, 9))  # lead 1 day
    book(a, at(2, 10), "no_show", at(2, 8))  # same day
    book(a, at(3, 9), "cancelled", at(20, 9, month=12, year=2029))  # 14 days
    book(a, at(9, 9), "confirmed", at(5, 9))  # 4 days
    book(a, at(9, 10), "completed", at(9, 7), minutes=60)  # same day
    book(a, at(15, 9), "confirmed", at(8, 9))  # next week
    book(b, at(9, 11), "cancelled", at(1, 9, month=11, year=2029), patient=p2)
    book(b, at(4, 9), "completed", at(1, 9), patient=p2)  # 3 days
    book(a, at(28, 9, month=12, year=2029), "completed", at(20, 9, 12, 2029))
    book(a, at(29, 9, month=12, year=2029), "cancelled", at(20, 9, 12, 2029))

    Availability.objects.create(
        doctor=a, date=date(2030, 1, 9), start_time=time(8), end_time=time(12)
    )
    WeeklyHours.objects.create(
        doctor=a, weekday=0, start_time=time(9), end_time=time(13)
    )
    WeeklyHours.objects.create(
        doctor=a,
        weekday=4,
        start_time=time(14),
        end_time=time(16),
        valid_until=date(2030, 1, 10),
    )
    WeeklyHours.objects.create(
        doctor=b, weekday=1, start_time=time(9), end_time=time(12)
    )

    def wait(doctor, status, date_to):
        WaitlistEntry.objects.create(
            patient=make_patient(),
            doctor=doctor,
            date_from=date(2030, 1, 1),
            date_to=date_to,
            status=status,
        )

    wait(a, "waiting", date(2030, 1, 20))
    wait(b, "offered", date(2030, 1, 12))
    wait(a, "booked", date(2030, 1, 20))
    wait(a, "waiting", date(2030, 1, 5))
    return a, b


def scope(**filters) -> Scope:
    return Scope(date_from=date(2030, 1, 1), date_to=date(2030, 1, 9), **filters)


def test_day_card_counts_the_reference_days_appointments_by_outcome(clinic):
    figures = analytics.analytics_day(scope())

    assert figures == {
        "date": date(2030, 1, 9),
        "total": 3,
        "booked": 2,
        "cancelled": 1,
        "completed": 1,
        "no_show": 0,
        "upcoming": 1,
    }


def test_utilisation_is_booked_hours_over_windows_and_valid_weekly_hours(clinic):
    figures = analytics.analytics_utilisation(scope())

    # Booked: 30 + 60 minutes. Capacity: the dated window (4 h), Monday hours
    # of A (4 h), Tuesday hours of B (3 h); A's Friday hours expired on the 10th.
    assert figures == {
        "week_start": date(2030, 1, 7),
        "booked_hours": 1.5,
        "capacity_hours": 11.0,
        "utilisation": round(1.5 / 11, 4),
    }


def test_time_off_removes_the_slots_it_touches_from_capacity(clinic):
    a, b = clinic
    # Monday 7 Jan (London is on UTC in January): 10:15-10:45 touches A's
    # 10:00 and 10:30 slots; B's Tuesday loses its first hour.
    TimeOff.objects.create(
        doctor=a, start=at(7, 10).replace(minute=15), end=at(7, 10).replace(minute=45)
    )
    TimeOff.objects.create(doctor=b, start=at(8, 9), end=at(8, 10))
    # Time off in the following week only touches next week's capacity.
    TimeOff.objects.create(doctor=a, start=at(14, 0), end=at(15, 0))

    utilisation = analytics.analytics_utilisation(scope())
    rows = {row["doctor_id"]: row for row in analytics.analytics_workload(scope())}

    # A: 8 h less two half-hour slots; B: 3 h less one hour.
    assert utilisation["capacity_hours"] == 9.0
    assert utilisation["utilisation"] == round(1.5 / 9, 4)
    assert rows[a.pk]["capacity_this_week"] == 7.0
    assert rows[b.pk]["capacity_this_week"] == 2.0
    # Next week A keeps only its Monday hours, and that Monday is off.
    assert rows[a.pk]["capacity_next_week"] == 0.0
    assert rows[a.pk]["booked_next_week"] == 0.5


def test_overlapping_windows_count_once_in_capacity(clinic):
    a, _b = clinic
    # Monday 7 Jan: A's weekly 09:00-13:00 and a dated 12:00-14:00 make 5 hours.
    Availability.objects.create(
        doctor=a, date=date(2030, 1, 7), start_time=time(12), end_time=time(14)
    )

    rows = {row["doctor_id"]: row for row in analytics.analytics_workload(scope())}

    assert rows[a.pk]["capacity_this_week"] == 9.0


def test_rates_compare_the_window_with_the_one_before(clinic):
    figures = analytics.analytics_rates(scope())

    assert figures["days"] == 9
    assert figures["current"]["appointments"] == 7
    assert figures["current"]["cancellation_rate"] == round(2 / 7, 4)
    assert figures["current"]["no_show_rate"] == 0.25
    assert figures["previous"]["date_from"] == date(2029, 12, 23)
    assert figures["previous"]["cancellation_rate"] == 0.5
    assert figures["previous"]["no_show_rate"] == 0.0
    assert figures["cancellation_change"] == round(round(2 / 7, 4) - 0.5, 4)
    assert figures["no_show_change"] == 0.25


def test_rates_are_empty_not_zero_without_appointments(clinic):
    figures = analytics.analytics_rates(
        Scope(date_from=date(2031, 1, 1), date_to=date(2031, 1, 31))
    )

    assert figures["days"] == 30
    assert figures["current"]["cancellation_rate"] is None
    assert figures["cancellation_change"] is None


def test_waitlist_counts_active_entries_whose_range_is_not_past(clinic):
    assert analytics.analytics_waitlist(scope()) == {"active": 2, "offered": 1}


def test_trend_has_every_day_with_booked_and_completed(clinic):
    series = analytics.analytics_trend(scope())

    assert [row["date"] for row in series] == [
        date(2030, 1, day) for day in range(1, 10)
    ]
    by_day = {row["date"].day: (row["booked"], row["completed"]) for row in series}
    assert by_day == {
        1: (0, 0),
        2: (2, 1),
        3: (0, 0),
        4: (1, 1),
        5: (0, 0),
        6: (0, 0),
        7: (0, 0),
        8: (0, 0),
        9: (2, 1),
    }
    assert series[2]["cancelled"] == 1


def test_workload_gives_each_doctor_this_and_next_weeks_hours(clinic):
    a, b = clinic

    rows = analytics.analytics_workload(scope())

    assert [row["doctor_id"] for row in rows] == [a.pk, b.pk]
    assert rows[0] | {"doctor": ""} == {
        "doctor_id": a.pk,
        "doctor": "",
        "booked_this_week": 1.5,
        "capacity_this_week": 8.0,
        "booked_next_week": 0.5,
        "capacity_next_week": 4.0,
    }
    assert rows[1]["capacity_this_week"] == 3.0
    assert rows[1]["booked_this_week"] == 0.0


def test_rates_by_doctor(clinic):
    a, b = clinic

    rows = analytics.analytics_rates_by_doctor(scope())

    assert [(r["doctor_id"], r["appointments"]) for r in rows] == [(a.pk, 5), (b.pk, 2)]
    assert rows[0]["cancellation_rate"] == 0.2
    assert rows[0]["no_show_rate"] == round(1 / 3, 4)
    assert rows[1]["cancellation_rate"] == 0.5
    assert rows[1]["no_show_rate"] == 0.0


def test_rates_by_weekday_and_hour(clinic):
    figures = analytics.analytics_rates_by_time(scope())

    weekdays = {row["weekday"]: row for row in figures["weekdays"]}
    assert weekdays["Wed"]["appointments"] == 5
    assert weekdays["Wed"]["cancellation_rate"] == 0.2
    assert weekdays["Wed"]["no_show_rate"] == round(1 / 3, 4)
    assert weekdays["Thu"]["cancellation_rate"] == 1.0
    assert weekdays["Thu"]["no_show_rate"] is None
    assert weekdays["Mon"]["appointments"] == 0
    hours = {
        row["hour"]: (
            row["appointments"],
            row["cancellation_rate"],
            row["no_show_rate"],
        )
        for row in figures["hours"]
    }
    assert hours == {9: (4, 0.25, 0.0), 10: (2, 0.0, 0.5), 11: (1, 1.0, None)}


def test_lead_times_fall_into_their_buckets(clinic):
    rows = analytics.analytics_lead_times(scope())

    assert {row["bucket"]: row["appointments"] for row in rows} == {
        "same day": 2,
        "1-2 days": 1,
        "3-7 days": 2,
        "8-14 days": 1,
        "15-30 days": 0,
        "over 30 days": 1,
    }


def test_busiest_days_ahead_count_active_bookings_after_the_reference_day(clinic):
    rows = analytics.analytics_busiest_days_ahead(scope(), days=14)

    assert len(rows) == 14
    assert rows[0]["date"] == date(2030, 1, 10)
    assert {row["date"]: row["booked"] for row in rows if row["booked"]} == {
        date(2030, 1, 15): 1
    }


def test_specialization_and_doctor_filters_apply(clinic):
    a, b = clinic

    dermatology = analytics.analytics_day(scope(specialization_id=b.specialization_id))
    only_a = analytics.analytics_rates_by_doctor(scope(doctor_id=a.pk))
    only_a_waitlist = analytics.analytics_waitlist(scope(doctor_id=a.pk))

    assert (dermatology["total"], dermatology["cancelled"]) == (1, 1)
    assert [row["doctor_id"] for row in only_a] == [a.pk]
    assert only_a_waitlist == {"active": 1, "offered": 0}


def test_the_default_scope_is_the_last_90_days():
    default = analytics.scope_default(date(2030, 3, 31))

    assert default.days == 90
    assert default.date_to - default.date_from == timedelta(days=89)


@pytest.fixture
def two_zones(settings):
    """Doctors in New York and Kolkata whose evenings fall on other UTC days."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    new_york = make_doctor(time_zone="America/New_York")
    kolkata = make_doctor(time_zone="Asia/Kolkata")
    patient = make_patient()
    # Tuesday 8 Jan 21:30 in New York is Wednesday 02:30 UTC.
    make_appointment(
        doctor=new_york,
        patient=patient,
        start=datetime(2030, 1, 9, 2, 30, tzinfo=UTC),
        status="completed",
        booked_at=at(1, 9),
    )
    # Wednesday 9 Jan 10:00 in Kolkata is 04:30 UTC.
    make_appointment(
        doctor=kolkata,
        patient=patient,
        start=datetime(2030, 1, 9, 4, 30, tzinfo=UTC),
        status="cancelled",
        booked_at=at(1, 9),
    )
    # Thursday 10 Jan 01:00 in Kolkata is still Wednesday (19:30 UTC).
    make_appointment(
        doctor=kolkata,
        patient=patient,
        start=datetime(2030, 1, 9, 19, 30, tzinfo=UTC),
        booked_at=at(1, 9),
    )
    # New York works Tuesdays 18:00-22:00 local: 23:00-03:00 UTC.
    WeeklyHours.objects.create(
        doctor=new_york, weekday=1, start_time=time(18), end_time=time(22)
    )
    return new_york, kolkata


def test_a_late_local_evening_counts_on_its_local_day(two_zones):
    new_york, kolkata = two_zones

    today = analytics.analytics_day(scope())
    trend = {row["date"].day: row for row in analytics.analytics_trend(scope())}
    ahead = analytics.analytics_busiest_days_ahead(scope(), days=2)
    by_doctor = {
        row["doctor_id"]: row["appointments"]
        for row in analytics.analytics_rates_by_doctor(scope())
    }

    # In UTC all three start on the 9th; locally only Kolkata's 10:00 does.
    assert (today["total"], today["cancelled"]) == (1, 1)
    assert (trend[8]["booked"], trend[8]["completed"]) == (1, 1)
    assert (trend[9]["booked"], trend[9]["cancelled"]) == (0, 1)
    assert [row["booked"] for row in ahead] == [1, 0]
    assert by_doctor == {new_york.pk: 1, kolkata.pk: 1}


def test_weekday_and_hour_rates_read_the_doctors_wall_clock(two_zones):
    figures = analytics.analytics_rates_by_time(scope())

    weekdays = {row["weekday"]: row["appointments"] for row in figures["weekdays"]}
    hours = {row["hour"]: row["appointments"] for row in figures["hours"]}
    assert weekdays == {
        "Mon": 0,
        "Tue": 1,
        "Wed": 1,
        "Thu": 0,
        "Fri": 0,
        "Sat": 0,
        "Sun": 0,
    }
    assert hours == {21: 1, 10: 1}


def test_capacity_and_bookings_use_the_local_week(two_zones):
    new_york, _kolkata = two_zones
    # Sunday 13 Jan 21:00 in New York is Monday 02:00 UTC, next week in UTC.
    make_appointment(
        doctor=new_york,
        patient=make_patient(),
        start=datetime(2030, 1, 14, 2, tzinfo=UTC),
        minutes=60,
    )

    rows = {row["doctor_id"]: row for row in analytics.analytics_workload(scope())}

    # Tuesday 8 Jan 18:00-22:00 in New York ends on the 9th in UTC; the hours,
    # the Tuesday 21:30 visit and the Sunday evening one are all this week's.
    assert rows[new_york.pk]["capacity_this_week"] == 4.0
    assert rows[new_york.pk]["booked_this_week"] == 1.5
    assert rows[new_york.pk]["booked_next_week"] == 0.0
    assert rows[new_york.pk]["capacity_next_week"] == 4.0


def test_hours_stay_on_the_local_clock_across_a_dst_change(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    doctor = make_doctor(time_zone="America/New_York")
    patient = make_patient()
    # New York moves to summer time on Sunday 10 March 2030: 09:00 local is
    # 14:00 UTC before and 13:00 UTC after; 23:30 on Monday the 11th is 03:30
    # UTC on Tuesday.
    for start in (
        datetime(2030, 3, 8, 14, tzinfo=UTC),
        datetime(2030, 3, 11, 13, tzinfo=UTC),
        datetime(2030, 3, 12, 3, 30, tzinfo=UTC),
    ):
        make_appointment(doctor=doctor, patient=patient, start=start)
    march = Scope(date_from=date(2030, 3, 1), date_to=date(2030, 3, 31))

    figures = analytics.analytics_rates_by_time(march)
    trend = {row["date"].day: row["booked"] for row in analytics.analytics_trend(march)}

    hours = {row["hour"]: row["appointments"] for row in figures["hours"]}
    weekdays = {row["weekday"]: row["appointments"] for row in figures["weekdays"]}
    assert hours == {9: 2, 23: 1}
    assert (weekdays["Fri"], weekdays["Mon"], weekdays["Tue"]) == (1, 2, 0)
    assert {day: n for day, n in trend.items() if n} == {8: 1, 11: 2}


def test_activity_is_the_trend_and_the_time_rates_from_one_scan(two_zones):
    activity = analytics.analytics_activity(scope())

    assert activity == {
        "trend": analytics.analytics_trend(scope()),
        "by_time": analytics.analytics_rates_by_time(scope()),
    }
