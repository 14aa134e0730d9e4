"""Part 2 helpers on made-up logs and tiny generators."""

import numpy as np
import torch

from genmodels import gan_results, weights


def test_stage_trends_first_last_and_jump():
    log = np.zeros((1000, 4))
    log[:600, 0] = np.linspace(2.0, 1.0, 600)  # stage 1: D loss falls
    log[600:, 0] = 1.5  # stage 2 starts higher
    trends = gan_results.stage_trends(log, [600, 400])
    assert trends[0]["d_loss_first"] > trends[0]["d_loss_last"]
    assert "d_loss_jump" not in trends[0]
    assert trends[1]["d_loss_jump"] > 0.3


def test_stage_trends_by_run_keys_each_stage_of_the_log_by_its_run(monkeypatch):
    import dataclasses
    import types

    from genmodels import reporting
    from genmodels.config import GANConfig

    first = GANConfig(name="a", epochs=2)
    second = dataclasses.replace(first, name="b", epochs=1, init_from=first)
    log = np.zeros((30, 4))  # 10 iterations an epoch: stage a is 20 iterations, stage b 10
    log[:20, 0] = np.repeat([1.5, 0.5], 10)  # D's loss falls by 1 within stage a
    log[20:, 0] = 1.5  # and at b's start jumps up by 0.5 from its mean over a (the 200 iterations before)
    log[:, 2], log[10:20, 3] = (
        0.75,
        0.25,
    )  # sigma(D) on real and fake: the gap widens in stage a's second half
    monkeypatch.setattr(
        gan_results, "gan", lambda config: types.SimpleNamespace(extras={"iteration_log": torch.tensor(log)})
    )
    monkeypatch.setattr(reporting, "manifest_entry", lambda config: {})
    trends = gan_results.stage_trends_by_run(second)
    assert list(trends) == ["a", "b"]
    assert (trends["a"]["d_loss_first"], trends["a"]["d_loss_last"]) == (1.5, 0.5)
    assert (trends["a"]["gap_first"], trends["a"]["gap_last"]) == (0.75, 0.5)
    assert "d_loss_jump" not in trends["a"] and trends["b"]["d_loss_jump"] == 0.5


def test_gan_runs_table_adds_the_stage_trends_where_a_run_has_them(monkeypatch):
    from genmodels.config import GANConfig

    evaluation = {"fid": 30.0, "kid": 0.02, "recall": 0.5, "coverage": 0.6}
    monkeypatch.setattr(gan_results, "gan_evaluation", lambda config: evaluation)
    monkeypatch.setattr(gan_results, "training_hours", lambda config: {"CPU": 1.0})
    runs = [GANConfig(name="a", epochs=2), GANConfig(name="b", epochs=2), GANConfig(name="c", epochs=2)]
    halves = {f"{k}_{h}": v for k in ("d_loss", "g_loss", "gap") for h, v in (("first", 1.0), ("last", 0.75))}
    trends = {"a": halves, "b": halves | {"d_loss_jump": 0.5}}
    table = gan_results.gan_runs_table(runs, trends)
    assert table["ΔD"].tolist() == ["−0.25", "−0.25", "–"]
    assert table["jump"].tolist() == ["–", "+0.50", "–"]
    assert "ΔD" not in gan_results.gan_runs_table(runs)


def test_generator_agreement_is_zero_for_the_same_module_and_not_otherwise():
    generator = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 3))
    assert gan_results.generator_agreement(generator, generator, 4) == 0.0
    other = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 3))
    assert gan_results.generator_agreement(other, generator, 4) > 0.0


def test_training_hours_are_summed_over_stages_by_device(monkeypatch):
    import dataclasses

    from genmodels import reporting
    from genmodels.config import GANConfig

    first = GANConfig(name="a", epochs=2)
    second = dataclasses.replace(first, name="b", init_from=first)
    third = dataclasses.replace(first, name="c", init_from=second)
    entries = {
        "a": {"train_seconds": 360.0, "hardware": {"cuda": "NVIDIA H100 80GB HBM3"}},
        "b": {"train_seconds": 180.0, "hardware": {"cuda": None}},
        "c": {"train_seconds": 5400.0, "hardware": {"cuda": None}},
    }
    monkeypatch.setattr(reporting, "manifest_entry", lambda config: entries[config.name])
    assert gan_results.training_hours(third) == {"H100": 0.1, "CPU": 1.55}
    assert gan_results.training_hours(first) == {"H100": 0.1}


