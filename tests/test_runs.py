"""The named runs: their hashes match the shipped weights, and each make target trains the right ones."""

import dataclasses
import json

import pytest

from genmodels import runs, weights
from genmodels.config import HashedConfig

SHIPPED = {
    value.name: value
    for value in (
        *(v for v in vars(runs).values() if isinstance(v, HashedConfig)),
        *runs.BETA_STUDY,
        *runs.LATENT_STUDY,
        *runs.OPTIMISER_RUNS,
        *runs.SEED_RUNS,
        *runs.BETA_LONG_STUDY,
        *runs.SELECTION_RUNS,
        *runs.SWEEP_SEED_RUNS,
        *runs.WIDTH_RUNS,
        *runs.BUDGET_RUNS,
        *runs.GAN_ABLATION.values(),
        *runs.CNN_CONTROL_ABLATION.values(),
        *runs.CNN_CONTROL_REPEATS.values(),
        runs.SNGAN_WITHOUT_SN,
        *runs.ABLATION_BASELINE_REPEATS,
        *runs.LEAVE_ONE_OUT_RUNS,
    )
}


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_named_run_matches_its_manifest_entry(name):
    """Renaming a run or changing a hashed field would orphan its shipped weights."""
    entry = weights.load_manifest()[name]
    assert entry["config_hash"] == SHIPPED[name].config_hash
    assert entry["config"] == json.loads(json.dumps(SHIPPED[name].to_dict()))  # tuples stored as lists


def test_every_manifest_entry_is_a_named_run():
    assert set(weights.load_manifest()) == set(SHIPPED)


def test_shipped_ablation_ema_run_logged_the_baselines_losses():
    """The report reads the EMA row of the ablation against the baseline's as one run
    (only G's average differs), which holds only if the shipped histories are identical."""
    manifest = weights.load_manifest()
    baseline, ema = (
        manifest[c.name]["history"]["epochs"] for c in (runs.ABLATION_BASELINE, runs.ABLATION_EMA)
    )
    keys = ("d_loss", "g_loss", "d_real", "d_fake")
    assert [[e[k] for k in keys] for e in baseline] == [[e[k] for k in keys] for e in ema]
    assert runs.GAN_ABLATION["baseline + EMA of G (0.999)"] is runs.ABLATION_EMA


def test_run_names_are_unique():
    configs = [*runs.target_configs("all")]
    assert len({c.name for c in configs}) == len(configs)


def test_beta_study_covers_every_beta_at_one_budget():
    assert [c.beta for c in runs.BETA_STUDY] == list(runs.BETA_VALUES)
    assert len({dataclasses.replace(c, beta=0.0, name="x") for c in runs.BETA_STUDY}) == 1


def test_beta_seed_study_is_the_beta_study_from_seed_1():
    assert runs.STUDY_SEED_VAE in runs.BETA_SEED_STUDY
    for seed0, seed1 in zip(runs.BETA_STUDY, runs.BETA_SEED_STUDY, strict=True):
        assert (seed0.seed, seed1.seed) == (0, 1)
        assert dataclasses.replace(seed1, seed=0, name=seed0.name) == seed0


def test_selection_runs_copy_each_choice_run_onto_the_validation_split():
    """Every run behind a choice of Table 1 has a 6-epoch copy evaluated on the validation split,
    differing from it in nothing else, and `make train-vae` trains them."""
    sources = (
        *runs.LATENT_STUDY,
        *runs.OPTIMISER_RUNS,
        runs.STUDY_SEED_VAE,
        runs.CONV_DROPOUT_VAE,
        runs.CONV_NO_BATCHNORM_VAE,
    )
    sources += (runs.MLP_VAE, runs.MLP_DROPOUT_VAE, runs.MLP_NO_BATCHNORM_VAE)
    assert len(runs.SELECTION_RUNS) == len(sources)
    for source, copy in zip(sources, runs.SELECTION_RUNS, strict=True):
        assert copy.validation and not source.validation and copy.epochs == runs.SELECTION_EPOCHS
        assert dataclasses.replace(copy, name=source.name, epochs=source.epochs, validation=False) == source
        assert weights.load_manifest()[copy.name]["evaluated_on"] == "validation"
    assert set(runs.SELECTION_RUNS) <= set(runs.target_configs("vae"))


