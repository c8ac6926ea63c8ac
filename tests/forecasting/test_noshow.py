"""No-show risk: labels, a leak-free patient record, and the time-split report."""

import numpy as np
import pandas as pd

from forecasting.core.noshow import (
    FEATURES,
    auc,
    calibration,
    evaluate_risk,
    feature_matrix,
    outcome_labels,
    prior_record,
)

T0 = pd.Timestamp("2025-03-03 09:00", tz="UTC")


def _frame(rows):
    """rows: (patient, start_day, booked_day, status, cancelled_hours_before)."""
    records = []
    for patient, start, booked, status, hours_before in rows:
        begin = T0 + pd.Timedelta(days=start)
        records.append(
            {
                "patient_id": patient,
                "start": begin,
                "booked_at": T0 + pd.Timedelta(days=booked),
                "status": status,
                "cancelled_at": (
                    begin - pd.Timedelta(hours=hours_before)
                    if hours_before is not None
                    else pd.NaT
                ),
                "hour": 9,
                "weekday": begin.weekday(),
                "age": 40.0,
            }
        )
    return pd.DataFrame(records)


def test_no_shows_and_cancellations_within_a_day_count_as_bad():
    frame = _frame(
        [
            ("a", 5, 0, "no_show", None),
            ("a", 6, 0, "cancelled", 3),
            ("a", 7, 0, "cancelled", 72),
            ("a", 8, 0, "completed", None),
            ("a", 9, 0, "cancelled", None),
        ]
    )

    assert outcome_labels(frame).tolist() == [1, 1, 0, 0, 0]


def test_patient_record_holds_only_visits_before_the_booking():
    frame = _frame(
        [
            ("a", 1, 0, "no_show", None),
            ("a", 3, 0, "completed", None),  # booked before day 1's visit
            ("a", 10, 5, "completed", None),  # sees days 1, 2 and 3
            ("b", 10, 9, "completed", None),  # another patient: no record
            ("a", 2, 4, "completed", None),  # recorded after its visit
        ]
    )
    labels = outcome_labels(frame)

    count, bad = prior_record(frame, labels)

    assert count.tolist() == [0, 0, 3, 0, 1]
    assert bad.tolist() == [0, 0, 1, 0, 1]


def test_feature_matrix_has_one_column_per_named_feature():
    frame = _frame([("a", 1, 0, "completed", None)])

    features = feature_matrix(frame, np.zeros(1), np.zeros(1))

    assert features.shape == (1, len(FEATURES))


def test_auc_and_calibration_on_known_scores():
    labels = np.array([0, 0, 1, 1], dtype=np.float32)

    assert auc(labels, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert auc(labels, np.array([0.5, 0.5, 0.5, 0.5])) == 0.5
    report = calibration(labels, np.array([0.0, 0.0, 1.0, 1.0]), bins=2)
    assert report["brier"] == 0.0
    assert report["ece"] == 0.0


def test_both_models_learn_a_risk_that_rises_with_lead_time():
    rng = np.random.default_rng(0)
    rows = []
    for i in range(3000):
        lead = int(rng.integers(0, 40))
        bad = rng.random() < 0.03 + 0.01 * lead
        rows.append(
            (
                f"p{i % 400}",
                i // 10,
                i // 10 - lead,
                "no_show" if bad else "completed",
                None,
            )
        )
    frame = _frame(rows)

    model, report = evaluate_risk(frame, hidden=8, steps=150)

    assert report["train"] + report["test"] == 3000
    assert report["logistic_regression"]["auc"] > 0.6
    assert report["mlp"]["auc"] > 0.6
    features = feature_matrix(frame, np.zeros(3000), np.zeros(3000))
    risk = model.predict(features)
    lead = (frame["start"] - frame["booked_at"]).dt.days.to_numpy()
    assert risk[lead > 30].mean() > risk[lead < 5].mean()
