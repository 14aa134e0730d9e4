"""DCGAN-style generators and discriminators for 32x32 CIFAR-10, and their losses.

Two architectures, both noise (N, latent, 1, 1) -> 32x32 RGB in [-1, 1] (tanh) through
4x4 transposed convolutions with BatchNorm and ReLU:

- "dcgan" (Radford et al., 2016): G 4x4 -> 8x8 -> 16x16 -> 32x32; D its mirror image, three
  strided 4x4 convolutions with LeakyReLU(0.2) and BatchNorm or spectral norm.
- "sngan", the "standard CNN" of Miyato et al. (2018), a deeper DCGAN: G has one more
  upsampling block (8w channels at 4x4, a 3x3 convolution to RGB); D alternates 3x3 and
  strided 4x4 convolutions (seven layers, LeakyReLU(0.1)) before a 4x4 convolution to one logit.
"""

from __future__ import annotations

import copy
import math

import torch
import torch.nn.functional as F
from torch import nn

from genmodels.config import GANConfig

PARAMETER_LIMIT = 25_000_000
spectral = nn.utils.parametrizations.spectral_norm  # wraps a layer; the listing fits 88 columns


# Listed in the report (listing.py), whose pages fit 88 columns: kept as formatted at 88.
# fmt: off
def _up(in_channels: int, out_channels: int, first: bool = False) -> nn.Sequential:
    stride, padding = (1, 0) if first else (2, 1)
    return nn.Sequential(
        nn.ConvTranspose2d(in_channels, out_channels, 4, stride, padding, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


ARCHITECTURES = ("dcgan", "sngan")


def _check_architecture(architecture: str) -> None:
    if architecture not in ARCHITECTURES:
        raise ValueError(
            f"unknown GAN architecture {architecture!r}: use one of {ARCHITECTURES}"
        )


class Generator(nn.Module):
    """Noise (N, latent, 1, 1) -> images (N, 3, 32, 32) in [-1, 1]."""

    def __init__(
        self, latent_dim: int = 100, width: int = 64, architecture: str = "dcgan"
    ):
        super().__init__()
        _check_architecture(architecture)
        self.latent_dim = latent_dim
        if architecture == "dcgan":
            self.net = nn.Sequential(
                _up(latent_dim, width * 4, first=True),  # 4x4
                _up(width * 4, width * 2),  # 8x8
                _up(width * 2, width),  # 16x16
                nn.ConvTranspose2d(width, 3, 4, 2, 1),  # 32x32
                nn.Tanh(),
            )
        else:
            self.net = nn.Sequential(
                _up(latent_dim, width * 8, first=True),  # 4x4
                _up(width * 8, width * 4),  # 8x8
                _up(width * 4, width * 2),  # 16x16
                _up(width * 2, width),  # 32x32
                nn.Conv2d(width, 3, 3, 1, 1),
                nn.Tanh(),
            )

    def forward(self, noise: torch.Tensor) -> torch.Tensor:
        return self.net(noise)


def _down(in_channels: int, out_channels: int, normalise: str, kernel: int = 4,
          slope: float = 0.2) -> nn.Sequential:
    """Convolution (4x4 halves the size, 3x3 keeps it), normalisation, LeakyReLU;
    `spectral` is torch's nn.utils.parametrizations.spectral_norm."""
    stride, bias = (2 if kernel == 4 else 1), normalise != "batch"  # BatchNorm: no bias
    conv = nn.Conv2d(in_channels, out_channels, kernel, stride, 1, bias=bias)
    layers = [spectral(conv) if normalise == "spectral" else conv]
    if normalise == "batch":
        layers.append(nn.BatchNorm2d(out_channels))
    layers.append(nn.LeakyReLU(slope, inplace=True))
    return nn.Sequential(*layers)


class MinibatchStd(nn.Module):
    """Appends one channel: the standard deviation over the batch of every feature, averaged to one
    number, so that D sees how varied a batch is (Karras et al. 2018, a simple form of Salimans et
    al.'s minibatch discrimination). D scores real and fake batches apart, so a G that drops modes
    hands D a batch of less spread."""

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        spread = features.float().std(dim=0, unbiased=False).mean().to(features.dtype)
        return torch.cat([features, spread.expand(features.shape[0], 1, *features.shape[2:])], dim=1)


class Discriminator(nn.Module):
    """Images (N, 3, 32, 32) in [-1, 1] -> one real/fake logit per image, shape (N,)."""

    def __init__(self, width: int = 64, spectral_norm: bool = False,
                 architecture: str = "dcgan",
                 batch_norm: bool = True,  # without SN: DCGAN's BatchNorm or none
                 minibatch_std: bool = False):  # 2.3's remedy: D sees a batch's spread
        super().__init__()
        _check_architecture(architecture)
        normalise = "spectral" if spectral_norm else "batch" if batch_norm else "none"
        first = "spectral" if spectral_norm else "none"  # no BatchNorm on the input
        last = width * (4 if architecture == "dcgan" else 8)  # channels of the last block
        final = nn.Conv2d(last + int(minibatch_std), 1, 4)  # + 1 channel: the batch's spread
        head = [MinibatchStd()] if minibatch_std else []
        head.append(spectral(final) if spectral_norm else final)
        if architecture == "dcgan":
            self.net = nn.Sequential(
                _down(3, width, first),  # 16x16
                _down(width, width * 2, normalise),  # 8x8
                _down(width * 2, width * 4, normalise),  # 4x4
                *head,
            )
        else:
            self.net = nn.Sequential(
                _down(3, width, first, 3, 0.1),  # 32x32
                _down(width, width, normalise, 4, 0.1),  # 16x16
                _down(width, width * 2, normalise, 3, 0.1),
                _down(width * 2, width * 2, normalise, 4, 0.1),  # 8x8
                _down(width * 2, width * 4, normalise, 3, 0.1),
                _down(width * 4, width * 4, normalise, 4, 0.1),  # 4x4
                _down(width * 4, width * 8, normalise, 3, 0.1),
                *head,
            )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images).flatten()
# fmt: on


def dcgan_init(module: nn.Module) -> None:
    """DCGAN's initialisation (build_gan applies it to G and D): conv weights ~ N(0, 0.02),
    BatchNorm scales ~ N(1, 0.02), biases 0. A spectrally normalised conv keeps PyTorch's
    default: its weight is computed from the parametrisation, which rescales it anyway."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        if not nn.utils.parametrize.is_parametrized(module, "weight"):
            nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def without_spectral_norm(discriminator: Discriminator) -> dict:
    """A state dict of the plain-layered discriminator that computes the same function as the
    spectrally normalised `discriminator`: each weight is its matrix divided by the current
    estimate of its largest singular value, to be trained unconstrained from there (the
    leave-one-out runs of 2.1d). `discriminator` itself is left unchanged."""
    state = {k: v for k, v in discriminator.state_dict().items() if ".parametrizations." not in k}
    training = discriminator.training
    discriminator.eval()  # no power iteration: the estimate the module was saved with
    with torch.no_grad():
        for name, module in discriminator.named_modules():
            if nn.utils.parametrize.is_parametrized(module, "weight"):
                state[f"{name}.weight"] = module.weight.detach().clone()
    discriminator.train(training)
    return state


def build_gan(config: GANConfig) -> tuple[Generator, Discriminator]:
    """The generator and discriminator of `config`, DCGAN-initialised from its seed."""
    torch.manual_seed(config.seed)
    generator = Generator(config.latent_dim, config.generator_width, config.architecture)
    discriminator = Discriminator(
        config.discriminator_width,
        config.spectral_norm,
        config.architecture,
        config.batch_norm_in_d,
        config.minibatch_std,
    )
    generator.apply(dcgan_init)
    discriminator.apply(dcgan_init)
    return generator, discriminator


# --- training schedule and fixed noise ------------------------------------------------------

# Snapshots keep the first vectors of the fixed noise after every epoch (the report shows ten;
# the full 100-image grid is regenerated from the shipped weights).
SNAPSHOT_VECTORS = 10


def fixed_noise(latent_dim: int, num_samples: int = 100) -> torch.Tensor:
    """The report's fixed noise: torch.manual_seed(0); torch.randn(num_samples, latent, 1, 1)."""
    return torch.randn(num_samples, latent_dim, 1, 1, generator=torch.Generator().manual_seed(0))


def lr_factor(config: GANConfig, step: int, steps_per_epoch: int) -> float:
    """Learning-rate multiplier after `step` iterations of this run: 1, or (after
    `lr_decay_start_epoch` epochs at 1) a linear decay reaching 0 at the run's end."""
    if not config.linear_lr_decay:
        return 1.0
    start = config.lr_decay_start_epoch * steps_per_epoch
    if step < start:
        return 1.0
    return max(0.0, 1.0 - (step - start) / (config.epochs * steps_per_epoch - start))


# --- losses ----------------------------------------------------------------------------------


# Listed in the report (listing.py), whose pages fit 88 columns: kept as formatted at 88.
# fmt: off
def discriminator_loss(real_logits, fake_logits, loss: str = "bce", real_label: float = 1.0):
    """D's loss on a real and a fake batch.

    BCE: -log D(x) - log(1 - D(G(z))); hinge: relu(1 - D(x)) + relu(1 + D(G(z)))."""
    if loss == "hinge":
        return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()
    real_targets = torch.full_like(real_logits, real_label)  # < 1: one-sided smoothing
    bce = F.binary_cross_entropy_with_logits
    return bce(real_logits, real_targets) + bce(fake_logits, torch.zeros_like(fake_logits))


def generator_loss(fake_logits, loss: str = "bce"):
    """G's non-saturating loss -log D(G(z)) (BCE), or -D(G(z)) for the hinge variant."""
    if loss == "hinge":
        return -fake_logits.mean()
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
# fmt: on


def equilibrium_output(real_label: float = 1.0) -> float:
    """The optimal BCE discriminator's output D* when G's distribution equals the data's: the D
    minimising -[r log D + (1 - r) log(1 - D)] - log(1 - D) is r / 2 (1/2 without smoothing)."""
    return real_label / 2


def equilibrium_losses(loss: str = "bce", real_label: float = 1.0) -> tuple[float, float]:
    """D's and G's losses at the equilibrium: BCE at D* = r / 2 (log 4 and log 2 for r = 1; the
    real target r < 1 of one-sided smoothing moves them), hinge 2 and 0 (any constant score
    in [-1, 1] gives D the loss 2; G's is then minus that score, here 0)."""
    if loss == "hinge":
        return 2.0, 0.0
    d = equilibrium_output(real_label)
    return -(real_label * math.log(d) + (1 - real_label) * math.log(1 - d)) - math.log(1 - d), -math.log(d)


def hinge_total_variation_bound(d_loss: float) -> float:
    """The total variation TV(p_data, p_G) that a hinge D loss implies at least. For a fixed G
    the loss p_data(x) max(0, 1 - D) + p_G(x) max(0, 1 + D) is smallest at D(x) = sign(p_data -
    p_G) (+1 where real images are likelier, -1 where G's are), where it is 2 min(p_data, p_G);
    so every D has loss >= 2 - 2 TV, and a D with loss L shows TV >= 1 - L / 2."""
    return max(0.0, 1.0 - d_loss / 2)


# --- engineering features ----------------------------------------------------------------


class EMA:
    """Exponential moving average of G's weights (BatchNorm buffers copied).

    The decay warms up as min(decay, (1 + step) / (10 + step)), as TensorFlow's
    ExponentialMovingAverage with num_updates: otherwise the random initial weights
    keep a share of decay^step, 22 % after 1,500 steps at 0.999, and a short run
    ships noise."""

    def __init__(self, model: nn.Module, decay: float):
        self.decay = decay
        self.model = copy.deepcopy(model).eval().requires_grad_(False)

    def decay_at(self, step: int) -> float:
        return min(self.decay, (1 + step) / (10 + step))

    @torch.no_grad()
    def update(self, model: nn.Module, step: int) -> None:
        """Average in `model` after step `step` (0-based, as counted in the log)."""
        decay = self.decay_at(step)
        averages, currents = list(self.model.parameters()), list(model.parameters())
        torch._foreach_lerp_(averages, currents, 1.0 - decay)
        for average, current in zip(self.model.buffers(), model.buffers()):
            average.copy_(current)


@torch.no_grad()
def standing_statistics(
    generator: nn.Module, latent_dim: int, batches: int = 100, batch_size: int = 500, seed: int = 5
) -> nn.Module:
    """A copy of `generator` whose BatchNorm running statistics are its own: the mean over
    `batches` batches of noise in training mode (momentum None: a plain average) instead of
    the statistics the EMA copied from the raw G. Returned in eval mode."""
    copy_ = copy.deepcopy(generator)
    for module in copy_.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
            module.momentum = None
    copy_.train()
    noise = torch.Generator().manual_seed(seed)
    for _ in range(batches):
        copy_(torch.randn(batch_size, latent_dim, 1, 1, generator=noise))
    return copy_.eval()


def diffaugment(images: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """DiffAugment (Zhao et al., 2020): random translation by 1/8 and a cutout of 1/2 side,
    differentiable so G is trained through the same augmentation D sees."""
    n, _, h, w = images.shape
    shift = h // 8
    dx, dy = (torch.randint(-shift, shift + 1, (2,), generator=generator)).tolist()
    images = torch.roll(F.pad(images, (shift,) * 4), (dy, dx), (2, 3))[
        :, :, shift : shift + h, shift : shift + w
    ]
    size = h // 2
    cy, cx = torch.randint(0, h, (2, n), generator=generator).to(images.device)
    rows = torch.arange(h, device=images.device).view(1, h, 1)
    cols = torch.arange(w, device=images.device).view(1, 1, w)
    cut = ((rows - cy.view(n, 1, 1)).abs() < size // 2) & ((cols - cx.view(n, 1, 1)).abs() < size // 2)
    return images * (~cut).unsqueeze(1).to(images.dtype)
