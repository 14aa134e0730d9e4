"""The weight cache: trained weights in `weights/`, described by `weights/manifest.json`.

`load_or_train(config)` returns trained modules. It loads `weights/<name>.pt` when the
manifest entry for `<name>` was trained from a config with the same hash and the file's
sha256 matches the manifest; it trains (resuming from `checkpoints/`) when there is no
entry or the config changed; and it raises `WeightsError` when the file is missing or its
bytes differ from what the manifest recorded, rather than using it silently.
Weights are stored in fp16 (halving the repository's size; the report's numbers are
computed from the fp16-rounded weights, the same ones that ship).
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

from genmodels import PROJECT_ROOT

WEIGHTS_DIR = PROJECT_ROOT / "weights"
CHECKPOINT_DIR = PROJECT_ROOT / "checkpoints"
_RETRAINED: set[tuple[str, str]] = set()  # (weights dir, config hash) trained in this process


class WeightsError(RuntimeError):
    pass


@dataclass
class TrainedModel:
    """Trained modules (in eval mode) with their manifest entry and extra tensors."""

    config: object
    modules: dict
    entry: dict
    extras: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> torch.nn.Module:
        return self.modules[name]


# --- files -------------------------------------------------------------------------------------

def manifest_path(weights_dir: Path = WEIGHTS_DIR) -> Path:
    return weights_dir / "manifest.json"


def load_manifest(weights_dir: Path = WEIGHTS_DIR) -> dict:
    path = manifest_path(weights_dir)
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise WeightsError(f"{path} is not valid JSON ({error}); restore it with git checkout") from None


def _atomic_write_bytes(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    write(temporary)
    os.replace(temporary, path)


@contextlib.contextmanager
def _manifest_lock(weights_dir: Path):
    """Serialise read-modify-write of the manifest between processes (a training run and a render)."""
    weights_dir.mkdir(parents=True, exist_ok=True)
    with open(weights_dir / ".manifest.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _save_manifest(manifest: dict, weights_dir: Path) -> None:
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    _atomic_write_bytes(manifest_path(weights_dir), lambda p: p.write_text(text))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def hardware() -> dict:
    """What the weights were trained on, for the provenance appendix."""
    return {"machine": platform.machine(), "processor": platform.processor() or "unknown",
            "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(),
            "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
            "torch": torch.__version__}


def _half(state: dict) -> dict:
    return {k: v.half() if v.is_floating_point() else v for k, v in state.items()}


def save_trained(config, modules: dict, extras: dict, record: dict,
                 weights_dir: Path = WEIGHTS_DIR) -> dict:
    """Write `<name>.pt` (fp16 state dicts + extras) atomically and its manifest entry."""
    path = weights_dir / f"{config.name}.pt"
    payload = {"state_dicts": {k: _half(m.state_dict()) for k, m in modules.items()}, "extras": extras}
    _atomic_write_bytes(path, lambda p: torch.save(payload, p))
    entry = {"config": config.to_dict(), "config_hash": config.config_hash, "file": path.name,
             "sha256": file_sha256(path), "bytes": path.stat().st_size,
             "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
             "hardware": hardware(), "metrics": {}, **record}
    with _manifest_lock(weights_dir):
        manifest = load_manifest(weights_dir)
        manifest[config.name] = entry
        _save_manifest(manifest, weights_dir)
    return entry


def load_trained(config, weights_dir: Path = WEIGHTS_DIR) -> TrainedModel | None:
    """The cached model of `config`, or None when it was never trained or its config changed."""
    entry = load_manifest(weights_dir).get(config.name)
    if entry is None or entry["config_hash"] != config.config_hash:
        return None
    path = weights_dir / entry["file"]
    if not path.exists():
        raise WeightsError(f"{path} is listed in the manifest but missing; "
                           f"restore it (git checkout / git lfs pull) or retrain with --retrain")
    if file_sha256(path) != entry["sha256"]:
        raise WeightsError(f"{path} is corrupt: its sha256 differs from weights/manifest.json; "
                           f"restore it from git or retrain with --retrain")
    payload = torch.load(path, map_location="cpu", weights_only=True)
    from genmodels.train import build_modules
    modules = build_modules(config)
    for name, module in modules.items():
        module.load_state_dict({k: v.float() if v.is_floating_point() else v
                                for k, v in payload["state_dicts"][name].items()})
        module.eval()
    return TrainedModel(config, modules, entry, payload.get("extras", {}))


def load_or_train(config, retrain: bool = False, progress: bool = True,
                  weights_dir: Path = WEIGHTS_DIR, checkpoint_dir: Path = CHECKPOINT_DIR,
                  **train_options) -> TrainedModel:
    """Cached weights for `config`, training (and caching) them when missing or outdated.

    `retrain=True` or RETRAIN=1 trains again from scratch; RETRAIN=1 does so once per config and
    process, since a report looks the same model up many times."""
    key = (str(weights_dir), config.config_hash)
    retrain = retrain or (os.environ.get("RETRAIN") == "1" and key not in _RETRAINED)
    if not retrain:
        cached = load_trained(config, weights_dir)
        if cached is not None:
            return cached
        if config.name in load_manifest(weights_dir):
            print(f"[weights] {config.name}: config changed since it was trained; retraining")
    if getattr(config, "init_from", None) is not None:  # a later stage starts from its parent
        parent_retrain = retrain and (str(weights_dir), config.init_from.config_hash) not in _RETRAINED
        train_options["parent"] = load_or_train(config.init_from, parent_retrain, progress, weights_dir,
                                                checkpoint_dir, **train_options)
    from genmodels.train import train
    modules, extras, record = train(config, checkpoint_dir=checkpoint_dir, progress=progress,
                                    fresh=retrain, **train_options)
    save_trained(config, modules, extras, record, weights_dir)
    _RETRAINED.add(key)
    return load_trained(config, weights_dir)


def cached_metric(config, key: str, compute, weights_dir: Path = WEIGHTS_DIR):
    """A metric of a cached model, computed once and stored in its manifest entry."""
    manifest = load_manifest(weights_dir)
    entry = manifest.get(config.name)
    if entry is None or entry["config_hash"] != config.config_hash:
        raise WeightsError(f"{config.name} is not trained with this config; call load_or_train first")
    if key not in entry["metrics"]:
        value = compute()
        with _manifest_lock(weights_dir):
            manifest = load_manifest(weights_dir)  # re-read: another run may have written meanwhile
            manifest[config.name]["metrics"][key] = value
            _save_manifest(manifest, weights_dir)
        return value
    return entry["metrics"][key]
