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

    name: str
    architecture: str = "conv"  # "conv" or "mlp"; the conv model wraps the MLP head
    latent_dim: int = 32
    hidden_dim: int = 512  # width of the MLP layers (the conv model's head too)
    conv_channels: tuple[int, ...] = (32, 64)  # 28 -> 14 -> 7
    dropout: float = 0.0
    beta: float = 1.0
    kl_warmup_epochs: int = 0  # beta ramps linearly from 0 over these epochs
    free_bits_nats: float = 0.0  # per latent dimension, KL below this is not penalised
    epochs: int = 30
    batch_size: int = 128
    learning_rate: float = 1e-3
    seed: int = 0


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

    _LATER_FIELDS = ("linear_lr_decay", "init_from", "lr_decay_start_epoch", "architecture")

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

    def schedule_description(self) -> str:
        """The learning-rate schedule over every stage, by epoch since random initialisation,
        e.g. '2e-4 to epoch 40, → 0 at 130; restart 1e-4 to 145, → 0 at 240' (→ 0: linear decay)."""
        start, end = self.total_epochs - self.epochs, self.total_epochs
        rate = f"{self.learning_rate_generator:.0e}".replace("e-0", "e-")
        decay = start + self.lr_decay_start_epoch if self.linear_lr_decay else end
        if self.init_from is None:
            text = f"{rate} to epoch {decay}" if decay > start else rate
        else:
            text = f"{self.init_from.schedule_description()}; restart {rate}" + (f" to {decay}" if decay > start else "")
        if self.linear_lr_decay:
            text += f", → 0 at {end}" if decay > start else f" → 0 at {end}"
        return text


# --- the models the report uses ----------------------------------------------------------

FINAL_VAE = VAEConfig(name="vae_conv_beta1", epochs=40)
MLP_VAE = VAEConfig(name="vae_mlp_beta1", architecture="mlp", epochs=10)
BETA_VALUES = (0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 1000.0)


def beta_study_config(beta: float) -> VAEConfig:
    """The beta study: same architecture and budget for every beta."""
    return VAEConfig(name=f"vae_conv_beta{beta:g}_study", beta=beta, epochs=6)


BETA_STUDY = tuple(beta_study_config(b) for b in BETA_VALUES)
# Posterior-collapse mitigation at a large beta: the same run with 0.5 free nats per dimension.
FREE_BITS_VAE = VAEConfig(name="vae_conv_beta10_freebits", beta=10.0, free_bits_nats=0.5, epochs=6)
MNIST_CLASSIFIER = ClassifierConfig()

# Stage 1: 30 epochs at a constant learning rate. Stage 2, the shipped generator, continues
# from its weights for 55 epochs while the learning rates decay linearly to zero.
GAN_STAGE1 = GANConfig(name="dcgan_final", real_label=0.9, ema_decay=0.999, epochs=30)
GAN_STAGE2 = dataclasses.replace(GAN_STAGE1, name="dcgan_final_stage2", epochs=55, linear_lr_decay=True,
                                 init_from=GAN_STAGE1)
# One run from scratch, 40 epochs at the constant rate, then 90 while the learning rates decay
# linearly to zero.
GAN_LONG = GANConfig(name="dcgan_long", real_label=0.9, ema_decay=0.999, epochs=130, linear_lr_decay=True,
                     lr_decay_start_epoch=40)
# A warm restart of GAN_LONG at half the learning rate, 15 epochs constant, then 95 while the
# rates decay linearly to zero again (240 epochs in all): the best of the DCGAN architecture.
GAN_RESTART = dataclasses.replace(GAN_LONG, name="dcgan_long_restart", learning_rate_generator=1e-4,
                                  learning_rate_discriminator=1e-4, epochs=110, lr_decay_start_epoch=15,
                                  init_from=GAN_LONG)

# The SNGAN-style generator, trained in three stages, each with Adam 2e-4 decaying linearly to 0:
# 19 epochs and an 11-epoch warm restart on a borrowed GPU (H100, then H200), then a second
# 18-epoch warm restart on the two CPU cores. The epochs of the GPU stages were fitted to the
# GPU time that was available.
SNGAN_STAGE1 = GANConfig(name="sngan_hinge_short", architecture="sngan", loss="hinge", spectral_norm=True,
                         ema_decay=0.999, linear_lr_decay=True, epochs=19)
SNGAN_STAGE2 = dataclasses.replace(SNGAN_STAGE1, name="sngan_hinge_restart", epochs=11, init_from=SNGAN_STAGE1)
SNGAN_STAGE3 = dataclasses.replace(SNGAN_STAGE1, name="sngan_hinge_restart2", epochs=18, init_from=SNGAN_STAGE2)
FINAL_GAN = SNGAN_STAGE3  # the shipped generator

# The ablation of 2.1d: each feature of the final model added to the DCGAN baseline, all at
# the same short budget, ranked by FID on 2,000 samples.
_BASELINE = GANConfig(name="dcgan_ablation_baseline", bf16_autocast=False, epochs=2)
GAN_ABLATION = {
    "DCGAN baseline (BCE, fp32)": _BASELINE,
    "baseline + label smoothing 0.9": dataclasses.replace(_BASELINE, name="dcgan_ablation_smoothing", real_label=0.9),
    "baseline + EMA of G (0.999)": dataclasses.replace(_BASELINE, name="dcgan_ablation_ema", ema_decay=0.999),
    "baseline + bf16 autocast": dataclasses.replace(_BASELINE, name="dcgan_ablation_bf16", bf16_autocast=True),
    "baseline + linear LR decay": dataclasses.replace(_BASELINE, name="dcgan_ablation_lrdecay", linear_lr_decay=True),
    "baseline + linear LR decay after 1 constant epoch": dataclasses.replace(
        _BASELINE, name="dcgan_ablation_lrdecay_late", linear_lr_decay=True, lr_decay_start_epoch=1),
    "smoothing + EMA + bf16 together": dataclasses.replace(GAN_STAGE1, name="dcgan_ablation_final", epochs=2),
    # Tried at the same budget and not adopted (see the report's discussion of the table).
    "baseline + hinge loss + spectral norm in D": dataclasses.replace(
        _BASELINE, name="dcgan_ablation_hinge_sn", loss="hinge", spectral_norm=True),
    "baseline + DiffAugment": dataclasses.replace(_BASELINE, name="dcgan_ablation_diffaugment",
                                                                diffaugment=True),
    # The final model's architecture and loss (bf16 for speed; compare with the bf16 row).
    "baseline + bf16 + SNGAN CNN + hinge loss + spectral norm in D": dataclasses.replace(
        _BASELINE, name="dcgan_ablation_sngan_hinge_sn", architecture="sngan", bf16_autocast=True, loss="hinge",
        spectral_norm=True),
}