def test_snapshot_grid_marks_the_end_of_each_stage(monkeypatch):
    import dataclasses
    import types

    from genmodels import reporting
    from genmodels.config import GANConfig

    first = GANConfig(name="a", epochs=4)
    second = dataclasses.replace(first, name="b", epochs=12, init_from=first)
    snapshots = torch.arange(16).view(16, 1, 1, 1, 1).expand(16, 3, 3, 2, 2).to(torch.uint8)
    monkeypatch.setattr(
        gan_results, "gan", lambda config: types.SimpleNamespace(extras={"snapshots": snapshots})
    )
    monkeypatch.setattr(reporting, "manifest_entry", lambda config: {})  # no manifest for made-up stages
    grid = gan_results.snapshot_grid(second, per_epoch=2)
    assert list(grid) == [
        "after epoch 1",
        "after epoch 2",
        "after epoch 4 (end of stage 1)",
        "after epoch 16 (end of stage 2)",
    ]
    assert round(255 * float(grid["after epoch 4 (end of stage 1)"].max())) == 3  # the snapshot after epoch 4
    assert grid["after epoch 1"].shape == (2, 3, 2, 2)
    # of 5 vectors, the last 3 move: measured on the first two alone, no stage moves them
    moving = torch.zeros(16, 5, 3, 2, 2, dtype=torch.uint8)
    moving[:, 2:] = torch.arange(16).view(16, 1, 1, 1, 1).to(torch.uint8) * 10
    monkeypatch.setattr(
        gan_results, "gan", lambda config: types.SimpleNamespace(extras={"snapshots": moving})
    )
    shown = gan_results.snapshot_motion(second, vectors=2)
    assert shown["vectors"] == 2 and [m for _, _, m in shown["stages"]] == [0.0, 0.0]
    assert all(m > 0 for _, _, m in gan_results.snapshot_motion(second)["stages"])


def test_ema_pair_table_puts_each_runs_last_iterate_beside_its_average(monkeypatch):
    monkeypatch.setattr(
        gan_results, "ema_paired_fid", lambda: {"baseline": [10.0, 11.0, 12.0], "ema": [9.0, 8.0, 7.0]}
    )
    monkeypatch.setattr(
        gan_results, "ablation_fid", lambda config: {"dcgan_ablation_ema": 5.0}.get(config.name, 6.0)
    )
    monkeypatch.setattr(gan_results, "manifest_entry", lambda config: {"hardware": {"torch_threads": 1}})
    table = gan_results.ema_pair_table()
    assert table["run"].tolist() == ["ablation table (1 thread)"] * 2 + ["rerun (2 threads)"] * 2
    assert table["G"].tolist() == ["last iterate", "EMA average"] * 2
    assert table["noise seed 1"].tolist() == [6.0, 5.0, 10.0, 9.0]
    assert table["noise seed 3"].iloc[:2].isna().all() and table["noise seed 3"].iloc[2:].tolist() == [
        12.0,
        7.0,
    ]


def test_fid_sample_sets_store_each_seed_under_its_own_key(monkeypatch):
    stored = {}

    def cached(config, key, compute):
        return stored.setdefault(key, compute())

    monkeypatch.setattr(gan_results, "manifest_entry", lambda config: {})
    monkeypatch.setattr(gan_results, "cached_metric", cached)
    monkeypatch.setattr(gan_results, "gan_evaluation", lambda config: {"fid": 24.0})
    monkeypatch.setattr(gan_results, "_sample_fid", lambda config, count, seed: 24.0 + seed / 10)
    assert gan_results.fid_sample_sets(None, (3, 5)) == [24.0, 24.3, 24.5]
    assert set(stored) == {"fid_resampled", "fid_resampled_seed5"}  # seed 3 keeps the key it was stored under
    assert gan_results.fid_sample_sets(None, (5, 3)) == [24.0, 24.5, 24.3]  # read back, not mixed up


