"""Training and prediction for the demand network, seeded and CPU-only."""

import logging
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from forecasting.core.features import (
    HISTORY_DAYS,
    MAX_HORIZON,
    History,
    Samples,
    build_samples,
)
from forecasting.core.model import (
    DemandNet,
    ModelConfig,
    negative_binomial_nll,
    negative_binomial_quantiles,
)

logger = logging.getLogger(__name__)

COVERAGE = 0.8
# Tail probabilities tried when calibrating the interval; discrete counts make
# the plain (0.1, 0.9) quantiles cover more than 80%, so wider tails are tried.
TAIL_GRID = tuple(round(0.05 + 0.025 * i, 3) for i in range(13))


@dataclass(frozen=True)
class TrainConfig:
    horizon: int = MAX_HORIZON
    max_epochs: int = 15
    patience: int = 3
    batch_size: int = 512
    learning_rate: float = 3e-3
    weight_decay: float = 1e-5
    validation_share: float = 0.15  # the latest origins, held out for stopping
    origin_stride: int = 3
    seed: int = 0
    threads: int = 1
    model: dict = field(default_factory=dict)  # ModelConfig overrides


@dataclass
class Trained:
    net: DemandNet
    doctor_ids: tuple
    config: TrainConfig
    epochs: int
    validation_nll: float
    seconds: float
    tail: float = 0.1  # probability left out on each side of the interval
    validation_coverage: float | None = None
    validation: dict = field(default_factory=dict)

    def doctor_index(self, doctor_ids) -> np.ndarray:
        """Embedding indices for ``doctor_ids``; 0 for doctors the net never saw."""
        known = {doctor_id: i + 1 for i, doctor_id in enumerate(self.doctor_ids)}
        return np.array([known.get(d, 0) for d in doctor_ids], dtype=np.int64)


