"""No-show risk: the chance an appointment ends as a no-show or a late cancellation.

Features are those known when the appointment is booked: lead time, weekday,
local hour, age band and the patient's record of appointments that had already
taken place by then (a visit after the booking never informs it). Two models
share the features and the training code: a logistic regression, the baseline,
and a small MLP. Evaluation uses a time split: the earliest 80% of visits train,
the latest 20% test.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

LATE_CANCEL_HOURS = 24
HOURS = tuple(range(7, 20))  # local hours kept apart; earlier/later are pooled
AGE_BANDS = ((0, 18), (18, 30), (30, 45), (45, 65), (65, 200))
FEATURES = (
    "log_lead_days",
    "same_day",
    *(f"weekday_{d}" for d in range(7)),
    *(f"hour_{h}" for h in HOURS),
    "hour_other",
    *(f"age_{low}_{high}" for low, high in AGE_BANDS),
    "age_unknown",
    "log_prior_visits",
    "prior_bad_rate",
    "no_prior_visits",
)
FINAL_STATUSES = ("completed", "no_show", "cancelled")


def outcome_labels(frame: pd.DataFrame) -> np.ndarray:
    """1 for a no-show or a cancellation less than 24 hours before the start."""
    cancelled_at = pd.to_datetime(frame["cancelled_at"], utc=True)
    before_start = pd.to_datetime(frame["start"], utc=True) - cancelled_at
    late = (frame["status"] == "cancelled") & (
        before_start < pd.Timedelta(hours=LATE_CANCEL_HOURS)
    )
    return ((frame["status"] == "no_show") | late.fillna(False)).to_numpy(np.float32)


def prior_record(frame: pd.DataFrame, labels: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per row: the patient's earlier visits that started before this booking was
    made, and how many of them went bad; (count, bad) as float arrays."""
    patient = pd.factorize(frame["patient_id"])[0].astype(np.int64)
    start = frame["start"].astype("int64").to_numpy() // 10**9
    # A booking recorded after its visit must not see its own outcome.
    booked = np.minimum(frame["booked_at"].astype("int64").to_numpy() // 10**9, start)
    order = np.lexsort((start, patient))
    span = int(max(start.max(), booked.max()) - min(start.min(), booked.min()) + 2)
    base = min(start.min(), booked.min())
    # One sorted key per (patient, start) lets a single searchsorted find, for
    # every row, how many of that patient's visits began before its booking.
    key = patient[order] * span + (start[order] - base)
    query = patient * span + (booked - base)
    first_of_patient = np.searchsorted(key, patient * span)
    position = np.searchsorted(key, query, side="left")
    bad_cumulative = np.concatenate([[0.0], np.cumsum(labels[order])])
    count = (position - first_of_patient).astype(np.float32)
    bad = (bad_cumulative[position] - bad_cumulative[first_of_patient]).astype(
        np.float32
    )
    return count, bad


def feature_matrix(
    frame: pd.DataFrame, prior_count: np.ndarray, prior_bad: np.ndarray
) -> np.ndarray:
    """float32 [N, len(FEATURES)] from ``start``, ``booked_at``, ``hour``,
    ``weekday`` and ``age`` (years, NaN when unknown)."""
    lead = np.clip(
        (frame["start"] - frame["booked_at"]).dt.total_seconds().to_numpy() / 86400,
        0,
        None,
    )
    hour = frame["hour"].to_numpy()
    weekday = frame["weekday"].to_numpy()
    age = frame["age"].to_numpy(dtype=float)
    columns = [np.log1p(lead), (lead < 1).astype(float)]
    columns += [(weekday == d).astype(float) for d in range(7)]
    columns += [(hour == h).astype(float) for h in HOURS]
    columns.append((~np.isin(hour, HOURS)).astype(float))
    columns += [((age >= low) & (age < high)).astype(float) for low, high in AGE_BANDS]
    columns.append(np.isnan(age).astype(float))
    # Beta(1, 9) prior: a patient with no record starts near a 10% bad rate.
    columns += [
        np.log1p(prior_count),
        (prior_bad + 1) / (prior_count + 10),
        (prior_count == 0).astype(float),
    ]
    return np.stack(columns, axis=1).astype(np.float32)


def auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """Area under the ROC curve by the rank-sum formula (ties share ranks)."""
    positives = labels.sum()
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return None
    ranks = pd.Series(scores).rank(method="average").to_numpy()
    return float(
        (ranks[labels == 1].sum() - positives * (positives + 1) / 2)
        / (positives * negatives)
    )


def calibration(labels: np.ndarray, scores: np.ndarray, bins: int = 10) -> dict:
    """Brier score, expected calibration error and a reliability table by decile
    of predicted risk."""
    order = np.argsort(scores, kind="stable")
    table, weighted_gap = [], 0.0
    for chunk in np.array_split(order, bins):
        if not len(chunk):
            continue
        predicted, observed = float(scores[chunk].mean()), float(labels[chunk].mean())
        weighted_gap += len(chunk) * abs(predicted - observed)
        table.append(
            {
                "predicted": round(predicted, 4),
                "observed": round(observed, 4),
                "n": len(chunk),
            }
        )
    return {
        "brier": round(float(np.mean((scores - labels) ** 2)), 5),
        "ece": round(weighted_gap / len(labels), 5),
        "deciles": table,
    }


class RiskNet(nn.Module):
    """Logistic regression when ``hidden`` is 0, else a one-hidden-layer MLP."""

    def __init__(self, n_features: int, hidden: int) -> None:
        super().__init__()
        self.hidden = hidden
        self.layers = (
            nn.Linear(n_features, 1)
            if hidden == 0
            else nn.Sequential(
                nn.Linear(n_features, hidden), nn.ReLU(), nn.Linear(hidden, 1)
            )
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: [N, F] -> logits [N]
        return self.layers(x)[:, 0]


@dataclass
class RiskModel:
    net: RiskNet
    mean: np.ndarray  # float32 [F]  feature standardisation
    std: np.ndarray  # float32 [F]

    def predict(self, features: np.ndarray) -> np.ndarray:
        x = torch.from_numpy((features - self.mean) / self.std)
        self.net.eval()
        with torch.no_grad():
            return torch.sigmoid(self.net(x)).numpy()


def fit_risk(
    features: np.ndarray,
    labels: np.ndarray,
    *,
    hidden: int,
    steps: int = 300,
    seed: int = 0,
) -> RiskModel:
    """Full-batch Adam on binary cross-entropy; seeded and deterministic on CPU."""
    torch.manual_seed(seed)
    mean = features.mean(axis=0)
    std = np.where(features.std(axis=0) > 0, features.std(axis=0), 1).astype(np.float32)
    x = torch.from_numpy((features - mean) / std)
    y = torch.from_numpy(labels)
    net = RiskNet(features.shape[1], hidden)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.02, weight_decay=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        optimizer.step()
    return RiskModel(net=net, mean=mean.astype(np.float32), std=std)


def evaluate_risk(
    frame: pd.DataFrame,
    *,
    test_share: float = 0.2,
    hidden: int = 16,
    steps: int = 300,
    seed: int = 0,
) -> tuple[RiskModel, dict]:
    """Fit both models on the earliest visits, score them on the latest, and
    return the MLP refitted on everything with the report."""
    frame = frame[frame["status"].isin(FINAL_STATUSES)].reset_index(drop=True)
    labels = outcome_labels(frame)
    count, bad = prior_record(frame, labels)
    features = feature_matrix(frame, count, bad)
    split = frame["start"].quantile(1 - test_share)
    train = (frame["start"] < split).to_numpy()
    test = ~train

    report = {
        "appointments": len(frame),
        "train": int(train.sum()),
        "test": int(test.sum()),
        "split_at": split.isoformat(),
        "base_rate_test": round(float(labels[test].mean()), 4) if test.any() else None,
    }
    for name, width in (("logistic_regression", 0), ("mlp", hidden)):
        model = fit_risk(
            features[train], labels[train], hidden=width, steps=steps, seed=seed
        )
        scores = model.predict(features[test])
        score = auc(labels[test], scores)
        report[name] = {
            "auc": round(score, 4) if score is not None else None,
            **calibration(labels[test], scores),
        }
    final = fit_risk(features, labels, hidden=hidden, steps=steps, seed=seed)
    return final, report
