"""Execution cache, in the spirit of Quarto's jupyter cache / freeze.

Where: `<project root>/.cache/qmdrender/<document path with / -> __>.json`
(keep `.cache/` in .gitignore). One entry per document: the key, the outputs
of every cell and the value of every inline expression.

Key: sha256 over qmdrender's kernel setup snippet, the kernel name, the
kernel's working directory (relative to the project, so a moved project
keeps its cache), the figure defaults (width, height, dpi) and, in
execution order, every cell's code and execution-relevant options (eval,
error, fig-width, fig-height) and every inline expression. Prose, captions,
labels, echo/output/include/warning do not affect it, so a prose-only edit
re-renders without starting a kernel, while any code edit re-executes the
whole document (cells share one kernel's state).
Files the code reads (data, checkpoints) are NOT part of the key: use
`--no-cache` after changing them.

Behaviour by option (`execute:` in _quarto.yml or front matter):
    cache: true (default)  reuse results when the key matches
    cache: false           never read or write the cache
    freeze: true           reuse the stored results even if the code changed
                           (as long as the number of cells/inlines matches)
    freeze: auto / false   same as cache: true
`--no-cache` (alias `--refresh`) ignores stored results and stores fresh ones.
"""

import hashlib
import json
import os
import tempfile

from .parse import Cell

VERSION = 1  # bump when the stored format changes


def path_for(doc):
    name = str(doc.rel.with_suffix("")).replace(os.sep, "__") + ".json"
    return doc.project.root / ".cache" / "qmdrender" / name


def key_for(doc, chunks, setup: str) -> str:
    """Hash of everything that can change what the kernel produces (`setup`: the setup snippet)."""
    items = []
    for chunk in chunks:
        if isinstance(chunk, Cell):
            opts = chunk.resolve(doc.execute)
            items.append(["cell", chunk.code, opts["eval"], opts["error"],
                          opts.get("fig-width"), opts.get("fig-height")])
        else:
            items.extend(["inline", inline.expr] for inline in chunk.inlines)
    fmt = doc.format
    payload = {"version": VERSION, "setup": setup, "kernel": doc.kernel, "cwd": str(doc.cwd.relative_to(doc.project.root)),
               "fig": [fmt["fig-width"], fmt["fig-height"], fmt["fig-dpi"]], "items": items}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def load(doc, key, n_cells, n_inlines):
    """Stored results for this document, or None when they cannot be reused."""
    if not doc.execute.get("cache", True):
        return None
    path = path_for(doc)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if entry.get("version") != VERSION:
        return None
    if entry.get("key") == key:
        return entry
    frozen = doc.execute.get("freeze") is True
    if frozen and len(entry["cells"]) == n_cells and len(entry["inlines"]) == n_inlines:
        return entry
    return None


def save(doc, key, cells, inlines):
    """Store results atomically (a crash mid-write must not leave a corrupt entry)."""
    if not doc.execute.get("cache", True):
        return
    path = path_for(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"version": VERSION, "key": key, "document": str(doc.rel), "cells": cells, "inlines": inlines}
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(entry, f)
    os.replace(tmp, path)
