"""Read a Quarto project: `_quarto.yml` and each document's YAML front matter.

Supported `_quarto.yml` keys (unknown keys under project/execute/format.typst
are errors, see options.py; other formats' options are not read):

    project:  type, execute-dir (project|file), output-dir, render: [docs]
    format:   typst  (or {typst: {...options...}})
    execute:  echo, eval, warning, error, include, output, cache, freeze
    bibliography, csl  (also in front matter; paths relative to that file)

Document front matter: title, subtitle, author, date (`today` -> ISO date),
abstract, jupyter (kernel name), format (as above), execute, and the typst
format options directly (toc, number-sections, ...). Precedence, lowest first:
project format, project execute, document format, document execute/top-level.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import options
from .errors import RenderError

# typst format options we understand, with defaults (A4 rather than Quarto's US letter).
FORMAT_DEFAULTS = {
    "toc": False,
    "toc-depth": 3,
    "toc-title": "Table of contents",  # Quarto's default
    "number-sections": False,
    "papersize": "a4",
    "fontsize": "11pt",
    "lang": "en",
    "fig-width": 6.0,
    "fig-height": 3.5,
    "fig-dpi": 200,
    "fig-format": "svg",  # Quarto's typst default: vector figures, shown at their own size
    "keep-typ": False,
    "keep-md": False,
    "citeproc": False,  # Quarto's typst default: typst's own citations
    "section-numbering": None,  # typst heading numbering; number-sections alone means Quarto's "1.1.a"
    "margin": {"x": "2.5cm", "y": "2.5cm"},
}
EXECUTE_KEYS = {"echo", "eval", "warning", "error", "include", "output", "cache", "freeze"}
EXECUTE_DEFAULTS = {"echo": True, "eval": True, "warning": True, "error": False,
                    "include": True, "output": True, "cache": True, "freeze": False}
METADATA_KEYS = {"title", "subtitle", "author", "date", "abstract"}


@dataclass
class Project:
    root: Path
    output_dir: Path
    execute_dir: str  # "project" or "file"
    documents: list  # absolute Paths of .qmd files, in render order
    format: dict = field(default_factory=dict)
    execute: dict = field(default_factory=dict)
    bibliography: list = field(default_factory=list)  # absolute Paths
    csl: Path = None


@dataclass
class Document:
    path: Path
    project: Project
    metadata: dict  # title, subtitle, author (list of str), date, abstract
    format: dict  # merged typst options
    execute: dict  # merged execution defaults for cells
    kernel: str
    body: str  # text after the front matter
    body_line: int  # 1-based line number in `path` where `body` starts
    meta: dict = field(default_factory=dict)  # the whole front matter (for {{< meta >}})
    bibliography: list = field(default_factory=list)
    csl: Path = None

    @property
    def rel(self) -> Path:
        """Path of the document relative to the project root."""
        return self.path.relative_to(self.project.root)

    @property
    def output_stem(self) -> Path:
        """`<output-dir>/<relative path without .qmd>`: add .pdf, .ipynb, _files."""
        return self.project.output_dir / self.rel.with_suffix("")

    @property
    def cwd(self) -> Path:
        """Working directory of the kernel (Quarto's `execute-dir`)."""
        return self.project.root if self.project.execute_dir == "project" else self.path.parent


def _load_yaml(text, where):
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise RenderError(f"{where}: invalid YAML: {e}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RenderError(f"{where}: expected a YAML mapping")
    return data


def _format_options(fmt, where, lines):
    """Extract and check the typst options from a `format:` value (string or mapping)."""
    if fmt is None:
        return {}
    if isinstance(fmt, str):
        fmt = {fmt: {}}
    if not isinstance(fmt, dict):
        raise RenderError(f"{where}:{lines.get(('format',), '?')}: `format` must be a string or a mapping")
    if "typst" not in fmt:
        raise RenderError(f"{where}:{lines.get(('format',), '?')}: qmdrender only renders `format: typst` "
                          f"(found {', '.join(map(str, fmt))})")
    opts = fmt["typst"]
    if opts in (None, "default"):
        return {}
    options.check(opts, {**options.FORMAT, **options.EXECUTE}, ("format", "typst"), where, lines)
    return opts


def _split_options(opts, fmt, execute):
    """Sort a flat option mapping into typst-format and execute buckets."""
    for key, value in opts.items():
        if key in EXECUTE_KEYS:
            execute[key] = value
        elif key in FORMAT_DEFAULTS:
            fmt[key] = value
        # Other Quarto options are outside the supported subset and ignored.


def _read_options(data, where, lines, fmt, execute):
    """Merge `format:`, top-level format options and `execute:` of one file into fmt/execute."""
    _split_options(_format_options(data.get("format"), where, lines), fmt, execute)
    for key, value in data.items():  # typst options may also sit at the top level (Quarto)
        if key in options.FORMAT:
            options.check_value(key, value, options.FORMAT[key], key, f"{where}:{lines.get((key,), '?')}")
    _split_options({k: v for k, v in data.items() if k in FORMAT_DEFAULTS}, fmt, execute)
    if data.get("execute") is not None:
        options.check(data["execute"], options.EXECUTE, ("execute",), where, lines)
        _split_options(data["execute"], fmt, execute)


def _files(value, base, key, where, lines):
    """`bibliography:` / `csl:` paths (a string or a list), resolved against `base`; must exist."""
    items = value if isinstance(value, list) else [value]
    paths = []
    for item in items:
        if not isinstance(item, str):
            raise RenderError(f"{where}:{lines.get((key,), '?')}: `{key}` must be a file path or a list of them")
        path = (base / item).resolve()
        if not path.is_file():
            raise RenderError(f"{where}:{lines.get((key,), '?')}: {key} file not found: {item} (looked for {path})")
        paths.append(path)
    return paths


def load_project(root) -> Project:
    """Read `<root>/_quarto.yml` (optional: without it, every non-`_` .qmd is a document)."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise RenderError(f"{root}: not a directory")
    config_path = root / "_quarto.yml"
    text = config_path.read_text(encoding="utf-8") if config_path.exists() else ""
    config, lines = _load_yaml(text, config_path), options.key_lines(text, 1)
    where = config_path.name
    proj = config.get("project") if config.get("project") is not None else {}
    options.check(proj, options.PROJECT, ("project",), where, lines)
    fmt, execute = dict(FORMAT_DEFAULTS), dict(EXECUTE_DEFAULTS)
    _read_options(config, where, lines, fmt, execute)
    bib = _files(config["bibliography"], root, "bibliography", where, lines) if config.get("bibliography") else []
    csl = _files(config["csl"], root, "csl", where, lines)[0] if config.get("csl") else None

    execute_dir = proj.get("execute-dir", "file")
    if "render" in proj:
        docs = []
        for name in proj["render"]:
            path = (root / name).resolve()
            if "*" in name or path.suffix != ".qmd":
                raise RenderError(f"{config_path}: render entry {name!r}: only explicit .qmd paths are supported")
            if not path.exists():
                raise RenderError(f"{config_path}: render entry {name!r} does not exist")
            docs.append(path)
    else:
        # Quarto's default: every document whose path has no part starting with _ or .
        docs = sorted(p for p in root.rglob("*.qmd")
                      if not any(part.startswith(("_", ".")) for part in p.relative_to(root).parts))
    output_dir = (root / proj["output-dir"]).resolve() if proj.get("output-dir") else root
    return Project(root=root, output_dir=output_dir, execute_dir=execute_dir,
                   documents=docs, format=fmt, execute=execute, bibliography=bib, csl=csl)


def split_front_matter(text, where):
    """Return (front matter dict, body, 1-based line where body starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return {}, text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            meta = _load_yaml("".join(lines[1:i]), f"{where} (front matter)")
            return meta, "".join(lines[i + 1:]), i + 2
    raise RenderError(f"{where}:1: front matter is not closed with ---")


def _authors(value):
    """Normalise `author:` (string, list of strings, or list of {name: ...})."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(a.get("name", "")) if isinstance(a, dict) else str(a) for a in items]


def load_document(project: Project, path) -> Document:
    """Read a document's front matter and merge its options over the project's."""
    path = Path(path).resolve()
    if not path.exists():
        raise RenderError(f"{path}: no such document")
    text = path.read_text(encoding="utf-8")
    meta, body, body_line = split_front_matter(text, path)
    where = path.relative_to(project.root) if path.is_relative_to(project.root) else path
    lines = options.key_lines("".join(text.splitlines(keepends=True)[1:body_line - 2]), 2) if meta else {}
    fmt, execute = dict(project.format), dict(project.execute)
    _read_options(meta, where, lines, fmt, execute)
    if meta.get("engine") not in (None, "jupyter"):
        raise RenderError(f"{where}:{lines.get(('engine',), '?')}: qmdrender runs only `engine: jupyter` "
                          f"(python cells), not {meta['engine']!r}")
    bib = _files(meta["bibliography"], path.parent, "bibliography", where, lines) if meta.get("bibliography") \
        else project.bibliography
    csl = _files(meta["csl"], path.parent, "csl", where, lines)[0] if meta.get("csl") else project.csl

    kernel = meta.get("jupyter") or "python3"
    if isinstance(kernel, dict):  # jupyter: {kernelspec: {name: ...}}
        kernel = (kernel.get("kernelspec") or {}).get("name", "python3")
    metadata = {k: meta[k] for k in METADATA_KEYS if meta.get(k) is not None}
    metadata["author"] = _authors(meta.get("author"))
    date = metadata.get("date")
    if date == "today":
        metadata["date"] = datetime.date.today().isoformat()
    elif date == "last-modified":
        metadata["date"] = datetime.date.fromtimestamp(path.stat().st_mtime).isoformat()
    elif date is not None:
        metadata["date"] = str(date)
    return Document(path=path, project=project, metadata=metadata, format=fmt, execute=execute,
                    kernel=str(kernel), body=body, body_line=body_line, meta=meta, bibliography=bib, csl=csl)
