"""The named runs: every model the report uses, and which `make train-*` target trains each.

The schema (the frozen dataclasses and their hashes) lives in `config.py`; a run's name and
hashed fields must not change, or its shipped weights in `weights/` stop matching.
"""

from __future__ import annotations

import dataclasses

from genmodels.config import ClassifierConfig, GANConfig, VAEConfig

FINAL_VAE = VAEConfig(name="vae_conv_beta1", epochs=40)
MLP_VAE = VAEConfig(name="vae_mlp_beta1", architecture="mlp", epochs=10)
# Does dropout help? The MLP run again with dropout 0.2 after every hidden layer (metrics only).
MLP_DROPOUT_VAE = dataclasses.replace(MLP_VAE, name="vae_mlp_beta1_dropout", dropout=0.2)
# And in the final architecture: the conv model with dropout for the MLP's budget (metrics only).
CONV_DROPOUT_VAE = dataclasses.replace(FINAL_VAE, name="vae_conv_beta1_dropout", dropout=0.2, epochs=10)
# Does BatchNorm help? The MLP run again without it (metrics only).
MLP_NO_BATCHNORM_VAE = dataclasses.replace(MLP_VAE, name="vae_mlp_beta1_no_batchnorm", batch_norm=False)
# And in the final architecture: the conv model without it for the MLP's budget (metrics only).
CONV_NO_BATCHNORM_VAE = dataclasses.replace(
    FINAL_VAE, name="vae_conv_beta1_no_batchnorm", batch_norm=False, epochs=10
)
# Is the conv model better for its architecture or its size? The MLP widened to about the conv
# model's parameter count (metrics only).
MLP_WIDE_VAE = dataclasses.replace(MLP_VAE, name="vae_mlp_beta1_wide", hidden_dim=1024)
BETA_VALUES = (0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 1000.0)


def beta_study_config(beta: float) -> VAEConfig:
    """The beta study: same architecture and budget for every beta."""
    return VAEConfig(name=f"vae_conv_beta{beta:g}_study", beta=beta, epochs=6)


BETA_STUDY = tuple(beta_study_config(b) for b in BETA_VALUES)
# Why 32 latent dimensions? The β = 1 study run's budget at other latent sizes (metrics only).
LATENT_SIZES = (8, 16, 32, 64)


def latent_study_config(latent_dim: int) -> VAEConfig:
    """The latent-size study: the β = 1 study run with another latent size (32 is that run)."""
    if latent_dim == beta_study_config(1.0).latent_dim:
        return beta_study_config(1.0)
    return dataclasses.replace(
        beta_study_config(1.0), name=f"vae_conv_latent{latent_dim}_study", latent_dim=latent_dim
    )


LATENT_STUDY = tuple(latent_study_config(d) for d in LATENT_SIZES)
# Why Adam's 10⁻³ and batches of 128? The β = 1 study run at other learning rates and batch sizes.
OPTIMISER_STUDY = {"learning_rate": (3e-4, 3e-3), "batch_size": (64, 256)}


def optimiser_study_config(field: str, value) -> VAEConfig:
    """The β = 1 study run with another learning rate or batch size (metrics only)."""
    short = {"learning_rate": "lr", "batch_size": "batch"}[field]
    return dataclasses.replace(
        beta_study_config(1.0), name=f"vae_conv_{short}{value:g}_study", **{field: value}
    )


OPTIMISER_RUNS = tuple(optimiser_study_config(f, v) for f, values in OPTIMISER_STUDY.items() for v in values)
# How far does the seed alone move a result? The 10-epoch MLP and the 6-epoch β = 1 study run
# (the latent-size and optimiser studies' centre) trained again from seed 1 (metrics only).
MLP_SEED_VAE = dataclasses.replace(MLP_VAE, name="vae_mlp_beta1_seed1", seed=1)
STUDY_SEED_VAE = dataclasses.replace(beta_study_config(1.0), name="vae_conv_beta1_study_seed1", seed=1)
# The whole β study trained again from seed 1 (β = 1 is STUDY_SEED_VAE): does a β keep its
# place in each loss term when only the seed changes? (metrics only)
BETA_SEED_STUDY = tuple(
    STUDY_SEED_VAE if b == 1.0 else dataclasses.replace(c, name=f"{c.name}_seed1", seed=1)
    for b, c in zip(BETA_VALUES, BETA_STUDY)
)
SEED_RUNS = (MLP_SEED_VAE, *BETA_SEED_STUDY)
# Does the study's budget decide the βs' order? The β study trained for twice its epochs (metrics
# only): a β's place in each loss term at 12 epochs against its place at 6.
BETA_LONG_EPOCHS = 12
BETA_LONG_STUDY = tuple(
    dataclasses.replace(c, name=f"{c.name}_{BETA_LONG_EPOCHS}ep", epochs=BETA_LONG_EPOCHS) for c in BETA_STUDY
)
# Model selection without the test set: every run behind a choice of Table 1 or of 1.1a's
# architecture, dropout and BatchNorm comparisons, trained again at the sweeps' 6-epoch budget
# on the first 50,000 training images and measured on the last 10,000 (metrics only). The
# final model then trains on all 60,000 with the chosen values.
SELECTION_EPOCHS = 6


