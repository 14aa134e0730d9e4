"""Benchmarks (`make bench`): render times, training speed and the cached models' quality.

Prints, does not assert: timings belong here, not in tests.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import torch

from genmodels import runs
from genmodels.paths import PROJECT_ROOT
from genmodels.reporting import manifest_entry


def render_times() -> dict:
    """Cold render (every cell executed) and re-render after a prose-only edit, on a copy."""
    import qmdrender

    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        shutil.copy(PROJECT_ROOT / "_quarto.yml", project)
        shutil.copytree(PROJECT_ROOT / "report", project / "report", ignore=shutil.ignore_patterns("*.ipynb"))
        began = time.perf_counter()
        qmdrender.render(project, use_cache=False, quiet=True)
        cold = time.perf_counter() - began
        part = project / "report" / "_part1.qmd"
        text = part.read_text()
        heading = "{#sec-vae-model}\n"
        assert heading in text, "the prose edit needs the 1.1a heading"
        part.write_text(text.replace(heading, heading + "\nAn added sentence.\n", 1))
        began = time.perf_counter()
        qmdrender.render(project, quiet=True)
        prose = time.perf_counter() - began
    return {"cold render [s]": cold, "prose-edit re-render [s]": prose}


def training_speed() -> dict:
    vae = manifest_entry(runs.FINAL_VAE)
    gan = manifest_entry(runs.FINAL_GAN)
    return {
        "conv VAE [s/epoch]": vae["seconds_per_epoch"],
        "MLP VAE [s/epoch]": manifest_entry(runs.MLP_VAE)["seconds_per_epoch"],
        "GAN training [images/s, recorded]": gan["images_per_second"],
        **{
            f"GAN {k} [images/s, 1 thread]": v
            for k, v in gan["metrics"].get("throughput_images_per_second", {}).items()
        },
        **{
            f"{config.name} [images/s, 1 thread]": manifest_entry(config)["metrics"].get(
                "throughput_images_per_second_1_thread", float("nan")
            )
            for config in runs.GAN_ABLATION.values()
        },
    }


# What the stored metrics cost when they were computed (2 CPU cores), measured once: bench
# does not recompute them, as the manifest and .cache/ keep the results.
ONE_OFF_COSTS = {
    "test NLL, K = 500, full test set (stored in the manifest) [min]": 21.0,
    "10k samples: FID/KID/PRDC/classes, two threads (stored in the manifest) [min]": 8.2,
    "real Inception statistics, 10k train + 10k test, one thread (.cache/) [min]": 29.0,
    "copy check: Inception features of all 50k training images and 10k samples (manifest) [min]": 58.7,
    "EMA pair rerun: two 2-epoch runs and six 2k-sample FIDs (manifest) [min]": 18.0,
    "FID of a second 10k sample set (manifest) [min]": 10.0,
    "held-out D: 10k samples, 10k test and 10k train images through the final D (manifest) [min]": 0.8,
}


def one_off_costs() -> dict:
    return dict(ONE_OFF_COSTS)


def training_times() -> dict:
    """Every shipped run's recorded training time, minutes per epoch and device, from the manifest
    (the machine each stage ran on; speeds differ between sessions of the same machine)."""
    times = {}
    for config in runs.target_configs("all"):
        entry = manifest_entry(config)
        device = entry.get("device") or entry["hardware"].get("cuda") or "cpu"
        times[f"{config.name} ({entry['epochs']} epochs, {device}) [min]"] = entry["train_seconds"] / 60
        times[f"{config.name} [s/epoch]"] = entry["train_seconds"] / entry["epochs"]
    return times


def quality() -> dict:
    from genmodels import gan_results, vae_results

    evaluation = gan_results.gan_evaluation()
    return {
        "VAE test NLL (IS, K=500) [nats]": vae_results.test_nll_nats(),
        "VAE test -ELBO [nats]": sum(
            manifest_entry(runs.FINAL_VAE)["final"][f"test_{term}"] for term in ("reconstruction", "kl")
        ),
        "GAN FID (10k)": evaluation["fid"],
        "GAN KID x 1000": 1000 * evaluation["kid"],
        "GAN precision": evaluation["precision"],
        "GAN recall": evaluation["recall"],
        "GAN class entropy [nats]": evaluation["label_entropy_nats"],
        "FID floor train vs test": evaluation["fid_train_vs_test"],
    }


def main() -> None:
    torch.set_num_threads(2)
    for name, measure in (
        ("model quality", quality),
        ("training speed", training_speed),
        ("training time, recorded", training_times),
        ("stored metrics, measured once", one_off_costs),
        ("rendering", render_times),
    ):
        print(f"== {name}")
        for key, value in measure().items():
            print(f"{key:72s} {value:10.2f}")


if __name__ == "__main__":
    main()
