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
A damaged entry (unreadable, or not the shape save() writes) is a miss with one
warning naming the file; the fresh results replace it atomically.
"""

import hashlib
import json
import os
import tempfile

from .parse import Cell

VERSION = 2  # bump when the stored format changes


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


def _valid(entry, n_cells, n_inlines):
    """Whether `entry` has the shape save() writes, for this many cells and inlines."""
    def cell_ok(cell):
        return (isinstance(cell, dict) and isinstance(cell.get("outputs"), list)
                and all(isinstance(o, dict) and isinstance(o.get("output_type"), str) for o in cell["outputs"])
                and (cell.get("execution_count") is None or isinstance(cell.get("execution_count"), int)))
    return (isinstance(entry.get("key"), str)
            and isinstance(entry.get("cells"), list) and len(entry["cells"]) == n_cells
            and all(cell_ok(c) for c in entry["cells"])
            and isinstance(entry.get("inlines"), list) and len(entry["inlines"]) == n_inlines
            and all(isinstance(v, str) for v in entry["inlines"]))


def load(doc, key, n_cells, n_inlines, warn=print):
    """Stored results for this document, or None when they cannot be reused.

    A damaged entry (unreadable, not the shape save() writes) is a miss with
    one warning: the document is executed again and the entry rewritten.
    """
    if not doc.execute.get("cache", True):
        return None
    path = path_for(doc)
    if not path.exists():
        return None
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        warn(f"{path}: unreadable cache entry ({type(e).__name__}); executing the document again")
        return None
    if not isinstance(entry, dict):
        warn(f"{path}: damaged cache entry (a {type(entry).__name__}, not a mapping); executing the document again")
        return None
    if entry.get("version") != VERSION:
        return None  # written by another qmdrender version: an ordinary miss
    if entry.get("key") != key and not (doc.execute.get("freeze") is True):
        return None
    if not _valid(entry, n_cells, n_inlines):
        if entry.get("key") == key:
            warn(f"{path}: damaged cache entry (wrong number or shape of cells/inline values); "
                 f"executing the document again")
        return None  # a frozen entry for another set of cells is an ordinary miss
    return entry


def save(doc, key, cells, inlines):
    """Store results atomically (a crash mid-write must not leave a corrupt entry)."""
    if not doc.execute.get("cache", True):
        return
    path = path_for(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"version": VERSION, "key": key, "document": str(doc.rel), "cells": cells, "inlines": inlines}
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(entry, f)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