def test_held_out_table_prints_each_image_set_beside_what_the_equilibrium_fixes():
    # scores of one distribution on real and generated images, as at p_G = p_data, within [-1, 1]
    real, fake = (torch.rand(200_000, generator=torch.Generator().manual_seed(s)) * 2 - 1 for s in (0, 1))
    held_out = {"train_hinge": 0.765, "train_sigma": 0.572, "train_right": 0.6149}
    held_out |= {
        "test_hinge": float(torch.relu(1 - real).mean()),
        "fake_hinge": float(torch.relu(1 + fake).mean()),
    }
    held_out |= {
        "test_sigma": float(torch.sigmoid(real).mean()),
        "fake_sigma": float(torch.sigmoid(fake).mean()),
    }
    held_out |= {
        "test_right": float((real > 0).float().mean()),
        "fake_right": float((fake < 0).float().mean()),
    }
    table = gan_results.held_out_table(held_out, {"real_d": 0.5, "fake_d": 0.5})
    rows = {row[0]: row[1:] for row in table.itertuples(index=False)}
    assert list(table.columns)[1:] == ["training subset", "test images", "samples", "at the equilibrium"]
    assert rows["D's hinge term"][0] == "0.765" and rows["on the correct side of 0"][0] == "61.5%"
    assert rows["σ(aD + b), other half"][1:] == ("0.50", "0.50", "1/2 each")  # none on seen images
    # the equilibrium column's relations hold for such scores, as printed
    hinge, sigma, side = (rows[k] for k in ("D's hinge term", "mean σ(D)", "on the correct side of 0"))
    assert abs(float(hinge[1]) + float(hinge[2]) - 2) < 0.01 and hinge[3] == "test + samples ≥ 2"
    assert sigma[1] == sigma[2] and sigma[3] == "test = samples"
    assert abs(float(side[1][:-1]) + float(side[2][:-1]) - 100) < 1 and side[3] == "test + samples = 100%"


def test_leave_one_out_table_reads_each_seed_and_the_change_against_the_control(monkeypatch):
    from genmodels import runs

    gaps = {"control": 0.10, "no_ema": 0.20}  # d_real - d_fake of each run's last epoch

    def entry(config):
        key = config.name.removeprefix("sngan_loo_").rsplit("_seed", 1)[0]
        epoch = {"d_real": 0.5 + gaps[key] + config.seed * 0.02, "d_fake": 0.5}
        return {"history": {"epochs": [{"d_real": 0.9, "d_fake": 0.1}, epoch]}}

    monkeypatch.setattr(gan_results, "manifest_entry", entry)
    labels = list(runs.LEAVE_ONE_OUT)[:2]
    table = gan_results.leave_one_out_table({labels[0]: [24.0, 25.0], labels[1]: [26.0, 27.5]}, start=24.9)
    assert table["run"].tolist() == ["final model (start)", *labels]
    assert table["FID"].tolist() == ["24.90", "24.00 / 25.00", "26.00 / 27.50"]
    assert table["change"].tolist() == ["", "", "+2.25"]  # 26.75 against 24.5
    assert table.iloc[:, -1].tolist() == ["", "0.11", "0.21"]  # the last epoch, mean over the seeds


def test_cnn_pair_table_names_each_runs_cnn_loss_and_normalisation():
    from genmodels import runs

    def evaluation(fid, recall):
        counts = [1000] * 10
        return {"fid": fid, "kid": fid / 1000, "precision": 0.7, "recall": recall, "class_counts": counts}

    configs = [
        runs.SNGAN_STAGE1,
        runs.SNGAN_STAGE1_RERUN,
        runs.SNGAN_WITHOUT_SN,
        runs.SNGAN_MINIBATCH_STD,
        *runs.CNN_CONTROL_ABLATION.values(),
        runs.MINIBATCH_STD_CONTROL,
    ]
    names = [f"c{i}" for i in range(10)]
    table = gan_results.cnn_pair_table(
        {c: evaluation(40.0 + i, 0.1 * i) for i, c in enumerate(configs)}, names
    )
    assert table[["CNN", "loss", "D's norm"]].values.tolist() == [
        ["SNGAN", "hinge", "spectral"],
        ["SNGAN", "hinge", "spectral"],
        ["SNGAN", "hinge", "BatchNorm"],
        ["SNGAN", "hinge", "spectral + std"],
        ["DCGAN", "hinge", "spectral"],
        ["DCGAN", "hinge", "BatchNorm"],
        ["DCGAN", "BCE", "spectral"],
        ["DCGAN", "BCE", "BatchNorm"],
        ["DCGAN", "hinge", "spectral + std"],
    ]
    assert table["seed"].tolist() == [0] * 9
    assert table["on"].tolist() == ["H100"] + ["CPU"] * 8  # as the manifest records them
    repeat = runs.CNN_CONTROL_REPEATS["hinge + SN"]
    assert gan_results.cnn_pair_table({repeat: evaluation(40.0, 0.1)}, names)["seed"].tolist() == [1]
    manifest = weights.load_manifest()
    assert table["D loss"].tolist() == [manifest[c.name]["history"]["epochs"][-1]["d_loss"] for c in configs]
    assert table["FID"].tolist() == [40.0 + i for i in range(9)]
    assert table["recall"].tolist() == [0.1 * i for i in range(9)]
    assert table["probe's rarest, commonest class"].tolist() == ["c0 10%, c0 10%"] * 9