def test_sweep_seed_runs_repeat_every_sweep_setting_from_each_seed():
    """Each validation-split sweep run exists from every seed of SWEEP_SEEDS, differing in its
    seed alone; seed 0 is the selection run itself and the centre's seed 1 that of STUDY_SEED_VAE."""
    sweeps = (*runs.LATENT_STUDY, *runs.OPTIMISER_RUNS)
    for config in sweeps:
        copies = [runs.sweep_seed_config(config, seed) for seed in runs.SWEEP_SEEDS]
        assert [c.seed for c in copies] == list(runs.SWEEP_SEEDS) and len({c.name for c in copies}) == len(
            copies
        )
        assert copies[0] == runs.selection_config(config)
        for copy in copies:
            assert dataclasses.replace(copy, seed=0, name=copies[0].name) == copies[0]
            assert copy in runs.SELECTION_RUNS or copy in runs.SWEEP_SEED_RUNS
    assert runs.sweep_seed_config(runs.beta_study_config(1.0), 1) == runs.selection_config(
        runs.STUDY_SEED_VAE
    )
    assert len(runs.SWEEP_SEED_RUNS) == len(sweeps) * (len(runs.SWEEP_SEEDS) - 1)
    assert set(runs.SWEEP_SEED_RUNS) <= set(runs.target_configs("vae"))


def test_width_runs_change_one_width_of_the_centres_selection_copy():
    centre = runs.selection_config(runs.beta_study_config(1.0))
    for config in runs.WIDTH_RUNS:
        changed = [f for f in runs.WIDTH_STUDY if getattr(config, f) != getattr(centre, f)]
        assert len(changed) == 1 and getattr(config, changed[0]) in runs.WIDTH_STUDY[changed[0]]
        assert (
            dataclasses.replace(config, name=centre.name, **{changed[0]: getattr(centre, changed[0])})
            == centre
        )
        assert weights.load_manifest()[config.name]["evaluated_on"] == "validation"
    assert len(runs.WIDTH_RUNS) == sum(map(len, runs.WIDTH_STUDY.values()))


def test_budget_runs_are_the_final_model_with_one_optimiser_value_changed():
    for config in runs.BUDGET_RUNS:
        changed = [
            f for f in ("learning_rate", "batch_size") if getattr(config, f) != getattr(runs.FINAL_VAE, f)
        ]
        assert len(changed) == 1 and getattr(config, changed[0]) in runs.OPTIMISER_STUDY[changed[0]]
        reverted = dataclasses.replace(
            config, name=runs.FINAL_VAE.name, **{changed[0]: getattr(runs.FINAL_VAE, changed[0])}
        )
        assert reverted == runs.FINAL_VAE
    assert set(runs.BUDGET_RUNS) <= set(runs.target_configs("vae"))


def test_targets_list_every_stage_after_the_stage_it_continues_from():
    gan = runs.target_configs("gan")
    for config in gan:
        if config.init_from is not None:
            assert gan.index(config.init_from) < gan.index(config)
    assert runs.FINAL_GAN in gan and runs.SNGAN_STAGE1 in gan
    assert runs.target_configs("all") == [
        *runs.target_configs("vae"),
        *runs.target_configs("gan"),
        *runs.target_configs("ablation"),
    ]


def test_retrain_command_names_the_target_that_trains_the_run():
    assert runs.retrain_command(runs.MLP_VAE) == f'make train-vae ARGS="--retrain --only {runs.MLP_VAE.name}"'
    assert runs.retrain_command(runs.SNGAN_STAGE2).startswith("make train-gan ")
    assert runs.retrain_command(runs.GAN_ABLATION["baseline + DiffAugment"]).startswith(
        "make train-ablation "
    )
    assert runs.retrain_command(dataclasses.replace(runs.MLP_VAE, name="not_a_run")) is None