def selection_config(config: VAEConfig) -> VAEConfig:
    """`config` as a model-selection run: 6 epochs, evaluated on the validation split."""
    return dataclasses.replace(config, name=f"{config.name}_val", epochs=SELECTION_EPOCHS, validation=True)


SELECTION_RUNS = tuple(
    selection_config(c)
    for c in (
        *LATENT_STUDY,
        *OPTIMISER_RUNS,
        STUDY_SEED_VAE,
        CONV_DROPOUT_VAE,
        CONV_NO_BATCHNORM_VAE,
        MLP_VAE,
        MLP_DROPOUT_VAE,
        MLP_NO_BATCHNORM_VAE,
    )
)
# Is a sweep's choice more than the seed? Every validation-split sweep run (latent size, learning
# rate, batch size) trained again from SWEEP_SEEDS' other seeds; Table 1 quotes each setting's mean
# and standard deviation over them (metrics only). The centre's seed-1 copy is STUDY_SEED_VAE's.
SWEEP_SEEDS = (0, 1, 2)


def sweep_seed_config(config: VAEConfig, seed: int) -> VAEConfig:
    """The model-selection copy of the sweep run `config` (a `LATENT_STUDY` or `OPTIMISER_RUNS`
    config) trained from `seed`."""
    if seed != config.seed:
        config = dataclasses.replace(config, name=f"{config.name}_seed{seed}", seed=seed)
    return selection_config(config)


SWEEP_SEED_RUNS = tuple(
    sweep_seed_config(c, s) for s in SWEEP_SEEDS[1:] for c in (*LATENT_STUDY, *OPTIMISER_RUNS)
)
# Why 512 hidden units and 32 and 64 channels? The β = 1 study run with half and twice each width,
# trained for model selection only (one seed; metrics only).
WIDTH_STUDY = {"hidden_dim": (256, 1024), "conv_channels": ((16, 32), (64, 128))}


def width_study_config(field: str, value) -> VAEConfig:
    """The model-selection copy of the β = 1 study run with another MLP width or conv channels."""
    short = {"hidden_dim": "hidden", "conv_channels": "channels"}[field]
    label = "-".join(map(str, value)) if isinstance(value, tuple) else value
    return selection_config(
        dataclasses.replace(beta_study_config(1.0), name=f"vae_conv_{short}{label}_study", **{field: value})
    )


WIDTH_RUNS = tuple(width_study_config(f, v) for f, values in WIDTH_STUDY.items() for v in values)
# Does the 6-epoch choice hold at the final budget? The final model trained again with the
# learning rate and the batch size that a longer budget could favour, the lower rate and the larger
# batch (all 60,000 images, 40 epochs, measured on the test set after the fact; metrics only).
BUDGET_RUNS = (
    dataclasses.replace(FINAL_VAE, name="vae_conv_beta1_lr0.0003", learning_rate=3e-4),
    dataclasses.replace(FINAL_VAE, name="vae_conv_beta1_batch256", batch_size=256),
)
# Posterior-collapse mitigation at a large beta: the same run with 0.5 free nats per dimension.
FREE_BITS_VAE = VAEConfig(name="vae_conv_beta10_freebits", beta=10.0, free_bits_nats=0.5, epochs=6)
# The other usual remedy, KL warm-up: the same run with β at 10·e/3 in each epoch e of the first
# three, then 10 (metrics only).
WARMUP_VAE = VAEConfig(name="vae_conv_beta10_warmup", beta=10.0, kl_warmup_epochs=3, epochs=6)
MNIST_CLASSIFIER = ClassifierConfig()