def test_loss_and_norm_label_names_the_loss_and_ds_normalisation():
    from genmodels import runs

    assert [gan_results.loss_and_norm_label(c) for c in runs.CNN_CONTROL_ABLATION.values()] == [
        "hinge, spectral",
        "hinge, BatchNorm",
        "BCE, spectral",
        "BCE, BatchNorm",
    ]
    rows = gan_results.cnn_pair_table(
        {
            c: {key: 0.0 for key in ("fid", "kid", "precision", "recall")} | {"class_counts": [1] * 10}
            for c in runs.CNN_CONTROL_ABLATION.values()
        },
        [str(i) for i in range(10)],
    )
    shown = rows["loss"] + ", " + rows["D's norm"]  # the figure's titles are the table's words
    assert list(shown) == [gan_results.loss_and_norm_label(c) for c in runs.CNN_CONTROL_ABLATION.values()]


def test_class_extremes_names_the_rarest_and_commonest_class():
    names = [f"c{i}" for i in range(10)]
    assert gan_results.class_extremes([55, 3166] + [847.375] * 8, names) == "c0 0.5%, c1 32%"  # 55 of 10,000
    assert gan_results.class_extremes([1978, 310] + [964] * 8, names) == "c1 3.1%, c0 20%"
    assert gan_results.class_extremes([1] * 10, names) == "c0 10%, c0 10%"  # a tie: the first


def test_stored_samples_keep_the_generated_pixels_in_eight_bits(monkeypatch):
    images = torch.linspace(-1, 1, 2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    stored = {}

    def cached(config, key, compute):
        stored.setdefault(key, compute())
        return stored[key]

    monkeypatch.setattr(gan_results, "manifest_entry", lambda config: {})
    monkeypatch.setattr(gan_results, "generate", lambda count, seed, config: images[:count])
    monkeypatch.setattr(gan_results, "cached_metric", cached)
    samples = gan_results.stored_samples("run", 2)
    assert list(stored) == ["samples_2"] and isinstance(stored["samples_2"], list)  # JSON for the manifest
    assert samples.shape == (2, 3, 4, 4)
    assert torch.allclose(samples, (images + 1) / 2, atol=1 / 255)


def test_grid_probe_confidence_counts_the_images_the_probe_is_sure_of(monkeypatch):
    from genmodels import metrics

    generator = np.random.default_rng(0)
    centres = np.array([[4.0, 0.0], [-4.0, 0.0]])
    labels = np.repeat([0, 1], 200)
    real = centres[labels] + generator.normal(size=(400, 2))
    test_labels = np.array([0, 1, 0, 1])
    test = np.array([[4.0, 0.0], [-4.0, 0.0], [0.0, 0.0], [0.0, 1.0]])  # two clear, two between
    grid = np.concatenate([np.tile(centres, (30, 1)), np.zeros((40, 2))])  # 60 clear, 40 between
    monkeypatch.setattr(gan_results, "GRID_SAMPLES", 100)
    monkeypatch.setattr(gan_results, "manifest_entry", lambda config: {})
    monkeypatch.setattr(gan_results, "cached_metric", lambda config, key, compute: compute())
    monkeypatch.setattr(
        gan_results,
        "real_features",
        lambda split: (real, labels) if split == "train" else (test, test_labels),
    )
    monkeypatch.setattr(gan_results, "generate", lambda count, seed, config: ("grid", count, seed))
    monkeypatch.setattr(metrics, "inception_features", lambda images, bf16: (grid, None))
    gan_results.feature_probe.cache_clear()  # fitted to the made-up features, and forgotten after
    try:
        probe = gan_results.grid_probe_confidence("run")
    finally:
        gan_results.feature_probe.cache_clear()
    assert (probe["grid"], probe["grid_sure"]) == (100, 60)
    assert probe["test_sure_share"] == 0.5 and probe["test_sure_accuracy"] == 1.0
    assert probe["grid_labels"][:2] == [0, 1] and min(probe["grid_confidence"][:60]) >= 0.9