def seed_everything(seed: int, threads: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


def _tensors(samples: Samples, doctor_index: np.ndarray) -> dict[str, torch.Tensor]:
    remaining = samples.actual - samples.on_books
    return {
        "past": torch.from_numpy(samples.past),
        "future": torch.from_numpy(samples.future),
        "doctor": torch.from_numpy(doctor_index),
        "scale": torch.from_numpy(samples.scale),
        "remaining": torch.from_numpy(np.nan_to_num(remaining, nan=0.0)),
        "known": torch.from_numpy(~np.isnan(remaining)),
        "capacity": torch.from_numpy(samples.capacity),
    }


def step(
    net: DemandNet,
    batch: dict[str, torch.Tensor],
    optimizer: torch.optim.Optimizer | None = None,
) -> float:
    """One batch: mean NLL over known targets; trains when given an optimizer."""
    training = optimizer is not None
    net.train(training)
    with torch.set_grad_enabled(training):
        mean, dispersion = net(
            batch["past"], batch["future"], batch["doctor"], batch["scale"]
        )
        nll = negative_binomial_nll(batch["remaining"], mean, dispersion)  # [B, H]
        known = batch["known"]
        loss = (nll * known).sum() / known.sum().clamp(min=1)
        if training:
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            optimizer.step()
    return float(loss.item())


def training_origins(history: History, cutoff: int, stride: int) -> np.ndarray:
    """Origins with a full window of recent days, up to the day before the cutoff."""
    return np.arange(cutoff - 1, HISTORY_DAYS - 1, -stride)[::-1]


def fit(
    history: History,
    *,
    cutoff: int,
    config: TrainConfig | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> Trained:
    """Train on bookings known at the end of day ``cutoff``, and nothing later."""
    config = config or TrainConfig()
    seed_everything(config.seed, config.threads)
    started = time.perf_counter()

    origins = training_origins(history, cutoff, config.origin_stride)
    if len(origins) < 2:
        raise ValueError("not enough history before the cutoff to train")
    samples = build_samples(history, origins, cutoff=cutoff, horizon=config.horizon)
    split = origins[int(len(origins) * (1 - config.validation_share))]
    index = samples.doctor + 1
    held_out = samples.origin >= split
    train = _tensors(samples.subset(~held_out), index[~held_out])
    valid_samples = samples.subset(held_out)
    valid = _tensors(valid_samples, index[held_out])

    net = DemandNet(ModelConfig(n_doctors=history.n_doctors, **config.model))
    optimizer = torch.optim.Adam(
        net.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    generator = torch.Generator().manual_seed(config.seed)
    best, best_state, stale, epoch = float("inf"), None, 0, 0
    n_train = len(train["doctor"])
    for epoch in range(1, config.max_epochs + 1):
        order = torch.randperm(n_train, generator=generator)
        for first in range(0, n_train, config.batch_size):
            rows = order[first : first + config.batch_size]
            step(net, {name: value[rows] for name, value in train.items()}, optimizer)
        valid_nll = step(net, valid)
        if progress:
            progress(epoch, config.max_epochs, valid_nll)
        if valid_nll < best - 1e-4:
            best, stale = valid_nll, 0
            best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
        else:
            stale += 1
            if stale >= config.patience:
                break
    if best_state is not None:
        net.load_state_dict(best_state)
    tail, coverage = _calibrate_tail(net, valid)
    seconds = time.perf_counter() - started
    logger.info(
        "demand net trained: cutoff=%s epochs=%s validation_nll=%.4f tail=%s "
        "seconds=%.1f",
        cutoff,
        epoch,
        best,
        tail,
        seconds,
    )
    trained = Trained(
        net=net,
        doctor_ids=history.doctor_ids,
        config=config,
        epochs=epoch,
        validation_nll=best,
        seconds=seconds,
        tail=tail,
        validation_coverage=coverage,
    )
    trained.validation = validation_scores(
        predict(trained, valid_samples, history.doctor_ids), valid_samples
    )
    return trained


def validation_scores(forecast: "Forecast", samples: Samples) -> dict:
    """MAE of the model and both baselines, and coverage, over known targets."""
    known = ~np.isnan(samples.actual)
    actual = samples.actual[known]

    def mae(values: np.ndarray) -> float | None:
        return (
            round(float(np.abs(values[known] - actual).mean()), 4)
            if known.any()
            else None
        )

    covered = (actual >= forecast.lower[known]) & (actual <= forecast.upper[known])
    return {
        "mae": mae(forecast.median),
        "seasonal_naive_mae": mae(samples.seasonal_naive),
        "pickup_mae": mae(samples.pickup),
        "coverage_80": round(float(covered.mean()), 4) if known.any() else None,
    }


def _calibrate_tail(
    net: DemandNet, valid: dict[str, torch.Tensor]
) -> tuple[float, float | None]:
    """The tail probability whose interval covers closest to 80% of validation
    working days (days with pickup still to come), with that coverage."""
    net.eval()
    with torch.no_grad():
        mean, dispersion = net(
            valid["past"], valid["future"], valid["doctor"], valid["scale"]
        )
    rows = valid["known"] & (valid["capacity"] > 0)
    if not bool(rows.any()):
        return 0.1, None
    quantiles = negative_binomial_quantiles(
        mean[rows],
        dispersion[rows],
        tuple(q for tail in TAIL_GRID for q in (tail, 1 - tail)),
    )  # [2 * len(TAIL_GRID), N]
    remaining = valid["remaining"][rows]
    best_tail, best_coverage = 0.1, None
    for i, tail in enumerate(TAIL_GRID):
        low, high = quantiles[2 * i], quantiles[2 * i + 1]
        coverage = float(((remaining >= low) & (remaining <= high)).float().mean())
        if best_coverage is None or abs(coverage - COVERAGE) < abs(
            best_coverage - COVERAGE
        ):
            best_tail, best_coverage = tail, coverage
    return best_tail, round(best_coverage, 4)


@dataclass
class Forecast:
    """Per sample and horizon: [S, H] arrays of total bookings for the day."""

    mean: np.ndarray
    median: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def predict(trained: Trained, samples: Samples, doctor_ids: tuple) -> Forecast:
    """Forecast the samples' days; ``doctor_ids`` maps their doctor indices to ids."""
    index = trained.doctor_index([doctor_ids[i] for i in samples.doctor])
    batch = _tensors(samples, index)
    trained.net.eval()
    with torch.no_grad():
        mean, dispersion = trained.net(
            batch["past"], batch["future"], batch["doctor"], batch["scale"]
        )
        low, mid, high = negative_binomial_quantiles(
            mean, dispersion, (trained.tail, 0.5, 1 - trained.tail)
        ).numpy()
    on_books = samples.on_books
    return Forecast(
        mean=on_books + mean.numpy(),
        median=on_books + mid,
        lower=on_books + low,
        upper=on_books + high,
    )


def describe(config: TrainConfig) -> dict:
    return asdict(config)