# Stage 1: 30 epochs at a constant learning rate. Stage 2, the shipped generator, continues
# from its weights for 55 epochs while the learning rates decay linearly to zero.
GAN_STAGE1 = GANConfig(name="dcgan_final", real_label=0.9, ema_decay=0.999, epochs=30)
GAN_STAGE2 = dataclasses.replace(
    GAN_STAGE1, name="dcgan_final_stage2", epochs=55, linear_lr_decay=True, init_from=GAN_STAGE1
)
# One run from scratch, 40 epochs at the constant rate, then 90 while the learning rates decay
# linearly to zero.
GAN_LONG = GANConfig(
    name="dcgan_long",
    real_label=0.9,
    ema_decay=0.999,
    epochs=130,
    linear_lr_decay=True,
    lr_decay_start_epoch=40,
)
# A warm restart of GAN_LONG at half the learning rate, 15 epochs constant, then 95 while the
# rates decay linearly to zero again (240 epochs in all): the best of the DCGAN architecture.
GAN_RESTART = dataclasses.replace(
    GAN_LONG,
    name="dcgan_long_restart",
    learning_rate_generator=1e-4,
    learning_rate_discriminator=1e-4,
    epochs=110,
    lr_decay_start_epoch=15,
    init_from=GAN_LONG,
)

# The SNGAN-style generator, trained in five stages, each with Adam 2e-4 decaying linearly to 0:
# 19 epochs and an 11-epoch warm restart on a borrowed GPU (H100, then H200), then warm
# restarts of 18, 10 and 16 epochs on the two CPU cores. The epochs of each stage were fitted to the
# device time that was available.
SNGAN_STAGE1 = GANConfig(
    name="sngan_hinge_short",
    architecture="sngan",
    loss="hinge",
    spectral_norm=True,
    ema_decay=0.999,
    linear_lr_decay=True,
    epochs=19,
)
SNGAN_STAGE2 = dataclasses.replace(
    SNGAN_STAGE1, name="sngan_hinge_restart", epochs=11, init_from=SNGAN_STAGE1
)
SNGAN_STAGE3 = dataclasses.replace(
    SNGAN_STAGE1, name="sngan_hinge_restart2", epochs=18, init_from=SNGAN_STAGE2
)
SNGAN_STAGE4 = dataclasses.replace(
    SNGAN_STAGE1, name="sngan_hinge_restart3", epochs=10, init_from=SNGAN_STAGE3
)
SNGAN_STAGE5 = dataclasses.replace(
    SNGAN_STAGE1, name="sngan_hinge_restart4", epochs=16, init_from=SNGAN_STAGE4
)
FINAL_GAN = SNGAN_STAGE5  # the shipped generator
# Is the SNGAN stage better for its CNN? The first stage's recipe (hinge loss, spectral norm, EMA,
# linear decay, 19 epochs) with DCGAN's CNN instead, trained afterwards on the CPU (metrics only).
DCGAN_CNN_CONTROL = dataclasses.replace(SNGAN_STAGE1, name="dcgan_hinge_short", architecture="dcgan")
# Which half of the pair fails on DCGAN's CNN? The control from scratch again, for as long, with
# spectral norm (DCGAN's BatchNorm in D instead), the hinge loss (BCE instead) or both taken out:
# a 2 x 2 whose last cell is DCGAN's own loss and D with the same EMA and schedule.
CNN_CONTROL_ABLATION = {
    "hinge + SN": DCGAN_CNN_CONTROL,
    "hinge + BN": dataclasses.replace(DCGAN_CNN_CONTROL, name="dcgan_hinge_bn_short", spectral_norm=False),
    "BCE + SN": dataclasses.replace(DCGAN_CNN_CONTROL, name="dcgan_bce_sn_short", loss="bce"),
    "BCE + BN": dataclasses.replace(
        DCGAN_CNN_CONTROL, name="dcgan_bce_bn_short", loss="bce", spectral_norm=False
    ),
}
CNN_SAMPLES_STORED = tuple(CNN_CONTROL_ABLATION.values())  # for Appendix H, beside their metrics
# Does the shipped CNN need spectral norm? The first SNGAN stage from scratch again, for as long, with
# DCGAN's BatchNorm in D in place of spectral norm: the SNGAN CNN's own "hinge + BN" cell (trained
# on the CPU, metrics only).
SNGAN_WITHOUT_SN = dataclasses.replace(SNGAN_STAGE1, name="sngan_hinge_bn_short", spectral_norm=False)
# Is the contrast a seed's? The two hinge cells, which differ only in D's normalisation, again from
# seed 1 (initialisation, batch order and noise).
CNN_CONTROL_REPEATS = {
    label: dataclasses.replace(
        CNN_CONTROL_ABLATION[label], name=f"{CNN_CONTROL_ABLATION[label].name}_seed1", seed=1
    )
    for label in ("hinge + SN", "hinge + BN")
}

