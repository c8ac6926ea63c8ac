"""The demand network: a GRU over recent days, shared by all doctors.

The network predicts the pickup still to come for each horizon (bookings not yet
on the books) as a negative binomial, so the forecast is the bookings already
made plus a count distribution that can never go below them. Its mean is the
pickup baseline's average later pickup times a learned factor, so an untrained
network starts at the baseline and learns corrections to it. A doctor
embedding lets one network carry every doctor's habits; index 0 stands for a
doctor the network has not seen.
"""

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from forecasting.core.features import FUTURE_FEATURES, PAST_FEATURES


@dataclass(frozen=True)
class ModelConfig:
    n_doctors: int
    hidden: int = 32
    doctor_dim: int = 4
    head: int = 64


class DemandNet(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.encoder = nn.GRU(len(PAST_FEATURES), config.hidden, batch_first=True)
        self.doctor = nn.Embedding(config.n_doctors + 1, config.doctor_dim)
        width = config.hidden + config.doctor_dim + len(FUTURE_FEATURES)
        self.head = nn.Sequential(
            nn.Linear(width, config.head), nn.ReLU(), nn.Linear(config.head, 2)
        )

    def forward(
        self,
        past: torch.Tensor,  # [B, L, P]
        future: torch.Tensor,  # [B, H, F]
        doctor: torch.Tensor,  # [B] int64, 0 = unknown doctor
        scale: torch.Tensor,  # [B]
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean [B, H] and dispersion [B, H] of the pickup still to come."""
        _, last = self.encoder(past)  # last: [1, B, hidden]
        horizons = future.shape[1]
        context = torch.cat([last[0], self.doctor(doctor)], dim=1)  # [B, hidden+E]
        context = context[:, None, :].expand(-1, horizons, -1)  # [B, H, hidden+E]
        out = self.head(torch.cat([context, future], dim=2))  # [B, H, 2]
        # A correction to the pickup baseline: the average later pickup for the
        # weekday and lead (future feature 3) times a learned factor.
        later = future[..., 3].clamp(min=0)  # [B, H], already divided by scale
        factor = torch.exp(out[..., 0].clamp(-6, 6))
        mean = (later + 0.05) * factor * scale[:, None] + 1e-4
        dispersion = F.softplus(out[..., 1]) + 1e-3
        return mean, dispersion


def negative_binomial_nll(
    count: torch.Tensor, mean: torch.Tensor, dispersion: torch.Tensor
) -> torch.Tensor:
    """Elementwise negative log-likelihood; variance is mean + dispersion * mean^2."""
    r = 1.0 / dispersion
    log_p = (
        torch.lgamma(count + r)
        - torch.lgamma(r)
        - torch.lgamma(count + 1)
        + r * torch.log(r / (r + mean))
        + count * torch.log(mean / (r + mean))
    )
    return -log_p


def negative_binomial_quantiles(
    mean: torch.Tensor, dispersion: torch.Tensor, levels: tuple[float, ...]
) -> torch.Tensor:
    """Smallest counts whose CDF reaches each level: [len(levels), *mean.shape]."""
    # Double precision: lgamma(k + r) - lgamma(r) cancels badly in float32.
    flat_mean = mean.reshape(-1).double()
    flat_disp = dispersion.reshape(-1).double()
    spread = torch.sqrt(flat_mean + flat_disp * flat_mean**2)
    top = int(torch.clamp((flat_mean + 8 * spread).max(), min=10).ceil().item())
    k = torch.arange(top + 1, dtype=torch.float64)[None, :]  # [1, K]
    log_pmf = -negative_binomial_nll(k, flat_mean[:, None], flat_disp[:, None])
    cdf = torch.cumsum(torch.exp(log_pmf), dim=1)  # [N, K]
    result = [
        torch.searchsorted(cdf, torch.full((cdf.shape[0], 1), level, dtype=cdf.dtype))
        .clamp(max=top)
        .reshape(mean.shape)
        .to(mean.dtype)
        for level in levels
    ]
    return torch.stack(result)
