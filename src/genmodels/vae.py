"""A beta-VAE for binarised MNIST: MLP and convolutional encoders/decoders, loss, NLL.

The encoder maps an image to the mean and log-variance of a diagonal Gaussian q(z|x); a
sample z = mu + sigma * eps (the reparameterisation trick) is decoded into the logits of
independent Bernoulli pixels p(x|z). The convolutional model is the MLP model with a
convolutional feature extractor in front of the encoder's MLP and a transposed-convolution
stack behind the decoder's MLP.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from genmodels.config import VAEConfig

IMAGE_SHAPE = (1, 28, 28)


# Listed in the report (listing.py), whose pages fit 88 columns: kept as formatted at 88.
# fmt: off
class MLPEncoder(nn.Module):
    """Features -> (mu, logvar) of q(z|x)."""

    def __init__(
        self, in_features: int, hidden_dim: int, latent_dim: int, dropout: float = 0.0,
        batch_norm: bool = True,
    ):
        super().__init__()
        norm = nn.BatchNorm1d if batch_norm else nn.Identity
        self.hidden = nn.Sequential(
            nn.Flatten(),
            nn.Linear(in_features, hidden_dim),
            norm(hidden_dim),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden_dim, hidden_dim),
            norm(hidden_dim),
            nn.ReLU(),
            nn.Dropout(dropout),
        )
        self.to_gaussian = nn.Linear(hidden_dim, 2 * latent_dim)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = self.to_gaussian(self.hidden(x)).chunk(2, dim=-1)
        return mu, logvar


class MLPDecoder(nn.Module):
    """z -> a flat vector of `out_features` (pixel logits for the MLP model)."""

    def __init__(
        self, latent_dim: int, hidden_dim: int, out_features: int, dropout: float = 0.0,
        batch_norm: bool = True,
    ):
        super().__init__()
        norm = nn.BatchNorm1d if batch_norm else nn.Identity
        self.net = nn.Sequential(
            nn.Linear(latent_dim, hidden_dim),
            norm(hidden_dim),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden_dim, hidden_dim),
            norm(hidden_dim),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden_dim, out_features),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


def conv_block(
    in_channels: int, out_channels: int, transposed: bool = False, batch_norm: bool = True
) -> nn.Sequential:
    """Stride-2 (transposed) convolution, halving (doubling) the side; BatchNorm, ReLU."""
    conv = nn.ConvTranspose2d if transposed else nn.Conv2d
    return nn.Sequential(
        conv(in_channels, out_channels, 4, 2, 1, bias=not batch_norm),  # BN has the bias
        nn.BatchNorm2d(out_channels) if batch_norm else nn.Identity(),
        nn.ReLU(),
    )


class ConvEncoder(nn.Module):
    """Image -> conv features (28 -> 14 -> 7) -> the MLP encoder -> (mu, logvar)."""

    def __init__(
        self, channels: tuple[int, ...], hidden_dim: int, latent_dim: int, dropout: float = 0.0,
        batch_norm: bool = True,
    ):
        super().__init__()
        widths = (IMAGE_SHAPE[0], *channels)
        blocks = (conv_block(a, b, False, batch_norm) for a, b in zip(widths, widths[1:]))
        self.features = nn.Sequential(*blocks)
        features = channels[-1] * (IMAGE_SHAPE[1] // 2 ** len(channels)) ** 2
        self.head = MLPEncoder(features, hidden_dim, latent_dim, dropout, batch_norm)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.head(self.features(x))


class ConvDecoder(nn.Module):
    """z -> MLP decoder -> (C, 7, 7) -> transposed convs (7 -> 14 -> 28) -> logits."""

    def __init__(
        self, channels: tuple[int, ...], hidden_dim: int, latent_dim: int, dropout: float = 0.0,
        batch_norm: bool = True,
    ):
        super().__init__()
        side = IMAGE_SHAPE[1] // 2 ** len(channels)
        widths = tuple(reversed(channels))
        self.head = nn.Sequential(
            MLPDecoder(latent_dim, hidden_dim, widths[0] * side * side, dropout, batch_norm),
            nn.Unflatten(1, (widths[0], side, side)),
            nn.BatchNorm2d(widths[0]) if batch_norm else nn.Identity(),
            nn.ReLU(),
        )
        blocks = (conv_block(a, b, True, batch_norm) for a, b in zip(widths, widths[1:]))
        self.upsample = nn.Sequential(*blocks)
        self.to_logits = nn.ConvTranspose2d(widths[-1], IMAGE_SHAPE[0], 4, 2, 1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.to_logits(self.upsample(self.head(z)))


class VAE(nn.Module):
    """forward(x) -> (reconstruction logits, mu, logvar); sigmoid(logits): pixel means."""

    def __init__(self, encoder: nn.Module, decoder: nn.Module, latent_dim: int):
        super().__init__()
        self.encoder, self.decoder, self.latent_dim = encoder, decoder, latent_dim

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Latent codes -> pixel logits of shape (N, 1, 28, 28), IMAGE_SHAPE per image."""
        return self.decoder(z).view((-1,) + IMAGE_SHAPE)

    @staticmethod
    def reparameterise(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        """z = mu + sigma * eps, eps ~ N(0, I): differentiable in mu and sigma."""
        return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)

    def forward(
        self, x: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu, logvar = self.encode(x)
        return self.decode(self.reparameterise(mu, logvar)), mu, logvar

    @torch.no_grad()
    def sample(
        self, num_samples: int, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """Pixel means of images decoded from z ~ N(0, I) (drawn by `generator`, on the
        CPU, then moved to the model's device)."""
        z = torch.randn(num_samples, self.latent_dim, generator=generator)
        return torch.sigmoid(self.decode(z.to(next(self.parameters()).device)))
# fmt: on


def build_vae(config: VAEConfig) -> VAE:
    """The VAE of `config`, initialised from its seed."""
    torch.manual_seed(config.seed)
    pixels = math.prod(IMAGE_SHAPE)
    if config.architecture == "mlp":
        encoder = MLPEncoder(pixels, config.hidden_dim, config.latent_dim, config.dropout, config.batch_norm)
        decoder = MLPDecoder(config.latent_dim, config.hidden_dim, pixels, config.dropout, config.batch_norm)
    elif config.architecture == "conv":
        shape = config.conv_channels, config.hidden_dim, config.latent_dim, config.dropout, config.batch_norm
        encoder, decoder = ConvEncoder(*shape), ConvDecoder(*shape)
    else:
        raise ValueError(f"unknown VAE architecture {config.architecture!r}: use 'mlp' or 'conv'")
    return VAE(encoder, decoder, config.latent_dim)


# --- loss -------------------------------------------------------------------------------------


# Listed in the report (listing.py), whose pages fit 88 columns: kept as formatted at 88.
# fmt: off
def gaussian_kl_per_dimension(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, sigma^2) || N(0, 1)) in closed form, per image and dimension (nats)."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar)


def bernoulli_nll(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """-log p(x|z) for Bernoulli pixels, summed over pixels: nats per image."""
    per_pixel = F.binary_cross_entropy_with_logits(logits, x, reduction="none")
    return per_pixel.flatten(1).sum(1)


def vae_loss(logits, x, mu, logvar, beta: float = 1.0, free_bits_nats: float = 0.0) -> dict:
    """The beta-VAE loss, reconstruction + beta * KL, batch mean (nats per image). With free
    bits, each latent dimension's batch-mean KL below `free_bits_nats` is not penalised
    (Kingma et al., 2016); the reported KL is always the true one."""
    reconstruction = bernoulli_nll(logits, x).mean()
    kl_per_dimension = gaussian_kl_per_dimension(mu, logvar).mean(0)
    kl = kl_per_dimension.sum()
    # a KL is never negative, so 0 free bits clamp nothing
    penalised_kl = kl_per_dimension.clamp(min=free_bits_nats).sum()
    total = reconstruction + beta * penalised_kl  # what training minimises
    return {"total": total, "reconstruction": reconstruction, "kl": kl}
# fmt: on


# --- evaluation -------------------------------------------------------------------------------


@torch.no_grad()
def evaluate(model: VAE, images: torch.Tensor, beta: float, batch_size: int = 1000) -> dict:
    """Mean loss terms (nats per image) on fixed binarised images, one posterior sample each."""
    model.eval()
    sums = {"total": 0.0, "reconstruction": 0.0, "kl": 0.0}
    for start in range(0, len(images), batch_size):
        x = images[start : start + batch_size]
        logits, mu, logvar = model(x)
        terms = vae_loss(logits, x, mu, logvar, beta=beta)
        for key in sums:
            sums[key] += terms[key].item() * len(x)
    return {key: value / len(images) for key, value in sums.items()}


@torch.no_grad()
def importance_sampled_nll(
    model: VAE,
    images: torch.Tensor,
    num_samples: int = 500,
    chunk: int = 250,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """-log p(x) per image (nats), estimated with `num_samples` importance samples from q(z|x):
    log p(x) ~= logsumexp_k [log p(x|z_k) + log p(z_k) - log q(z_k|x)] - log K (Burda et al.)."""
    model.eval()
    results = []
    log_2pi = math.log(2 * math.pi)
    for x in images.split(max(1, 4000 // chunk)):
        mu, logvar = model.encode(x)
        log_weights = []
        for start in range(0, num_samples, chunk):
            k = min(chunk, num_samples - start)
            eps = torch.randn(k, *mu.shape, generator=generator)
            z = mu + torch.exp(0.5 * logvar) * eps  # (k, n, d)
            logits = model.decode(z.flatten(0, 1)).view(k, len(x), -1)
            log_px_z = -F.binary_cross_entropy_with_logits(
                logits, x.flatten(1).expand(k, -1, -1), reduction="none"
            ).sum(-1)
            log_pz = -0.5 * (z.pow(2) + log_2pi).sum(-1)
            log_qz = -0.5 * (eps.pow(2) + logvar + log_2pi).sum(-1)
            log_weights.append(log_px_z + log_pz - log_qz)
        log_weights = torch.cat(log_weights)
        results.append(-(torch.logsumexp(log_weights, 0) - math.log(num_samples)))
    return torch.cat(results)


ACTIVITY_THRESHOLD = 0.01  # Burda et al.'s: a unit is active when its posterior mean varies more


def active_units(means: torch.Tensor, threshold: float = ACTIVITY_THRESHOLD) -> tuple[int, torch.Tensor]:
    """Burda et al.'s active units: dimensions whose Cov_x(E_q[z_i|x]) exceeds `threshold`."""
    variance = means.var(0)
    return int((variance > threshold).sum()), variance
