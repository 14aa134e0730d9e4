"""`python -m genmodels prune`: keep in `weights/` only the modules the report uses.

Every named run outside `runs.SHIPPED` becomes a metrics-only manifest entry: first the
metrics the report reads from its modules are computed and stored (bound to its config hash),
then its weight file is deleted. Run it after training an ablation run or an intermediate stage
again; the shipped tree is pruned already.
"""

from __future__ import annotations

import sys
from pathlib import Path

from genmodels import gan_results, runs, vae_results, weights
from genmodels.config import GANConfig, VAEConfig
from genmodels.errors import UserError

ABLATION_RUNS = tuple(runs.GAN_ABLATION.values())


def store_report_metrics(config) -> None:
    """Compute (once) and store every metric the report reads from `config`'s modules."""
    if isinstance(config, VAEConfig):
        vae_results.latent_summary(config)
        if config in (*vae_results.NLL_RUNS, runs.MLP_SEED_VAE):
            vae_results.test_nll_nats(config)
    elif config in ABLATION_RUNS:
        gan_results.ablation_fid(config)
        gan_results.ablation_throughput(config)
        if config == runs.ABLATION_EMA:  # its rerun beside the baseline, which trains both again
            gan_results.ema_paired_fid()
    elif config in runs.ABLATION_BASELINE_REPEATS:  # only their FID: it enters the screen's noise floor
        gan_results.ablation_fid(config)
    elif config in runs.LEAVE_ONE_OUT_RUNS:
        gan_results.leave_one_out_fid(config)
    elif isinstance(config, GANConfig):
        gan_results.gan_evaluation(config)
        if config in runs.CNN_SAMPLES_STORED:  # Appendix H shows their samples
            gan_results.stored_samples(config)
    else:
        raise ValueError(f"{config.name}: no report metrics are known for a {type(config).__name__}")


def prunable(shipped=runs.SHIPPED) -> list:
    """The named runs whose modules are not shipped, in training order."""
    return [config for config in runs.target_configs("all") if config not in shipped]


def prune(configs=None, weights_dir: Path = weights.WEIGHTS_DIR) -> list[str]:
    """Make each of `configs` (default: every run outside `runs.SHIPPED`) metrics-only, after
    storing its report metrics; returns the names whose files were deleted."""
    dropped = []
    for config in prunable() if configs is None else configs:
        entry = weights.load_entry(config, weights_dir)
        if entry is None or weights.is_metrics_only(entry):
            continue  # never trained (the report will train it) or already pruned
        store_report_metrics(config)
        if weights.drop_modules(config, weights_dir):
            dropped.append(config.name)
    return dropped


def main() -> None:
    try:
        dropped = prune()
    except UserError as error:
        sys.exit(f"error: {error}")
    for name in dropped:
        print(f"[prune] {name}: metrics kept in weights/manifest.json, weight file deleted")
    if not dropped:
        print("[prune] nothing to prune: every run outside runs.SHIPPED is metrics-only already")
