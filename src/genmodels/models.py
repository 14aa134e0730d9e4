"""Model construction in one place: untrained modules for any config, their size, and the
device they train on."""

from __future__ import annotations

import os

import torch
from torch import nn

from genmodels.config import ClassifierConfig, GANConfig, VAEConfig
from genmodels.errors import UserError
from genmodels.gan import build_gan
from genmodels.vae import build_vae


def build_modules(config) -> dict[str, nn.Module]:
    """Untrained modules for `config`, named as they are stored in the weight file."""
    if isinstance(config, VAEConfig):
        return {"vae": build_vae(config)}
    if isinstance(config, GANConfig):
        generator, discriminator = build_gan(config)
        return {"generator": generator, "discriminator": discriminator}
    if isinstance(config, ClassifierConfig):
        return {"classifier": build_classifier(config)}
    raise TypeError(f"no model for {type(config).__name__}")


def build_classifier(config: ClassifierConfig) -> nn.Module:
    """The small MNIST CNN that labels decoded interpolation steps."""
    torch.manual_seed(config.seed)
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )


def count_parameters(module: nn.Module) -> int:
    """Number of parameters (trainable or not) of `module`."""
    return sum(p.numel() for p in module.parameters())


def training_device() -> torch.device:
    """CUDA when a GPU is visible (TRAIN_DEVICE=cpu forces the CPU), else the CPU. Every
    random draw stays on the CPU, so the batches and noise are the same on either."""
    wanted = os.environ.get("TRAIN_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(wanted)
    except RuntimeError:
        device = None
    if (
        device is None
        or device.type not in ("cpu", "cuda")
        or (device.type == "cuda" and not torch.cuda.is_available())
    ):
        raise UserError(
            f"TRAIN_DEVICE={wanted} is not a device of this machine (cpu, or cuda with a GPU): "
            f"run `export TRAIN_DEVICE=cpu` or `unset TRAIN_DEVICE`."
        )
    return device