def test_each_leave_one_out_run_continues_the_final_model_with_one_feature_changed():
    fields = {
        "control": set(),
        "no_ema": {"ema_decay"},
        "no_lr_decay": {"linear_lr_decay"},
        "bce": {"loss"},
        "no_sn": {"spectral_norm", "batch_norm_in_d"},
    }
    assert [key for key, _ in runs.LEAVE_ONE_OUT_CHANGES.values()] == list(fields)
    for (key, _), configs in zip(runs.LEAVE_ONE_OUT_CHANGES.values(), runs.LEAVE_ONE_OUT.values()):
        assert [c.seed for c in configs] == list(runs.LEAVE_ONE_OUT_SEEDS)
        for config in configs:
            assert config.init_from == runs.FINAL_GAN and config.epochs == runs.LEAVE_ONE_OUT_EPOCHS
            same = dataclasses.replace(
                config,
                name=runs.FINAL_GAN.name,
                epochs=runs.FINAL_GAN.epochs,
                seed=0,
                init_from=runs.FINAL_GAN.init_from,
            )
            changed = {
                f.name
                for f in dataclasses.fields(same)
                if getattr(same, f.name) != getattr(runs.FINAL_GAN, f.name)
            }
            assert changed == fields[key], config.name
    assert (
        runs.LEAVE_ONE_OUT["without spectral norm in D"][0].batch_norm_in_d is False
    )  # plain, not DCGAN's BatchNorm
    assert set(runs.LEAVE_ONE_OUT_RUNS) <= set(runs.target_configs("gan"))


def test_the_cnn_control_ablation_takes_out_each_feature_of_the_control_and_both():
    control, no_sn, no_hinge, neither = runs.CNN_CONTROL_ABLATION.values()
    assert control is runs.DCGAN_CNN_CONTROL
    changed = [
        {f.name for f in dataclasses.fields(c) if getattr(c, f.name) != getattr(control, f.name)} - {"name"}
        for c in (no_sn, no_hinge, neither)
    ]
    assert changed == [{"spectral_norm"}, {"loss"}, {"spectral_norm", "loss"}]
    assert no_sn.batch_norm_in_d and neither.batch_norm_in_d  # without spectral norm, DCGAN's BatchNorm
    assert (neither.loss, neither.spectral_norm) == (runs.GAN_STAGE1.loss, runs.GAN_STAGE1.spectral_norm)


def test_the_cnn_control_repeats_change_only_the_seed_of_the_two_hinge_cells():
    for label, repeat in runs.CNN_CONTROL_REPEATS.items():
        original = runs.CNN_CONTROL_ABLATION[label]
        assert dataclasses.replace(repeat, name=original.name, seed=original.seed) == original
        assert (original.seed, repeat.seed) == (0, 1) and original.loss == "hinge"
    assert set(runs.CNN_CONTROL_REPEATS.values()) <= set(runs.target_configs("ablation"))


def test_the_sngan_cnn_without_spectral_norm_is_the_first_stage_with_dcgans_batchnorm_in_d():
    own = runs.SNGAN_WITHOUT_SN
    changed = {
        f.name for f in dataclasses.fields(own) if getattr(own, f.name) != getattr(runs.SNGAN_STAGE1, f.name)
    }
    assert changed == {"name", "spectral_norm"} and own.batch_norm_in_d and own.init_from is None
    assert own in runs.target_configs("ablation") and own not in runs.SHIPPED


def test_the_final_gan_is_the_last_shipped_run():
    """The provenance table lists the shipped runs but the last, then the final GAN's stages in order."""
    assert runs.SHIPPED[-1] is runs.FINAL_GAN