# The ablation of 2.1d: each feature of the final model added to the DCGAN baseline, all at
# the same short budget, ranked by FID on 2,000 samples.
ABLATION_BASELINE = GANConfig(name="dcgan_ablation_baseline", bf16_autocast=False, epochs=2)
# EMA only reads G, so this run trains the baseline's G step for step: a paired comparison.
ABLATION_EMA = dataclasses.replace(ABLATION_BASELINE, name="dcgan_ablation_ema", ema_decay=0.999)
GAN_ABLATION = {
    "DCGAN baseline (BCE, fp32)": ABLATION_BASELINE,
    "baseline + label smoothing 0.9": dataclasses.replace(
        ABLATION_BASELINE, name="dcgan_ablation_smoothing", real_label=0.9
    ),
    "baseline + EMA of G (0.999)": ABLATION_EMA,
    "baseline + bf16 autocast": dataclasses.replace(
        ABLATION_BASELINE, name="dcgan_ablation_bf16", bf16_autocast=True
    ),
    "baseline + linear LR decay": dataclasses.replace(
        ABLATION_BASELINE, name="dcgan_ablation_lrdecay", linear_lr_decay=True
    ),
    "baseline + linear LR decay after 1 constant epoch": dataclasses.replace(
        ABLATION_BASELINE, name="dcgan_ablation_lrdecay_late", linear_lr_decay=True, lr_decay_start_epoch=1
    ),
    "smoothing + EMA + bf16 together": dataclasses.replace(GAN_STAGE1, name="dcgan_ablation_final", epochs=2),
    # Tried at the same budget and not adopted (see the report's discussion of the table).
    "baseline + hinge loss + spectral norm in D": dataclasses.replace(
        ABLATION_BASELINE, name="dcgan_ablation_hinge_sn", loss="hinge", spectral_norm=True
    ),
    "baseline + DiffAugment": dataclasses.replace(
        ABLATION_BASELINE, name="dcgan_ablation_diffaugment", diffaugment=True
    ),
    # The final model's architecture and loss (bf16 for speed; compare with the bf16 row).
    "baseline + bf16 + SNGAN CNN + hinge loss + spectral norm in D": dataclasses.replace(
        ABLATION_BASELINE,
        name="dcgan_ablation_sngan_hinge_sn",
        architecture="sngan",
        bf16_autocast=True,
        loss="hinge",
        spectral_norm=True,
    ),
}

# How far does the seed alone move a two-epoch FID? The baseline again from seeds 1 and 2
# (initialisation, batch order and noise); their spread, pooled with that of the EMA pair's rerun on
# another thread count, sets the screen's noise floor (`gan_results.ablation_noise`; metrics only).
ABLATION_BASELINE_REPEATS = tuple(
    dataclasses.replace(ABLATION_BASELINE, name=f"dcgan_ablation_baseline_seed{seed}", seed=seed)
    for seed in (1, 2)
)

# The first SNGAN stage again, same seed, on the machine that trained SNGAN_WITHOUT_SN: the pair with
# and without spectral norm then differs in that one switch, not also in the device (metrics only).
SNGAN_STAGE1_RERUN = dataclasses.replace(SNGAN_STAGE1, name="sngan_hinge_short_rerun")

# 2.3's remedy for mode dropping, tried where the dropping was severest: the DCGAN-CNN control (hinge
# loss, spectral norm) with a minibatch standard-deviation channel in D (gan.MinibatchStd; metrics only).
MINIBATCH_STD_CONTROL = dataclasses.replace(
    DCGAN_CNN_CONTROL, name="dcgan_hinge_mbstd_short", minibatch_std=True
)
# The same channel on the first SNGAN stage's recipe, whose model ships with a mild class skew:
# compared with SNGAN_STAGE1_RERUN (same seed, same machine; metrics only).
SNGAN_MINIBATCH_STD = dataclasses.replace(SNGAN_STAGE1, name="sngan_hinge_mbstd_short", minibatch_std=True)

# The ablation rows that add a feature the final model keeps (a renamed label fails here, loudly).
ABLATION_KEPT = tuple(
    GAN_ABLATION[label]
    for label in (
        "baseline + EMA of G (0.999)",
        "baseline + bf16 autocast",
        "baseline + linear LR decay",
        "baseline + hinge loss + spectral norm in D",
        "baseline + bf16 + SNGAN CNN + hinge loss + spectral norm in D",
    )
)

