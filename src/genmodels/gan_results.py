"""Part 2 computations: the trained GANs, their evaluation (FID, KID, PRDC, classes), the
ablation, training logs by stage, and the marker's check of the exported generator.

Every function loads (or trains) models through the weight cache and returns plain data for
the report cells and `plots`; FID and the other expensive values are computed once and stored
in the weights manifest. The sentences the report writes from them are in `prose.py`.
"""

from __future__ import annotations

import functools
import time

import numpy as np
import pandas as pd
import torch

from genmodels import data, prose, runs
from genmodels.gan import EMA, build_gan
from genmodels.models import count_parameters
from genmodels.paths import PROJECT_ROOT
from genmodels.reporting import device_name, manifest_entry, training_stages
from genmodels.train import gan_train_step
from genmodels.weights import cached_metric, load_or_train

FID_SAMPLES = 10_000
GRID_SAMPLES = 100  # the 10 x 10 grid of Section 2.1c (noise seed 0)


def _metrics_cache():
    return PROJECT_ROOT / ".cache" / "metrics"


@functools.cache
def cifar_train() -> tuple[torch.Tensor, torch.Tensor]:
    return data.cifar10(train=True)


def real_subset_indices(count: int = FID_SAMPLES) -> torch.Tensor:
    """A fixed random subset of the CIFAR-10 training set (seed 0), sorted."""
    return (
        torch.randperm(len(cifar_train()[0]), generator=torch.Generator().manual_seed(0))[:count]
        .sort()
        .values
    )


