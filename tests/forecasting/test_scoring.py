"""Slot scores favour kept hours and quieter days, and say why."""

from forecasting.core.scoring import score_slot


def test_a_quieter_day_scores_higher_at_the_same_attendance():
    quiet = score_slot(0.9, 0.3)
    busy = score_slot(0.9, 0.95)

    assert quiet.score > busy.score
    assert "quiet day" in quiet.reason
    assert "busy day" in busy.reason


def test_a_likelier_kept_slot_scores_higher_on_the_same_day():
    assert score_slot(0.95, 0.5).score > score_slot(0.7, 0.5).score


def test_scores_stay_between_zero_and_one():
    assert score_slot(1.0, 0.0).score == 1.0
    assert score_slot(0.0, 1.7).score == 0.0
    assert score_slot(1.2, -0.1).score == 1.0


def test_reason_names_the_load_and_the_attendance_chance():
    result = score_slot(0.92, 0.4)

    assert result.reason == (
        "A quiet day (about 40% of slots expected taken); about 92% of bookings "
        "like this one are kept."
    )
    assert "no demand forecast" in score_slot(0.9, None).reason.lower()
