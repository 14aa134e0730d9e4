"""Every hyperparameter of every model, named once.

Each model is described by a frozen dataclass. Its `config_hash` (sha256 over the fields)
decides the weight cache: change a field and the cached weights no longer match. The
`checkpoint_key` leaves out the epoch budget, so raising `epochs` resumes from the last
checkpoint instead of starting again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass


def _digest(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


class HashedConfig:
    """Mixin: stable hashes over a dataclass's fields."""

    # Fields added after weights were shipped: left out of the hash while at their default, so
    # adding a feature does not invalidate every cached model that does not use it.
    _LATER_FIELDS: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        fields = {"kind": type(self).__name__, **dataclasses.asdict(self)}
        for field in dataclasses.fields(self):
            if field.name in self._LATER_FIELDS and getattr(self, field.name) == field.default:
                fields.pop(field.name)
            elif isinstance(getattr(self, field.name), HashedConfig):  # a parent stage
                fields[field.name] = getattr(self, field.name).to_dict()
        return fields

    @property
    def config_hash(self) -> str:
        return _digest(self.to_dict())

    @property
    def checkpoint_key(self) -> str:
        fields = self.to_dict()
        fields.pop("epochs", None)
        return f"{self.name}-{_digest(fields)}"


@dataclass(frozen=True)
class VAEConfig(HashedConfig):
    """A beta-VAE on binarised MNIST (Bernoulli likelihood, N(0, I) prior)."""

    _LATER_FIELDS = ("batch_norm", "validation")

    name: str
    architecture: str = "conv"  # "conv" or "mlp"; the conv model wraps the MLP head
    latent_dim: int = 32
    hidden_dim: int = 512  # width of the MLP layers (the conv model's head too)
    conv_channels: tuple[int, ...] = (32, 64)  # 28 -> 14 -> 7
    dropout: float = 0.0
    batch_norm: bool = True  # after every hidden layer; False only in the 1.1a control runs
    beta: float = 1.0
    kl_warmup_epochs: int = 0  # beta ramps linearly from 0 over these epochs
    free_bits_nats: float = 0.0  # per latent dimension, KL below this is not penalised
    epochs: int = 30
    batch_size: int = 128
    learning_rate: float = 1e-3
    seed: int = 0
    # True for model selection: train on the first 50,000 training images and measure the
    # per-epoch evaluation on the last 10,000 (the validation split) instead of the test set.
    validation: bool = False


@dataclass(frozen=True)
class ClassifierConfig(HashedConfig):
    """A small MNIST CNN used only to label decoded interpolation steps."""

    name: str = "mnist_classifier"
    epochs: int = 2
    batch_size: int = 128
    learning_rate: float = 1e-3
    seed: int = 0


@dataclass(frozen=True)
class GANConfig(HashedConfig):
    """A DCGAN-style GAN on CIFAR-10 with switchable engineering features."""

    name: str
    latent_dim: int = 100
    architecture: str = "dcgan"  # or "sngan": Miyato et al.'s deeper "standard CNN" (gan.py)
    generator_width: int = 64  # ngf
    discriminator_width: int = 64  # ndf
    loss: str = "bce"  # "bce" (non-saturating) or "hinge"
    spectral_norm: bool = False  # in D, replacing its BatchNorm
    batch_norm_in_d: bool = True  # without spectral norm: False leaves D's layers plain
    real_label: float = 1.0  # < 1 is one-sided label smoothing
    ema_decay: float = 0.0  # > 0 keeps an exponential moving average of G
    diffaugment: bool = False  # translation + cutout on real and fake images for D
    learning_rate_generator: float = 2e-4
    learning_rate_discriminator: float = 2e-4  # != generator's is TTUR
    adam_beta1: float = 0.5
    adam_beta2: float = 0.999
    batch_size: int = 64
    epochs: int = 10
    bf16_autocast: bool = True
    seed: int = 0
    # Learning rates decay linearly to zero by the end of this run, starting after
    # `lr_decay_start_epoch` epochs at the constant rate (0: decay from the first iteration).
    linear_lr_decay: bool = False
    lr_decay_start_epoch: int = 0
    # A second training stage: G (the EMA one when EMA is on) and D start from this config's
    # trained weights, with fresh Adam moments; the history and snapshots continue its own.
    init_from: GANConfig | None = None
    minibatch_std: bool = False  # D sees each batch's spread (gan.MinibatchStd): a remedy for mode dropping

    _LATER_FIELDS = (
        "linear_lr_decay",
        "init_from",
        "lr_decay_start_epoch",
        "architecture",
        "batch_norm_in_d",
        "minibatch_std",
    )

    @property
    def total_epochs(self) -> int:
        """Epochs since random initialisation, over every stage."""
        return self.epochs + (self.init_from.total_epochs if self.init_from is not None else 0)

    @property
    def decay_begins_after_epoch(self) -> int:
        """Epochs since random initialisation before the linear LR decay starts (0: none)."""
        if not self.linear_lr_decay:
            return 0
        return self.total_epochs - self.epochs + self.lr_decay_start_epoch

    def schedule_events(self) -> dict[int, str]:
        """Where the learning-rate schedule changes, over every stage: {epochs since random
        initialisation before the change: a short description of it}."""
        events = self.init_from.schedule_events() if self.init_from is not None else {}
        start = self.total_epochs - self.epochs
        if self.init_from is not None:
            events[start] = f"restart at LR {self.learning_rate_generator:g}"
        if self.linear_lr_decay:
            at = start + self.lr_decay_start_epoch
            events[at] = (events[at] + ", " if at in events else "") + "LR starts decaying to 0"
        return events