# Leave-one-out in the final model's regime (2.1d): each run continues the shipped G and D for
# LEAVE_ONE_OUT_EPOCHS more epochs, a sixth stage with the final model's schedule, with one feature
# taken out, from two seeds (batch order and noise). "all features" is the control; the EMA run
# trains the control's G step for step and ships its last iterate instead of the average.
LEAVE_ONE_OUT_EPOCHS = 1
LEAVE_ONE_OUT_SEEDS = (0, 1)
LEAVE_ONE_OUT_CHANGES = {
    "all features (control)": ("control", {}),
    "without EMA of G": ("no_ema", {"ema_decay": 0.0}),
    "without linear LR decay": ("no_lr_decay", {"linear_lr_decay": False}),
    "BCE in place of the hinge loss": ("bce", {"loss": "bce"}),
    "without spectral norm in D": ("no_sn", {"spectral_norm": False, "batch_norm_in_d": False}),
}


def leave_one_out_config(label: str, seed: int) -> GANConfig:
    """The leave-one-out run `label` (a key of LEAVE_ONE_OUT_CHANGES) from `seed`."""
    key, changes = LEAVE_ONE_OUT_CHANGES[label]
    return dataclasses.replace(
        FINAL_GAN,
        name=f"sngan_loo_{key}_seed{seed}",
        epochs=LEAVE_ONE_OUT_EPOCHS,
        seed=seed,
        init_from=FINAL_GAN,
        **changes,
    )


LEAVE_ONE_OUT = {
    label: tuple(leave_one_out_config(label, seed) for seed in LEAVE_ONE_OUT_SEEDS)
    for label in LEAVE_ONE_OUT_CHANGES
}
LEAVE_ONE_OUT_RUNS = tuple(
    LEAVE_ONE_OUT[label][index] for index in range(len(LEAVE_ONE_OUT_SEEDS)) for label in LEAVE_ONE_OUT
)  # every feature from the first seed, then every feature from the second


# --- which runs keep their modules in weights/ ----------------------------------------------

# The runs whose trained modules the report or the submission uses: samples, reconstructions,
# t-SNE maps and interpolations are drawn from them, the classifier labels decoded digits, and
# the final VAE and GAN are exported; the MLP VAE, the coursework's first version, ships so that
# it can be loaded and checked beside the convolutional one. Every other run
# is a metrics-only entry of the manifest (`python -m genmodels prune`): its config hash,
# history and the metrics the report reads from it, without the weight file; asking for its
# modules trains it again.
SHIPPED = (
    FINAL_VAE,
    MLP_VAE,
    *(beta_study_config(b) for b in (0.0, 1.0, 10.0, 1000.0)),
    MNIST_CLASSIFIER,
    FINAL_GAN,  # last: the provenance table lists its stages after it
)


# --- what the command line trains ---------------------------------------------------------------

TARGETS = ("vae", "gan", "ablation")


def target_configs(what: str) -> list:
    """The configs `python -m genmodels train <what>` trains ("all": every target), each after
    the earlier stages it continues from, so `--only` finds every stage."""
    roots = {
        "vae": [
            MNIST_CLASSIFIER,
            FINAL_VAE,
            MLP_VAE,
            MLP_DROPOUT_VAE,
            MLP_NO_BATCHNORM_VAE,
            MLP_WIDE_VAE,
            CONV_DROPOUT_VAE,
            CONV_NO_BATCHNORM_VAE,
            *BETA_STUDY,
            FREE_BITS_VAE,
            WARMUP_VAE,
            *LATENT_STUDY,
            *OPTIMISER_RUNS,
            *SEED_RUNS,
            *BETA_LONG_STUDY,
            *SELECTION_RUNS,
            *SWEEP_SEED_RUNS,
            *WIDTH_RUNS,
            *BUDGET_RUNS,
        ],
        "gan": [GAN_STAGE2, GAN_RESTART, FINAL_GAN, *LEAVE_ONE_OUT_RUNS],
        "ablation": [
            *GAN_ABLATION.values(),
            *CNN_CONTROL_ABLATION.values(),
            *CNN_CONTROL_REPEATS.values(),
            SNGAN_WITHOUT_SN,
            *ABLATION_BASELINE_REPEATS,
            SNGAN_STAGE1_RERUN,
            MINIBATCH_STD_CONTROL,
            SNGAN_MINIBATCH_STD,
        ],
    }
    todo = []
    for config in (c for target in (TARGETS if what == "all" else (what,)) for c in roots[target]):
        stages = []
        while config is not None:
            stages.insert(0, config)
            config = getattr(config, "init_from", None)
        todo += [stage for stage in stages if stage not in todo]
    return todo


def retrain_command(config) -> str | None:
    """The command, typed in the project root, that trains `config` again (and nothing else);
    None for a config the command line does not know."""
    for what in TARGETS:
        if config.name in [c.name for c in target_configs(what)]:
            return f'make train-{what} ARGS="--retrain --only {config.name}"'
    return None
