"""The demand network's shapes, its count loss and a tiny deterministic run."""

import math

import numpy as np
import torch

from forecasting.core.features import FUTURE_FEATURES, PAST_FEATURES, build_samples
from forecasting.core.model import (
    DemandNet,
    ModelConfig,
    negative_binomial_nll,
    negative_binomial_quantiles,
)
from forecasting.core.training import TrainConfig, fit, predict
from tests.forecasting.synthetic import clinic_history


def test_network_maps_a_batch_to_one_mean_and_dispersion_per_horizon():
    torch.manual_seed(0)
    net = DemandNet(ModelConfig(n_doctors=3))
    past = torch.randn(5, 28, len(PAST_FEATURES))
    future = torch.randn(5, 14, len(FUTURE_FEATURES))

    mean, dispersion = net(past, future, torch.tensor([0, 1, 2, 3, 0]), torch.ones(5))

    assert mean.shape == dispersion.shape == (5, 14)
    assert (mean > 0).all()
    assert (dispersion > 0).all()


def test_negative_binomial_with_tiny_dispersion_is_poisson():
    count = torch.tensor([0.0, 3.0, 7.0], dtype=torch.float64)
    mean = torch.tensor([2.0, 2.0, 5.0], dtype=torch.float64)

    nll = negative_binomial_nll(count, mean, torch.full((3,), 1e-8).double())

    poisson = [
        -(k * math.log(m) - m - math.lgamma(k + 1))
        for k, m in zip([0, 3, 7], [2.0, 2.0, 5.0], strict=True)
    ]
    np.testing.assert_allclose(nll.numpy(), poisson, rtol=1e-5)


def test_quantiles_bracket_the_median_of_a_poisson_like_count():
    low, mid, high = negative_binomial_quantiles(
        torch.tensor([4.0]), torch.tensor([1e-8]), (0.1, 0.5, 0.9)
    )

    # Poisson(4): P(X<=1)=0.092, P(X<=2)=0.238, P(X<=4)=0.629, P(X<=6)=0.889.
    assert (low.item(), mid.item(), high.item()) == (2.0, 4.0, 7.0)


def _tiny_fit():
    history = clinic_history(doctors=2, days=120, seed=3)
    config = TrainConfig(max_epochs=2, horizon=7, batch_size=64)
    return history, fit(history, cutoff=100, config=config)


def test_training_is_deterministic_under_a_seed():
    _, first = _tiny_fit()
    _, second = _tiny_fit()

    for name, value in first.net.state_dict().items():
        assert torch.equal(value, second.net.state_dict()[name]), name
    assert first.validation_nll == second.validation_nll


def test_forecast_is_never_below_the_bookings_already_made():
    history, trained = _tiny_fit()
    samples = build_samples(history, np.array([105]), cutoff=119, horizon=7)

    forecast = predict(trained, samples, history.doctor_ids)

    assert forecast.median.shape == (2, 7)
    assert (forecast.lower >= samples.on_books).all()
    assert (forecast.lower <= forecast.median).all()
    assert (forecast.median <= forecast.upper).all()
    assert math.isfinite(trained.validation_nll)
