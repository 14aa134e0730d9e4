"""The weight cache: trained weights in `weights/`, described by `weights/manifest.json`.

`load_or_train(config)` returns trained modules. It loads `weights/<name>.pt` when the
manifest entry for `<name>` was trained from a config with the same hash and the file's
sha256 matches the manifest; it trains (resuming from `checkpoints/`) when there is no
entry or the config changed; and it raises `WeightsError` (one line: the file and the command
that fixes it) when the manifest or a file is missing or its bytes differ from what the
manifest recorded, rather than using it silently.

`record(config)` returns the manifest entry alone (history, metrics, hashes). A run whose
modules the report does not need is kept as a *metrics-only* entry (`drop_modules`): the
entry, still bound to its config hash and recording the sha256 of the file it wrote, without
the file. Asking such a run for its modules trains it again.
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
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

from genmodels import train
from genmodels.errors import UserError
from genmodels.models import build_modules
from genmodels.paths import PROJECT_ROOT, atomic_write, torch_bytes
from genmodels.runs import retrain_command

WEIGHTS_DIR = PROJECT_ROOT / "weights"
CHECKPOINT_DIR = PROJECT_ROOT / "checkpoints"
_RETRAINED: set[tuple[str, str]] = set()  # (weights dir, config hash) trained in this process
_ENTRY_KEYS = ("config_hash", "file", "sha256")


class WeightsError(UserError):
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


# --- hints: commands that fix a broken cache, as written ----------------------------------------


def shown(path: Path) -> str:
    """`path` as a user types it in the project root."""
    path = Path(path).resolve()
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def _committed_sha256(path: Path) -> str | None:
    """sha256 of `path` as committed at git HEAD, or None when git does not hold it."""
    try:
        blob = subprocess.run(
            ["git", "-C", str(path.parent), "show", f"HEAD:./{path.name}"],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return hashlib.sha256(blob).hexdigest()


def restore_command(path: Path, sha256: str | None = None) -> str | None:
    """`git checkout -- <path>` when that restores the file (with `sha256`, when given), else None."""
    path = Path(path).resolve()
    committed = _committed_sha256(path)
    if committed is None or (sha256 is not None and committed != sha256):
        return None
    if path.is_relative_to(PROJECT_ROOT):
        return f"git checkout -- {shown(path)}"
    return f"git -C {path.parent} checkout -- {path.name}"  # another repository: works from anywhere


def _retrain(config) -> str:
    command = retrain_command(config)
    if command is None:  # a config of a test or notebook: no command line trains it
        return f"retrain it by calling `load_or_train(config, retrain=True)` with the {config.name} config"
    return f"retrain it with `{command}`"


def _fix(path: Path, config=None, sha256: str | None = None) -> str:
    """What to run: restore the file from git where that gives the right bytes, and/or retrain."""
    restore = restore_command(path, sha256)
    fixes = ([f"restore it with `{restore}`"] if restore else []) + ([_retrain(config)] if config else [])
    return " or ".join(fixes) or f"delete it with `rm {shown(path)}` to train every model again"


# --- files -------------------------------------------------------------------------------------


def manifest_path(weights_dir: Path = WEIGHTS_DIR) -> Path:
    return weights_dir / "manifest.json"


def load_manifest(weights_dir: Path = WEIGHTS_DIR) -> dict:
    """The manifest ({} for an empty cache); a missing, half-written or malformed one is an error."""
    path = manifest_path(weights_dir)
    if not path.exists():
        if restore_command(path):  # deleted by accident: training everything again would take days
            raise WeightsError(f"{shown(path)} is missing: {_fix(path)}.")
        return {}
    try:
        manifest = json.loads(path.read_text())
    except ValueError:  # JSONDecodeError, UnicodeDecodeError: half-written or badly merged
        raise WeightsError(f"{shown(path)} is not valid JSON: {_fix(path)}.") from None
    if not isinstance(manifest, dict):
        raise WeightsError(f"{shown(path)} is not a JSON object of entries: {_fix(path)}.")
    bad = [
        name
        for name, entry in manifest.items()
        if not (isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in _ENTRY_KEYS))
    ]
    if bad:
        raise WeightsError(f"{shown(path)} has malformed entries ({', '.join(bad)}): {_fix(path)}.")
    return manifest


@contextlib.contextmanager
def _manifest_lock(weights_dir: Path):
    """Serialise read-modify-write of the manifest between processes (a training run and a render)."""
    weights_dir.mkdir(parents=True, exist_ok=True)
    with open(weights_dir / ".manifest.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _save_manifest(manifest: dict, weights_dir: Path) -> None:
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    atomic_write(manifest_path(weights_dir), text.encode())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def hardware() -> dict:
    """What the weights were trained on, for the provenance appendix."""
    return {
        "machine": platform.machine(),
        "processor": platform.processor() or "unknown",
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "torch": torch.__version__,
    }


def _half(state: dict) -> dict:
    return {k: v.half() if v.is_floating_point() else v for k, v in state.items()}


def save_trained(config, modules: dict, extras: dict, record: dict, weights_dir: Path = WEIGHTS_DIR) -> dict:
    """Write `<name>.pt` (fp16 state dicts + extras) atomically and its manifest entry.

    The same state always gives the same bytes (and sha256): see `paths.torch_bytes`."""
    path = weights_dir / f"{config.name}.pt"
    payload = torch_bytes(
        {"state_dicts": {k: _half(m.state_dict()) for k, m in modules.items()}, "extras": extras}
    )
    atomic_write(path, payload)
    entry = {
        "config": config.to_dict(),
        "config_hash": config.config_hash,
        "file": path.name,
        "sha256": hashlib.sha256(payload).hexdigest(),
        "bytes": len(payload),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "hardware": hardware(),
        "metrics": {},
        **record,
    }
    with _manifest_lock(weights_dir):
        manifest = load_manifest(weights_dir)
        manifest[config.name] = entry
        _save_manifest(manifest, weights_dir)
    return entry


def is_metrics_only(entry: dict) -> bool:
    """Whether a manifest entry keeps its metrics and history without the weight file."""
    return bool(entry.get("metrics_only", False))


def load_entry(config, weights_dir: Path = WEIGHTS_DIR) -> dict | None:
    """The manifest entry of `config` (with or without its file), or None when it was never
    trained or its config changed since."""
    entry = load_manifest(weights_dir).get(config.name)
    if entry is None or entry["config_hash"] != config.config_hash:
        return None
    return entry


def record(config, weights_dir: Path = WEIGHTS_DIR, **train_options) -> dict:
    """The manifest entry of `config`'s trained model, training it first when there is none.

    Unlike `load_or_train` this reads no weight file, so it serves metrics-only entries too."""
    entry = None if retrain_requested() else load_entry(config, weights_dir)
    return (
        entry if entry is not None else load_or_train(config, weights_dir=weights_dir, **train_options).entry
    )


def drop_modules(config, weights_dir: Path = WEIGHTS_DIR) -> bool:
    """Make `config`'s entry metrics-only: delete its weight file and mark the entry, which keeps
    its config hash, history, metrics and the sha256 of the file. False when already done.

    Call it once the metrics the report reads from the modules are stored (`cached_metric`)."""
    with _manifest_lock(weights_dir):
        manifest = load_manifest(weights_dir)
        entry = manifest.get(config.name)
        if entry is None or entry["config_hash"] != config.config_hash:
            raise WeightsError(
                f"{config.name} is not in {shown(manifest_path(weights_dir))} with this config: "
                f"train it before dropping its modules."
            )
        if is_metrics_only(entry):
            return False
        entry["metrics_only"] = True
        _save_manifest(manifest, weights_dir)
        (weights_dir / entry["file"]).unlink(missing_ok=True)
    return True


def load_trained(config, weights_dir: Path = WEIGHTS_DIR) -> TrainedModel | None:
    """The cached model of `config`, or None when it was never trained, its config changed or
    its entry is metrics-only.

    A listed file that is missing, differs from its sha256 or does not fit the model is an error."""
    entry = load_entry(config, weights_dir)
    if entry is None or is_metrics_only(entry):
        return None
    path = weights_dir / entry["file"]
    manifest = shown(manifest_path(weights_dir))
    if not path.exists():
        raise WeightsError(
            f"{shown(path)} is listed in {manifest} but missing: {_fix(path, config, entry['sha256'])}."
        )
    if file_sha256(path) != entry["sha256"]:
        raise WeightsError(
            f"{shown(path)} is corrupt (its sha256 differs from {manifest}): "
            f"{_fix(path, config, entry['sha256'])}."
        )
    modules = build_modules(config)
    try:  # the bytes are the recorded ones, so this fails only when the model code changed
        payload = torch.load(path, map_location="cpu", weights_only=True)
        for name, module in modules.items():
            module.load_state_dict(
                {
                    k: v.float() if v.is_floating_point() else v
                    for k, v in payload["state_dicts"][name].items()
                }
            )
            module.eval()
    except Exception as error:
        raise WeightsError(
            f"{shown(path)} does not fit the {config.name} model ({type(error).__name__}): "
            f"{_retrain(config)}."
        ) from error
    return TrainedModel(config, modules, entry, payload.get("extras", {}))


def retrain_requested() -> bool:
    """Whether RETRAIN=1 is set; any value but 1, 0 or empty is an error, not a silent no."""
    value = os.environ.get("RETRAIN", "")
    if value not in ("", "0", "1"):
        raise UserError(
            f"RETRAIN={value} is not understood (use 1 or 0): "
            f"run `RETRAIN=1 make report` to retrain what the report uses, or `unset RETRAIN`."
        )
    return value == "1"


def load_or_train(
    config,
    retrain: bool = False,
    progress: bool = True,
    weights_dir: Path = WEIGHTS_DIR,
    checkpoint_dir: Path = CHECKPOINT_DIR,
    retrain_parents: bool = True,
    **train_options,
) -> TrainedModel:
    """Cached weights for `config`, training (and caching) them when missing or outdated.

    `retrain=True` or RETRAIN=1 trains again from scratch (with `retrain_parents=False`, only
    this stage); RETRAIN=1 does so once per config and process, since a report looks the same
    model up many times."""
    key = (str(weights_dir), config.config_hash)
    retrain = retrain or (retrain_requested() and key not in _RETRAINED)
    if not retrain:
        cached = load_trained(config, weights_dir)
        if cached is not None:
            return cached
        entry = load_entry(config, weights_dir)
        if entry is not None:  # metrics-only: its modules were not kept
            print(f"[weights] {config.name}: only its metrics are kept in weights/; training it again")
        elif config.name in load_manifest(weights_dir):
            print(f"[weights] {config.name}: config changed since it was trained; retraining")
    if getattr(config, "init_from", None) is not None:  # a later stage starts from its parent
        parent_retrain = (
            retrain and retrain_parents and (str(weights_dir), config.init_from.config_hash) not in _RETRAINED
        )
        train_options["parent"] = load_or_train(
            config.init_from, parent_retrain, progress, weights_dir, checkpoint_dir, **train_options
        )
    modules, extras, record = train.train(
        config, checkpoint_dir=checkpoint_dir, progress=progress, fresh=retrain, **train_options
    )
    save_trained(config, modules, extras, record, weights_dir)
    _RETRAINED.add(key)
    return load_trained(config, weights_dir)


def stored_metric_version(entry: dict, key: str) -> int:
    """The version a stored metric was computed at; records from before versions existed are 1."""
    return entry.get("metric_versions", {}).get(key, 1)


def cached_metric(config, key: str, compute, weights_dir: Path = WEIGHTS_DIR, version: int = 1):
    """A metric of a cached model, computed once and stored in its manifest entry.

    `version` is stored with the value (in the entry's "metric_versions"; a record without one is
    version 1): raise it when `compute` changes what it returns (a new key in a dict, another
    sample count), and a record of an older version is computed again instead of being reused."""
    entry = load_entry(config, weights_dir)
    if entry is None:
        raise WeightsError(
            f"{config.name} is not in {shown(manifest_path(weights_dir))} with this config: "
            f"call `load_or_train(config)` before `cached_metric`."
        )
    if key in entry["metrics"] and stored_metric_version(entry, key) >= version:
        return entry["metrics"][key]
    value = compute()
    with _manifest_lock(weights_dir):
        manifest = load_manifest(weights_dir)  # re-read: another run may have written meanwhile
        manifest[config.name]["metrics"][key] = value
        manifest[config.name].setdefault("metric_versions", {})[key] = version
        _save_manifest(manifest, weights_dir)
    return value
