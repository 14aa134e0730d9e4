"""Project paths, atomic writes, and reads and writes of derived caches that never fail a run.

Every file the project writes goes through `atomic_write`, so an interrupted run leaves the
old file or the new one, never half of one. A derived cache (`.cache/`) entry that cannot be
read or written is a miss with one `CacheWarning` naming the file.
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
from pathlib import Path

import torch

from genmodels.errors import CacheWarning

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the checkout: src/genmodels/paths.py -> ../..


def atomic_write(path: Path, payload: bytes) -> None:
    """Write `payload` to `path` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A unique temporary name, as two processes may write the same cache entry at once; open()
    # (unlike mkstemp) gives the file the usual permissions.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "xb") as file:
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def torch_bytes(obj) -> bytes:
    """torch.save into memory: the archive's folder name is then fixed ("archive") instead of
    derived from a temporary file name, so the same object always gives the same bytes."""
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def read_cache(path: Path, load, valid=lambda value: True):
    """`load(path)` if it gives a value that passes `valid`; None when `path` is missing, or
    (with one CacheWarning naming the file) unreadable or wrong-shaped, so the caller rebuilds it."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        value = load(path)
        if valid(value):
            return value
        problem = "it holds data of the wrong shape or type"
    except Exception as error:  # any way a file can be broken: truncated, garbage, wrong format
        problem = f"it is unreadable ({type(error).__name__})"
    warnings.warn(f"cache entry {path} is ignored and recomputed: {problem}", CacheWarning, stacklevel=3)
    return None


def write_cache(path: Path, payload: bytes) -> None:
    """`atomic_write` for a derived cache: a failed write (read-only folder, full disk) is one
    warning, not a failed render; the entry is recomputed next time."""
    try:
        atomic_write(path, payload)
    except OSError as error:
        warnings.warn(
            f"cache entry {path} could not be written ({type(error).__name__}: {error.strerror}); "
            f"it will be recomputed next time",
            CacheWarning,
            stacklevel=3,
        )
