"""Benchmarks (`make bench`): render times, training speed and the cached models' quality.

Prints, does not assert: timings belong here, not in tests.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import torch

from genmodels import PROJECT_ROOT
from genmodels import config as configs


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
    from genmodels.results import manifest_entry
    vae = manifest_entry(configs.FINAL_VAE)
    gan = manifest_entry(configs.FINAL_GAN)
    return {"conv VAE [s/epoch]": vae["seconds_per_epoch"],
            "MLP VAE [s/epoch]": manifest_entry(configs.MLP_VAE)["seconds_per_epoch"],
            "GAN training [images/s, recorded]": gan["images_per_second"],
            **{f"GAN {k} [images/s, 1 thread]": v for k, v in gan["metrics"].get("throughput_images_per_second", {}).items()},
            **{f"{config.name} [images/s, 1 thread]":
               manifest_entry(config)["metrics"].get("throughput_images_per_second_1_thread", float("nan"))
               for config in configs.GAN_ABLATION.values()}}


def quality() -> dict:
    from genmodels import results
    evaluation = results.gan_evaluation()
    return {"VAE test NLL (IS, K=500) [nats]": results.test_nll_nats(),
            "VAE test -ELBO [nats]": sum(results.manifest_entry(configs.FINAL_VAE)["final"][f"test_{term}"]
                                         for term in ("reconstruction", "kl")),
            "GAN FID (10k)": evaluation["fid"], "GAN KID x 1000": 1000 * evaluation["kid"],
            "GAN precision": evaluation["precision"], "GAN recall": evaluation["recall"],
            "GAN class entropy [nats]": evaluation["label_entropy_nats"],
            "FID floor train vs test": evaluation["fid_train_vs_test"]}


def main() -> None:
    torch.set_num_threads(2)
    for name, measure in (("model quality", quality), ("training speed", training_speed), ("rendering", render_times)):
        print(f"== {name}")
        for key, value in measure().items():
            print(f"{key:45s} {value:10.2f}")


if __name__ == "__main__":
    main()
