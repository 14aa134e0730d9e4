"""Checkpoints and the shared epoch loop: every training run is resumable after any epoch.

Every random draw of epoch e comes from generators seeded with (seed, e), and each epoch
ends with a checkpoint in `checkpoints/`, so a run interrupted after epoch e and resumed
produces the same weights as one that was never interrupted.
"""

from __future__ import annotations

import time
from pathlib import Path

import torch

from genmodels.paths import atomic_write, read_cache, torch_bytes


def _checkpoint_path(config, checkpoint_dir: Path) -> Path:
    return Path(checkpoint_dir) / f"{config.checkpoint_key}.pt"


def _load_checkpoint(config, checkpoint_dir: Path, fresh: bool):
    """The last checkpoint of `config`; an unreadable one is a miss (with a warning): training
    then starts again from epoch 0, which gives the same weights, only later."""
    path = _checkpoint_path(config, checkpoint_dir)
    if fresh:
        return None
    checkpoint = read_cache(
        path,
        lambda p: torch.load(p, map_location="cpu", weights_only=True),
        lambda c: isinstance(c["epoch"], int) and isinstance(c["state"], dict),
    )
    if checkpoint is not None:
        print(f"[train] {config.name}: resuming after epoch {checkpoint['epoch']} from {path}")
    return checkpoint


def save_checkpoint(config, checkpoint_dir: Path, checkpoint: dict) -> None:
    atomic_write(_checkpoint_path(config, checkpoint_dir), torch_bytes(checkpoint))


def _epoch_generator(seed: int, epoch: int) -> torch.Generator:
    torch.manual_seed(seed * 1000 + epoch)  # dropout and reparameterisation noise
    return torch.Generator().manual_seed(seed * 1000 + epoch)


def run_epochs(
    config, checkpoint_dir, fresh, max_epochs, state: dict, run_epoch, first_epoch: int = 0
) -> tuple[dict, float]:
    """Shared loop: resume, run epochs, checkpoint; `state` holds modules/optimizers/history.

    `first_epoch` counts the epochs of earlier stages, so a later stage draws new batches."""
    checkpoint = _load_checkpoint(config, checkpoint_dir, fresh)
    start_epoch, seconds = 0, 0.0
    if checkpoint is not None:
        for key, value in checkpoint["state"].items():
            if hasattr(state[key], "load_state_dict"):
                state[key].load_state_dict(value)
            else:
                state[key] = value
        start_epoch, seconds = checkpoint["epoch"], checkpoint["seconds"]
    last_epoch = config.epochs if max_epochs is None else min(config.epochs, start_epoch + max_epochs)
    for epoch in range(start_epoch, last_epoch):
        began = time.time()
        run_epoch(epoch, _epoch_generator(config.seed, first_epoch + epoch))
        seconds += time.time() - began
        saved = {k: v.state_dict() if hasattr(v, "state_dict") else v for k, v in state.items()}
        save_checkpoint(config, checkpoint_dir, {"epoch": epoch + 1, "seconds": seconds, "state": saved})
    if last_epoch < config.epochs:
        raise KeyboardInterrupt(f"{config.name}: stopped after epoch {last_epoch} of {config.epochs}")
    return state, seconds