def real_features(split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Inception features (bf16) and labels of 10k real images: a train subset or the test set."""
    from genmodels import metrics

    if split == "train":
        images, labels = cifar_train()
        index = real_subset_indices()
        images, labels = images[index], labels[index]
    else:
        images, labels = data.cifar10(train=False)
    features = metrics.cached_real_features(f"cifar10_{split}", lambda: images, cache_dir=_metrics_cache())
    return features, labels.numpy()


def training_hours(config) -> dict[str, float]:
    """Training hours of every stage of `config`, summed by device ('CPU', 'H100', ...) in stage order."""
    hours: dict[str, float] = {}
    for _, entry in training_stages(config):
        hours[device_name(entry)] = hours.get(device_name(entry), 0.0) + entry["train_seconds"] / 3600
    return hours


@functools.cache
def gan(config=runs.FINAL_GAN):
    """The trained GAN (generator = the shipped, EMA-averaged one when EMA is on)."""
    return load_or_train(config)


def generate(count: int, seed: int = 0, config=runs.FINAL_GAN, batch_size: int = 500) -> torch.Tensor:
    """`count` generated images in [-1, 1] from noise drawn after torch.manual_seed(seed)."""
    return sample(gan(config)["generator"], config.latent_dim, count, seed, batch_size)


def stored_samples(config, count: int = 8) -> torch.Tensor:
    """The first `count` images of the grid's noise (seed 0) in [0, 1], computed once and stored
    with `config` as 8-bit pixels, so that they outlive the run's pruned weight file."""
    manifest_entry(config)

    def compute():
        images = data.gan_output_to_image(generate(count, seed=0, config=config))
        return images.mul(255).round().to(torch.uint8).tolist()

    return torch.tensor(cached_metric(config, f"samples_{count}", compute), dtype=torch.uint8).float() / 255


def sample(generator, latent_dim: int, count: int, seed: int, batch_size: int = 500) -> torch.Tensor:
    """`count` images of `generator` in [-1, 1] from noise drawn after torch.manual_seed(seed)."""
    torch.manual_seed(seed)
    noise = torch.randn(count, latent_dim, 1, 1)
    with torch.no_grad():
        return torch.cat([generator(z) for z in noise.split(batch_size)])


@functools.cache
def feature_probe():
    """The linear probe of Section 2.3: Inception features to CIFAR-10 labels, fitted to the real
    subset that FID compares against (fitted once per process)."""
    from genmodels import metrics

    return metrics.fit_feature_classifier(*real_features("train"))


def gan_evaluation(config=runs.FINAL_GAN) -> dict:
    """FID/KID/PRDC and the class distribution of 10k generated images, computed once.

    The reference is a fixed 10k subset of the (JPEG) training set; the same Inception
    features (bf16) are used for real and generated images."""
    manifest_entry(config)  # trained (and in the manifest) before its metric is looked up

    def compute():
        from genmodels import metrics

        real, _ = real_features("train")
        test, test_labels = real_features("test")
        fake, _ = metrics.inception_features(generate(FID_SAMPLES, seed=1, config=config), bf16=True)
        classifier = feature_probe()
        counts = metrics.class_distribution(classifier, fake)
        kid_mean, kid_std = metrics.kid_from_features(real, fake)
        classifier_score = metrics.inception_score(classifier.predict_log_proba(fake))
        return {
            "fid": metrics.fid_from_features(real, fake),
            "kid": kid_mean,
            "kid_std": kid_std,
            **{k: float(v) for k, v in metrics.precision_recall_density_coverage(real, fake).items()},
            "class_counts": [int(c) for c in counts],
            "label_entropy_nats": metrics.label_entropy(counts),
            "test_class_counts": [int(c) for c in metrics.class_distribution(classifier, test)],
            "classifier_test_accuracy": float(classifier.score(test, test_labels)),
            "classifier_score": classifier_score[0],
            "classifier_score_std": classifier_score[1],
            "fid_train_vs_test": metrics.fid_from_features(real, test),
            "samples": FID_SAMPLES,
        }

    return cached_metric(config, "evaluation_10k", compute)


PROBE_CONFIDENCE = 0.9  # the probe's class probability from which an image reads as one class


def grid_probe_confidence(config=runs.FINAL_GAN, threshold: float = PROBE_CONFIDENCE) -> dict:
    """How many of the 100 grid images (noise seed 0) the linear probe of `gan_evaluation` (fitted
    to the real subset) gives one class at least `threshold` probability, against the share of
    real test images it is so sure of and its accuracy on those: a proxy for recognisable objects
    (the probe is over-confident, so only the comparison with real images means much). Computed once."""
    manifest_entry(config)

    def compute():
        from genmodels import metrics

        test, test_labels = real_features("test")
        grid, _ = metrics.inception_features(generate(GRID_SAMPLES, seed=0, config=config), bf16=True)
        classifier = feature_probe()
        grid_probability = classifier.predict_proba(grid)
        test_probability = classifier.predict_proba(test)
        sure = test_probability.max(1) >= threshold
        return {
            "threshold": threshold,
            "grid": GRID_SAMPLES,
            "grid_sure": int((grid_probability.max(1) >= threshold).sum()),
            "grid_labels": [int(c) for c in grid_probability.argmax(1)],
            "grid_confidence": [round(float(p), 4) for p in grid_probability.max(1)],
            "test_sure_share": float(sure.mean()),
            "test_sure_accuracy": float((test_probability.argmax(1) == test_labels)[sure].mean()),
        }

    return cached_metric(config, "grid_probe_confidence", compute)


RESAMPLE_SEEDS = (3, 5, 6)  # noise seeds of the further 10k sample sets (1: the evaluation's; 4: held out)


def fid_resampled(config=runs.FINAL_GAN, seed: int = 3) -> dict:
    """FID of another, independent set of 10k samples (noise seed `seed`; the evaluation uses 1)
    against the same real features, computed once per seed."""
    manifest_entry(config)

    def compute():
        return {"fid": _sample_fid(config, FID_SAMPLES, seed), "seed": seed, "samples": FID_SAMPLES}

    return cached_metric(config, "fid_resampled" if seed == 3 else f"fid_resampled_seed{seed}", compute)


def fid_sample_sets(config=runs.FINAL_GAN, seeds: tuple[int, ...] = RESAMPLE_SEEDS) -> list[float]:
    """The 10k-sample FID of one generator from the evaluation's sample set and from each of
    `seeds`: how far it moves with the samples alone, the noise against which a difference between
    two generators is read."""
    return [gan_evaluation(config)["fid"], *(fid_resampled(config, seed)["fid"] for seed in seeds)]


PRECISION_SAMPLES = 2000
FULL_FP32_MINUTES = 40  # fp32 features for 2 x 10,000 images on the two cores: why only 2,000 are compared


def feature_precision_fid(config=runs.FINAL_GAN, count: int = PRECISION_SAMPLES) -> dict:
    """FID of the evaluation's first `count` samples (noise seed 1) against the first `count`
    images of the real subset, with Inception features in bf16 (as every FID here) and in fp32,
    computed once: how far the features' precision alone moves the FID."""
    manifest_entry(config)

    def compute():
        from genmodels import metrics

        fake = generate(count, seed=1, config=config)
        real = cifar_train()[0][real_subset_indices()[:count]]
        fids = {}
        for name, bf16 in (("bf16", True), ("fp32", False)):
            real_features_, _ = metrics.inception_features(real, bf16=bf16)
            fake_features, _ = metrics.inception_features(fake, bf16=bf16)
            fids[name] = metrics.fid_from_features(real_features_, fake_features)
        return {**fids, "samples": count}

    return cached_metric(config, f"fid_{count}_bf16_fp32", compute)


HELD_OUT_SEED = 4  # noise for the held-out D check: samples neither the evaluation nor the grid uses


@torch.no_grad()
def discriminator_scores(config, images: torch.Tensor) -> torch.Tensor:
    """The trained D's raw scores of images in [-1, 1], in evaluation mode."""
    discriminator = gan(config)["discriminator"].eval()
    return torch.cat([discriminator(batch).flatten() for batch in images.split(500)])


@torch.no_grad()
def held_out_discriminator(config=runs.FINAL_GAN) -> dict:
    """The shipped D on images it was not trained on, computed once: its hinge loss, mean σ(D) and
    the share of images on the right side of its decision (D > 0 for real, < 0 for generated) on
    the 10k test images and on 10k fresh samples of the shipped (EMA) G, and for comparison on the
    10k training subset (D has seen those); "held_out_hinge_se": the standard error of the held-out
    loss (test plus sample term)."""
    from genmodels import metrics

    manifest_entry(config)

    def compute():
        fake = discriminator_scores(config, generate(FID_SAMPLES, seed=HELD_OUT_SEED, config=config))
        terms = {"fake": torch.relu(1 + fake).numpy()}
        result = {
            "fake_hinge": float(torch.relu(1 + fake).mean()),
            "fake_sigma": float(torch.sigmoid(fake).mean()),
            "fake_right": float((fake < 0).float().mean()),  # on the fake side of D's decision
        }
        train_images = cifar_train()[0][real_subset_indices()]
        for split, images in (("test", data.cifar10(train=False)[0]), ("train", train_images)):
            real = discriminator_scores(config, data.to_minus_one_one(images))
            result[f"{split}_hinge"] = float(torch.relu(1 - real).mean())
            result[f"{split}_sigma"] = float(torch.sigmoid(real).mean())
            result[f"{split}_right"] = float((real > 0).float().mean())
            terms[split] = torch.relu(1 - real).numpy()
        result["held_out_hinge_se"] = metrics.standard_error_of_sum(terms["test"], terms["fake"])
        return {**result, "seed": HELD_OUT_SEED, "samples": FID_SAMPLES}

    return cached_metric(config, "held_out_discriminator", compute, version=2)  # 2: with "held_out_hinge_se"


@torch.no_grad()
def held_out_bce_reading(config=runs.FINAL_GAN) -> dict:
    """The shipped hinge D read as a BCE discriminator (`metrics.calibrated_bce`) on the held-out
    images of `held_out_discriminator`: the 10k test images and 10k fresh samples of the shipped
    (EMA) G, the logistic map fitted on one half of each and measured on the other; computed once."""
    manifest_entry(config)

    def compute():
        from genmodels import metrics

        fake = discriminator_scores(config, generate(FID_SAMPLES, seed=HELD_OUT_SEED, config=config))
        real = discriminator_scores(config, data.to_minus_one_one(data.cifar10(train=False)[0]))
        return {**metrics.calibrated_bce(real.numpy(), fake.numpy()), "seed": HELD_OUT_SEED}

    return cached_metric(config, "held_out_bce_reading", compute, version=2)  # 2: with "loss_se"


def real_prdc(config=runs.FINAL_GAN) -> dict:
    """Precision, recall, density and coverage of the 10k real test images against the 10k real
    training subset, computed once (stored with `config`, whose evaluation it is the reference of):
    what the metrics read for a generator that matched the data, at this sample size."""
    from genmodels import metrics

    manifest_entry(config)

    def compute():
        return metrics.precision_recall_density_coverage(real_features("train")[0], real_features("test")[0])

    return cached_metric(config, "prdc_test_vs_train", compute)


def memorisation_check(config=runs.FINAL_GAN, quantile: float = 0.01) -> dict:
    """Copies of training images in Inception space, computed once (about 59 min on two cores, most
    of it the features of all 50,000 training images): the distance from each of the evaluation's
    10k samples (noise seed 1) to its nearest training image, against the same distance of each
    real test image, which no generator made. A generator that copies has samples closer to the
    training set than the test images are; `share_closer` is the share of samples closer than
    the `quantile` of the test distances (about `quantile` when G does not copy)."""
    from genmodels import metrics

    manifest_entry(config)

    def compute():
        train = metrics.cached_real_features(
            "cifar10_train_all", lambda: cifar_train()[0], cache_dir=_metrics_cache()
        )
        test, _ = real_features("test")
        fake, _ = metrics.inception_features(generate(FID_SAMPLES, seed=1, config=config), bf16=True)
        fake_distance = metrics.nearest_neighbours(fake, train)[0][:, 0]
        test_distance = metrics.nearest_neighbours(test, train)[0][:, 0]
        threshold = float(np.quantile(test_distance, quantile))
        return {
            "median_fake": float(np.median(fake_distance)),
            "median_test": float(np.median(test_distance)),
            "min_fake": float(fake_distance.min()),
            "min_test": float(test_distance.min()),
            "quantile": quantile,
            "share_closer": float((fake_distance < threshold).mean()),
            "samples": len(fake),
            "training_images": len(train),
        }

    return cached_metric(config, "memorisation_inception", compute)


def _sample_fid(config, count: int, seed: int, generator=None) -> float:
    """FID of `count` samples of `config`'s shipped generator, or of `generator` (noise seed
    `seed`), against the 10k real training subset."""
    from genmodels import metrics

    generator = gan(config)["generator"] if generator is None else generator
    real, _ = real_features("train")
    fake, _ = metrics.inception_features(sample(generator, config.latent_dim, count, seed), bf16=True)
    return metrics.fid_from_features(real, fake)


STANDING_BATCHES, STANDING_BATCH_SIZE = 100, 500  # the noise behind the EMA G's own BatchNorm statistics
STANDING_SEEDS = (1, 2)  # noise sets of the comparison; 1 is the evaluation's


def ema_batchnorm_fid(config=runs.FINAL_GAN, count: int = PRECISION_SAMPLES) -> dict:
    """FIDs of `count` samples of the shipped G, whose BatchNorm statistics the EMA copied from
    the raw G, and of the same noise through that G with standing statistics of its own
    (`gan.standing_statistics`), against the 10k real subset, one per noise seed of
    STANDING_SEEDS; computed once (about 7 min on two cores)."""
    manifest_entry(config)

    def compute():
        from genmodels.gan import standing_statistics

        shipped = gan(config)["generator"]
        standing = standing_statistics(shipped, config.latent_dim, STANDING_BATCHES, STANDING_BATCH_SIZE)
        return {
            "copied": [_sample_fid(config, count, seed, shipped) for seed in STANDING_SEEDS],
            "standing": [_sample_fid(config, count, seed, standing) for seed in STANDING_SEEDS],
            "seeds": list(STANDING_SEEDS),
            "samples": count,
            "noise_vectors": STANDING_BATCHES * STANDING_BATCH_SIZE,
        }

    return cached_metric(config, f"fid_{count}_standing_bn", compute)


EMA_PAIR_SEEDS = (1, 2, 3)  # noise seeds of the paired comparison; 1 is the ablation table's
# The ablation runs were trained on one thread (`TORCH_THREADS=1`) on another machine; the rerun
# uses two, so its floating-point sums differ and it follows its own trajectory: a second run.
# (On one thread here it does not repeat the table's runs either.)
EMA_RERUN_THREADS = 2


def ema_paired_fid(seeds: tuple[int, ...] = EMA_PAIR_SEEDS) -> dict:
    """The ablation's EMA effect in a second run, on several noise sets, computed once (about
    17 min on two cores).

    EMA only reads G, so the EMA run trains the baseline's G step for step (same seed, same
    batches; `test_ema_leaves_the_training_run_unchanged`): the two ablation rows are the last
    iterate and the average of one run, and their difference is EMA's alone. Both runs are
    trained again on EMA_RERUN_THREADS threads in a scratch folder (their entries are
    metrics-only) and sampled with each seed; {"baseline": [FID per seed], "ema": [...],
    "seeds": [...]} (FID on 2,000 samples)."""
    import tempfile
    from pathlib import Path

    manifest_entry(runs.ABLATION_EMA)

    def compute():
        fids, threads = {}, torch.get_num_threads()
        torch.set_num_threads(EMA_RERUN_THREADS)
        try:
            with tempfile.TemporaryDirectory() as scratch:
                for key, config in (("baseline", runs.ABLATION_BASELINE), ("ema", runs.ABLATION_EMA)):
                    generator = load_or_train(
                        config,
                        progress=False,
                        weights_dir=Path(scratch),
                        checkpoint_dir=Path(scratch) / "checkpoints",
                    )["generator"]
                    fids[key] = [_sample_fid(config, ABLATION_SAMPLES, seed, generator) for seed in seeds]
        finally:
            torch.set_num_threads(threads)
        return {**fids, "seeds": list(seeds), "samples": ABLATION_SAMPLES}

    return cached_metric(runs.ABLATION_EMA, "fid_2000_paired", compute)


def ablation_threads() -> int:
    """The CPU threads the ablation table's runs were trained on (from the manifest)."""
    return manifest_entry(runs.ABLATION_EMA)["hardware"]["torch_threads"]


def _threads(count: int) -> str:
    return f"{count} thread" + ("s" if count > 1 else "")


def ema_pair_table() -> pd.DataFrame:
    """The paired EMA comparison: FID (2,000 samples) of the last iterate and of the average of G in
    the ablation table's run (its one noise set) and in the rerun (every noise set)."""
    rerun = ema_paired_fid()
    table_run = {"baseline": [ablation_fid(runs.ABLATION_BASELINE)], "ema": [ablation_fid(runs.ABLATION_EMA)]}
    rows = []
    for run, values in (
        (f"ablation table ({_threads(ablation_threads())})", table_run),
        (f"rerun ({_threads(EMA_RERUN_THREADS)})", rerun),
    ):
        for key, generator in (("baseline", "last iterate"), ("ema", "EMA average")):
            rows.append(
                {
                    "run": run,
                    "G": generator,
                    **{f"noise seed {seed}": fid for seed, fid in zip(EMA_PAIR_SEEDS, values[key])},
                }
            )
    return pd.DataFrame(rows)


def architecture_table(config=runs.FINAL_GAN) -> pd.DataFrame:
    """Each block of G and D: output shape and parameter count (from a forward pass)."""
    generator, discriminator = build_gan(config)
    rows = []
    for name, network, x in (
        ("G", generator, torch.zeros(2, config.latent_dim, 1, 1)),
        ("D", discriminator, torch.zeros(2, 3, 32, 32)),
    ):
        network.eval()
        rows.append(
            {
                "network": name,
                "block": "input",
                "layers": "",
                "output shape": str(tuple(x.shape[1:])),
                "parameters": 0,
            }
        )
        with torch.no_grad():
            for index, block in enumerate(network.net):
                x = block(x)
                layers = ", ".join(
                    type(m).__name__.replace("Parametrized", "")
                    + (" (spectral norm)" if "Parametrized" in type(m).__name__ else "")
                    for m in (block if isinstance(block, torch.nn.Sequential) else [block])
                )
                rows.append(
                    {
                        "network": name,
                        "block": str(index),
                        "layers": layers,
                        "output shape": str(tuple(x.shape[1:])),
                        "parameters": count_parameters(block),
                    }
                )
        rows.append(
            {
                "network": name,
                "block": "total",
                "layers": "",
                "output shape": "",
                "parameters": count_parameters(network),
            }
        )
    return pd.DataFrame(rows)


def snapshot_motion(config=runs.FINAL_GAN, vectors: int | None = None) -> dict:
    """How much the stored fixed-noise samples (the first `vectors`, default all) change over each
    training stage: the median over the vectors of the L2 distance ([0, 1] pixels) between a
    vector's image before the stage and after its last epoch; for scale, the median distance
    between two different vectors' images at the end. A stage is measured from the end of the one
    before (from epoch 1 for the first), so it includes its restart."""
    snapshots = gan(config).extras["snapshots"][:, :vectors]  # (epochs, vectors, 3, 32, 32), uint8
    snapshots = snapshots.float().flatten(2) / 255
    ends = [stage.total_epochs for stage, _ in training_stages(config)]
    starts = [1] + ends[:-1]
    return {
        "stages": [
            (first, last, float((snapshots[last - 1] - snapshots[first - 1]).norm(dim=1).median()))
            for first, last in zip(starts, ends)
        ],
        "spread_last": sample_diversity(snapshots[-1])["median"],
        "vectors": snapshots.shape[1],
    }


def snapshot_grid(config=runs.FINAL_GAN, epochs=None, per_epoch: int = 10) -> dict:
    """Fixed-noise samples from the snapshots taken after selected epochs."""
    snapshots = gan(config).extras["snapshots"]
    total = len(snapshots)
    stage_ends = [stage.total_epochs for stage, _ in training_stages(config)]  # first stage first
    notes = (
        {end: f" (end of stage {i + 1})" for i, end in enumerate(stage_ends)} if len(stage_ends) > 1 else {}
    )
    epochs = epochs or sorted({1, 2, max(1, total // 8), max(1, total // 4), *notes, total})
    return {f"after epoch {e}" + notes.get(e, ""): snapshots[e - 1, :per_epoch].float() / 255 for e in epochs}


GAN_RUNS = (
    runs.GAN_STAGE1,
    runs.GAN_STAGE2,
    runs.GAN_LONG,
    runs.GAN_RESTART,
    runs.DCGAN_CNN_CONTROL,
    runs.SNGAN_STAGE1,
    runs.SNGAN_STAGE2,
    runs.SNGAN_STAGE3,
    runs.SNGAN_STAGE4,
    runs.FINAL_GAN,
)


def gan_runs_table(run_configs=GAN_RUNS, trends: dict[str, dict] | None = None) -> pd.DataFrame:
    """The long GAN runs side by side: schedule, length, training time and 10k-sample quality; given
    `trends` ({run name: its `stage_trends` row}, as `stage_trends_by_run` gives them), how the row's
    stage moved D's and G's loss and the gap between D's outputs on real and fake batches from its first
    to its second half, and how far D's loss jumped at its start ("–" where a row has no such value)."""
    rows = []
    for config in run_configs:
        evaluation = gan_evaluation(config)
        row = {
            "run": config.name,
            "model": prose.model_description(config),
            "this stage's learning rate": prose.stage_schedule(config),
            "epochs": config.total_epochs,
            "hours": prose.training_hours_text(training_hours(config)),
            "FID": f"{evaluation['fid']:.2f}",
            "KID×1000": f"{1000 * evaluation['kid']:.1f}",
            "recall": f"{evaluation['recall']:.2f}",
            "coverage": f"{evaluation['coverage']:.2f}",
        }
        if trends is not None:
            trend = trends.get(config.name, {})
            halves = {"ΔD": "d_loss", "ΔG": "g_loss", "Δgap": "gap"}
            for column, name in halves.items():
                row[column] = prose.signed(trend[f"{name}_last"] - trend[f"{name}_first"]) if trend else "–"
            row["jump"] = prose.signed(trend["d_loss_jump"]) if "d_loss_jump" in trend else "–"
        rows.append(row)
    return pd.DataFrame(rows)


def stage_trends_by_run(config) -> dict[str, dict]:
    """`stage_trends` of every training stage of `config` (each stage's halves, their output gaps and D's
    jump at its start), read from the iteration log its weights carry, keyed by the name of the stage's
    run."""
    log = gan(config).extras["iteration_log"].numpy()
    per_epoch = len(log) // config.total_epochs
    stages = training_stages(config)
    rows = stage_trends(
        log, [stage.epochs * per_epoch for stage, _ in stages], iterations_per_epoch=per_epoch
    )
    return {stage.name: row for (stage, _), row in zip(stages, rows)}


def held_out_table(held_out: dict, reading: dict) -> pd.DataFrame:
    """The shipped D on the images of `held_out_discriminator` (the training subset it has seen, the
    test images and fresh samples it has not) and its calibrated reading (`held_out_bce_reading`,
    held-out images only), beside what the equilibrium p_G = p_data fixes for every D: the same
    distribution of scores on real and generated images, so hinge terms that sum to at least 2 (2 for
    scores in [-1, 1]), equal mean sigma(D), shares on the right side of 0 that sum to 100%, and a
    calibrated probability of 1/2. Cells are text, as printed."""
    sets = ("train", "test", "fake")
    rows = [
        ("D's hinge term", *(f"{held_out[f'{s}_hinge']:.3f}" for s in sets), "test + samples ≥ 2"),
        ("mean σ(D)", *(f"{held_out[f'{s}_sigma']:.2f}" for s in sets), "test = samples"),
        (
            "on the correct side of 0",
            *(f"{held_out[f'{s}_right']:.1%}" for s in sets),
            "test + samples = 100%",
        ),
        ("σ(aD + b), other half", None, f"{reading['real_d']:.2f}", f"{reading['fake_d']:.2f}", "1/2 each"),
    ]
    return pd.DataFrame(rows, columns=["", "training subset", "test images", "samples", "at the equilibrium"])


def late_training_means(config, fraction: float = 0.25) -> dict:
    """Mean D loss, G loss, D(x) and D(G(z)) over the last `fraction` of all epochs (all stages)."""
    epochs = manifest_entry(config)["history"]["epochs"]
    last = epochs[-max(1, round(len(epochs) * fraction)) :]
    return {k: sum(e[k] for e in last) / len(last) for k in ("d_loss", "g_loss", "d_real", "d_fake")}


def nearest_training_images(queries: torch.Tensor, k: int = 5) -> torch.Tensor:
    """For generated images in [-1, 1], the k nearest CIFAR-10 training images in pixel space."""
    from genmodels import metrics

    train = data.to_minus_one_one(cifar_train()[0])
    _, index = metrics.nearest_neighbours(queries.flatten(1), train.flatten(1), k=k)
    return data.gan_output_to_image(train[torch.as_tensor(index)])


def gan_quality_table(evaluation: dict) -> pd.DataFrame:
    rows = [
        ("FID (10k generated vs 10k train)", evaluation["fid"]),
        ("FID floor (10k train vs 10k test, real images)", evaluation["fid_train_vs_test"]),
        ("KID × 1000 (mean over 100 subsets of 1000)", 1000 * evaluation["kid"]),
        ("classifier score (linear probe, max 10)", evaluation["classifier_score"]),
        ("class entropy [nats] (uniform: log 10 = 2.303)", evaluation["label_entropy_nats"]),
        ("precision", evaluation["precision"]),
        ("recall", evaluation["recall"]),
        ("density", evaluation["density"]),
        ("coverage", evaluation["coverage"]),
    ]
    return pd.DataFrame(rows, columns=["metric", "value"])


def sample_diversity(images: torch.Tensor) -> dict:
    """Smallest and median pairwise L2 distance between images (duplicates would give ~0)."""
    flat = images.flatten(1)
    distances = torch.cdist(flat, flat)
    upper = distances[torch.triu(torch.ones_like(distances, dtype=torch.bool), diagonal=1)]
    return {"min": float(upper.min()), "median": float(upper.median())}


def training_throughput(config, steps: int = 20, warmup_steps: int = 5) -> float:
    """Training images/second of `config` on one CPU thread: D and G steps (and the EMA
    update), on a synthetic batch so data loading and other processes do not count."""
    generator, discriminator = build_gan(config)
    betas = (config.adam_beta1, config.adam_beta2)
    optimisers = [
        torch.optim.Adam(generator.parameters(), config.learning_rate_generator, betas=betas),
        torch.optim.Adam(discriminator.parameters(), config.learning_rate_discriminator, betas=betas),
    ]
    ema = EMA(generator, config.ema_decay) if config.ema_decay > 0 else None
    real = torch.rand(config.batch_size, 3, 32, 32) * 2 - 1
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for step in range(warmup_steps + steps):
            if step == warmup_steps:
                began = time.perf_counter()
            noise = torch.randn(config.batch_size, config.latent_dim, 1, 1)
            gan_train_step(generator, discriminator, *optimisers, real, noise, config)
            if ema is not None:
                ema.update(generator, step)
    finally:
        torch.set_num_threads(threads)
    return steps * config.batch_size / (time.perf_counter() - began)


ABLATION_SAMPLES = 2_000
ABLATION_FID_COLUMN = f"FID ({ABLATION_SAMPLES:,} samples)"


def ablation_table() -> pd.DataFrame:
    """Each ablation run: FID on 2,000 samples against the 10k real subset, and images/s."""
    rows = []
    for label, config in runs.GAN_ABLATION.items():
        rows.append(
            {
                "run": label,
                "epochs": manifest_entry(config)["epochs"],
                "images/s (1 thread)": ablation_throughput(config),
                ABLATION_FID_COLUMN: ablation_fid(config),
            }
        )
    return pd.DataFrame(rows)


def ablation_throughput(config) -> float:
    """Training images/s of `config` on one thread (`training_throughput`), measured once."""
    manifest_entry(config)
    return cached_metric(config, "throughput_images_per_second_1_thread", lambda: training_throughput(config))


def ablation_fid(config) -> float:
    """FID of ABLATION_SAMPLES samples against the 10k real subset, computed once."""

    manifest_entry(config)
    return cached_metric(config, f"fid_{ABLATION_SAMPLES}", lambda: _sample_fid(config, ABLATION_SAMPLES, 1))


def ablation_seed_fids() -> dict[int, float]:
    """{seed: the two-epoch baseline's FID (`ablation_fid`)}, the ablation table's run first."""
    return {c.seed: ablation_fid(c) for c in (runs.ABLATION_BASELINE, *runs.ABLATION_BASELINE_REPEATS)}


def ablation_repeats() -> list[list[float]]:
    """The repeated two-epoch runs of one setting, as FIDs on the table's noise set: the baseline from
    each seed then again from seed 0 on another thread count, and the EMA run and its rerun there
    (`ema_paired_fid`)."""
    rerun, first = ema_paired_fid(), EMA_PAIR_SEEDS.index(1)  # noise seed 1 samples the table's runs
    return [
        [*ablation_seed_fids().values(), rerun["baseline"][first]],
        [ablation_fid(runs.ABLATION_EMA), rerun["ema"][first]],
    ]


def ablation_noise(rows: int = 1) -> dict:
    """The screen's noise floor: the repeated runs' pooled standard deviation and the difference of two
    single two-epoch runs it resolves (`prose.mean_difference_threshold`), at 5% over `rows` tests
    (Bonferroni)."""
    return prose.mean_difference_threshold(ablation_repeats(), 0.05 / rows, runs_per_mean=1)


# The leave-one-out runs (runs.LEAVE_ONE_OUT) start from the final model's FID of about 24, where
# 5,000 samples resolve differences that 2,000 would blur.
LEAVE_ONE_OUT_SAMPLES = 5_000


def leave_one_out_fid(config) -> float:
    """FID of LEAVE_ONE_OUT_SAMPLES samples (noise seed 1) of `config`'s shipped generator against
    the 10k real subset, computed once; `config` is a leave-one-out run or the final model, where
    they start."""
    manifest_entry(config)
    return cached_metric(
        config, f"fid_{LEAVE_ONE_OUT_SAMPLES}", lambda: _sample_fid(config, LEAVE_ONE_OUT_SAMPLES, 1)
    )


def leave_one_out_fids() -> dict[str, list[float]]:
    """{change label: FID of each seed's run} for runs.LEAVE_ONE_OUT, the control first."""
    return {label: [leave_one_out_fid(c) for c in configs] for label, configs in runs.LEAVE_ONE_OUT.items()}


def leave_one_out_table(fids: dict[str, list[float]], start: float) -> pd.DataFrame:
    """The leave-one-out runs: FID of each seed, the change of their mean against the control's
    (the first row), and D's separation of real from fake images in the run's epoch,
    mean σ(D(x)) − σ(D(G(z))) over the seeds; `start` is the final model's FID, where all begin."""
    changes = prose.leave_one_out_test(fids)["changes"]  # every run but the control
    rows = [{"run": "final model (start)", "FID": f"{start:.2f}", "change": "", "σ(D(x)) − σ(D(G(z)))": ""}]
    for label, values in fids.items():
        last_epochs = [manifest_entry(c)["history"]["epochs"][-1] for c in runs.LEAVE_ONE_OUT[label]]
        rows.append(
            {
                "run": label,
                "FID": " / ".join(f"{v:.2f}" for v in values),
                "change": prose.signed(changes[label]) if label in changes else "",
                "σ(D(x)) − σ(D(G(z)))": f"{np.mean([e['d_real'] - e['d_fake'] for e in last_epochs]):.2f}",
            }
        )
    return pd.DataFrame(rows)


def loss_and_norm_label(config) -> str:
    """A run's loss and D's normalisation in the words of `cnn_pair_table`, e.g. "BCE, spectral"."""
    loss = "hinge" if config.loss == "hinge" else "BCE"
    return f"{loss}, {'spectral' if config.spectral_norm else 'BatchNorm'}"


def cnn_pair_table(evaluations: dict, class_names) -> pd.DataFrame:
    """From-scratch runs side by side (`evaluations`: {config: its `gan_evaluation`}): CNN, loss,
    D's normalisation (and minibatch standard-deviation channel), seed, where it trained and D's mean
    loss in its last epoch (both from the manifest), 10k-sample FID, precision and recall, and the
    probe's rarest and commonest class (`class_names`) with their shares, one row per run."""
    rows = []
    for config, evaluation in evaluations.items():
        entry = manifest_entry(config)
        rows.append(
            {
                "CNN": "SNGAN" if config.architecture == "sngan" else "DCGAN",
                "loss": "hinge" if config.loss == "hinge" else "BCE",
                "D's norm": ("spectral" if config.spectral_norm else "BatchNorm")
                + (" + std" if config.minibatch_std else ""),  # 2.3's remedy
                "seed": config.seed,
                "on": device_name(entry),
                "D loss": entry["history"]["epochs"][-1]["d_loss"],
                "FID": evaluation["fid"],
                **{key: evaluation[key] for key in ("precision", "recall")},
                "probe's rarest, commonest class": class_extremes(evaluation["class_counts"], class_names),
            }
        )
    return pd.DataFrame(rows)


def class_extremes(counts, class_names) -> str:
    """The probe's rarest and commonest class with their shares, as the prose writes them
    ("automobile 0.5%, deer 32%")."""
    shares = np.asarray(counts, dtype=float) / np.sum(counts)
    low, high = int(shares.argmin()), int(shares.argmax())
    share = prose.share_text
    return f"{class_names[low]} {share(shares[low])}, {class_names[high]} {share(shares[high])}"


LOG_COLUMNS = ("d_loss", "g_loss", "d_real", "d_fake")
# D's loss jumps at a stage's start: its mean over this many iterations after and before.
JUMP_ITERATIONS = 200


def stage_trends(
    iteration_log: np.ndarray,
    stage_iterations: list[int],
    share: float = 0.5,
    iterations_per_epoch: int | None = None,
) -> list[dict]:
    """Per training stage, the mean of each logged column over its first and last `share` of
    iterations (and `prose.output_gaps` of them), the jump of the D loss at the stage's start (last
    `JUMP_ITERATIONS` iterations of the stage before against the first of this one) and, given
    `iterations_per_epoch`, the highest per-epoch mean of G's loss and its epoch (counted from the
    start of training)."""
    trends, start = [], 0
    for index, length in enumerate(stage_iterations):
        stage = iteration_log[start : start + length]
        edge = max(1, int(len(stage) * share))
        row = {"stage": index + 1, "iterations": length}
        for column, name in enumerate(LOG_COLUMNS):
            row[f"{name}_first"] = float(stage[:edge, column].mean())
            row[f"{name}_last"] = float(stage[-edge:, column].mean())
        row.update(prose.output_gaps(row))
        if iterations_per_epoch:
            epochs = len(stage) // iterations_per_epoch
            means = stage[: epochs * iterations_per_epoch, 1].reshape(epochs, iterations_per_epoch).mean(1)
            row["g_peak"] = float(means.max())
            row["g_peak_epoch"] = start // iterations_per_epoch + int(means.argmax()) + 1
        if index > 0:
            before = iteration_log[max(0, start - JUMP_ITERATIONS) : start, 0].mean()
            row["d_loss_jump"] = float(iteration_log[start : start + JUMP_ITERATIONS, 0].mean() - before)
        trends.append(row)
        start += length
    return trends


@torch.no_grad()
def generator_agreement(
    exported: torch.nn.Module, generator: torch.nn.Module, latent_dim: int, count: int = 100, seed: int = 0
) -> float:
    """Largest absolute difference between the exported file's and the in-memory generator's
    images for the same noise (drawn after torch.manual_seed(seed))."""
    torch.manual_seed(seed)
    noise = torch.randn(count, latent_dim, 1, 1)
    return float((exported(noise) - generator.eval()(noise)).abs().max())
