"""Part 2 computations added for the model answer: how the loss curves move within and
between training stages, and the marker's check of the exported generator."""
from __future__ import annotations

import numpy as np
import torch

LOG_COLUMNS = ("d_loss", "g_loss", "d_real", "d_fake")


def stage_trends(iteration_log: np.ndarray, stage_iterations: list[int], share: float = 0.5,
                 iterations_per_epoch: int | None = None) -> list[dict]:
    """Per training stage, the mean of each logged column over its first and last `share` of
    iterations, the jump of the D loss at the stage's start (last 200 iterations of the stage
    before against the first 200 of this one) and, given `iterations_per_epoch`, the highest
    per-epoch mean of G's loss and its epoch (counted from the start of training)."""
    trends, start = [], 0
    for index, length in enumerate(stage_iterations):
        stage = iteration_log[start:start + length]
        edge = max(1, int(len(stage) * share))
        row = {"stage": index + 1, "iterations": length}
        for column, name in enumerate(LOG_COLUMNS):
            row[f"{name}_first"] = float(stage[:edge, column].mean())
            row[f"{name}_last"] = float(stage[-edge:, column].mean())
        if iterations_per_epoch:
            epochs = len(stage) // iterations_per_epoch
            means = stage[:epochs * iterations_per_epoch, 1].reshape(epochs, iterations_per_epoch).mean(1)
            row["g_peak"] = float(means.max())
            row["g_peak_epoch"] = start // iterations_per_epoch + int(means.argmax()) + 1
        if index > 0:
            before = iteration_log[max(0, start - 200):start, 0].mean()
            row["d_loss_jump"] = float(iteration_log[start:start + 200, 0].mean() - before)
        trends.append(row)
        start += length
    return trends


@torch.no_grad()
def generator_agreement(exported: torch.nn.Module, generator: torch.nn.Module, latent_dim: int,
                        count: int = 100, seed: int = 0) -> float:
    """Largest absolute difference between the exported file's and the in-memory generator's
    images for the same noise (drawn after torch.manual_seed(seed))."""
    torch.manual_seed(seed)
    noise = torch.randn(count, latent_dim, 1, 1)
    return float((exported(noise) - generator.eval()(noise)).abs().max())
