"""`python -m genmodels prune`: metrics first, then the file; the shipped tree needs no module it lacks."""

import pytest

from genmodels import gan_results, prune, reporting, runs, vae_results, weights
from genmodels.config import VAEConfig

TINY = VAEConfig(
    name="tiny_prune_vae", architecture="mlp", latent_dim=3, hidden_dim=16, epochs=1, batch_size=64
)


@pytest.fixture
def trained_tiny(tmp_path):
    from genmodels import data

    images, _ = data.mnist(train=False)
    weights.load_or_train(
        TINY,
        progress=False,
        weights_dir=tmp_path,
        checkpoint_dir=tmp_path / "c",
        train_images=data.to_unit_interval(images[:128]),
        test_images=data.to_unit_interval(images[128:192]).round(),
    )
    return tmp_path


def test_prune_stores_the_metrics_before_it_deletes_the_file(trained_tiny, monkeypatch):
    order = []
    monkeypatch.setattr(prune, "store_report_metrics", lambda c: order.append(("metrics", c.name)))
    real_drop = weights.drop_modules
    monkeypatch.setattr(
        weights, "drop_modules", lambda c, d: order.append(("drop", c.name)) or real_drop(c, d)
    )
    assert prune.prune([TINY], trained_tiny) == [TINY.name]
    assert order == [("metrics", TINY.name), ("drop", TINY.name)]
    assert prune.prune([TINY], trained_tiny) == []  # already metrics-only: nothing computed again
    assert len(order) == 2


def test_a_failed_metric_leaves_the_file(trained_tiny, monkeypatch):
    def fail(config):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(prune, "store_report_metrics", fail)
    with pytest.raises(RuntimeError):
        prune.prune([TINY], trained_tiny)
    assert (trained_tiny / f"{TINY.name}.pt").exists()
    assert not weights.is_metrics_only(weights.load_entry(TINY, trained_tiny))


def test_prunable_runs_are_every_named_run_outside_the_shipped_ones():
    prunable = prune.prunable()
    assert not set(prunable) & set(runs.SHIPPED)
    assert len(prunable) + len(runs.SHIPPED) == len(runs.target_configs("all"))
    assert runs.SNGAN_STAGE1 in prunable and runs.FINAL_GAN not in prunable


def test_the_report_reads_metrics_only_runs_without_their_modules(monkeypatch):
    """Every number the report takes from a metrics-only run is stored: nothing trains."""
    monkeypatch.setattr("genmodels.train.train", lambda config, **k: pytest.fail(f"trained {config.name}"))
    monkeypatch.delenv("RETRAIN", raising=False)
    for config in prune.prunable():
        prune.store_report_metrics(config)
    study = vae_results.beta_study()
    assert set(study) == set(runs.BETA_VALUES) and all(
        s["kl_per_dimension"].shape == (32,) for s in study.values()
    )
    assert vae_results.collapse_mitigation()["free_bits"]["active_units"] >= 0
    assert vae_results.mlp_conv_table()["NLL"].notna().sum() == len(vae_results.NLL_RUNS)
    assert set(vae_results.latent_size_study()) == set(runs.LATENT_SIZES)
    assert {f: set(e) for f, e in vae_results.optimiser_study().items()} == {
        "learning_rate": {3e-4, 1e-3, 3e-3},
        "batch_size": {64, 128, 256},
    }
    seeds = runs.SWEEP_SEEDS
    seeded = vae_results.sweep_elbos(vae_results.latent_size_study(seeds), vae_results.optimiser_study(seeds))
    assert set(seeded) == {"latent_dim", "learning_rate", "batch_size"}
    assert all(len(e) == len(seeds) for sweep in seeded.values() for e in sweep.values())
    assert vae_results.seed_noise(seeded)["sweep_range"] > 0
    assert len(gan_results.gan_runs_table()) == len(gan_results.GAN_RUNS)
    assert len(gan_results.ablation_table()) == len(runs.GAN_ABLATION)
    assert list(gan_results.ablation_seed_fids()) == [0, *(c.seed for c in runs.ABLATION_BASELINE_REPEATS)]
    assert gan_results.ema_paired_fid()["seeds"] == list(gan_results.EMA_PAIR_SEEDS)
    assert gan_results.feature_precision_fid()["samples"] == gan_results.PRECISION_SAMPLES  # stored
    assert [c.name for c, _ in reporting.training_stages(runs.FINAL_GAN)][:2] == [
        runs.SNGAN_STAGE1.name,
        runs.SNGAN_STAGE2.name,
    ]
