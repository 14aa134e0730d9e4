"""Parse a .qmd body: resolve includes, split into markdown and python cells.

    {{< include path >}}    on a line of its own; path relative to the including
                            file; nested includes are allowed, cycles are errors.
    ```{python}             an executable cell; leading `#| key: value` lines are
    #| label: fig-x         its options (YAML). Other engines ({r}, {ojs}, ...)
    ```                     are errors; ```python / ```{.python} are plain code.
    `{python} expr`         inline expression in prose (Quarto 1.4+ syntax).

Every line remembers the file and line it came from, so errors point at the
original source even after include resolution.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import RenderError

INCLUDE = re.compile(r"^\s*\{\{<\s*include\s+(.+?)\s*>\}\}\s*$")
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
ENGINE = re.compile(r"^\{\s*([A-Za-z][\w-]*)\s*(.*?)\}\s*$")  # {python}, {r}, not {.python} / {=typst}
OPTION = re.compile(r"^#\|\s?(.*)$")
INLINE = re.compile(r"`\{python\}\s+([^`]+?)\s*`")

CELL_OPTIONS = {"label", "fig-cap", "fig-alt", "tbl-cap", "echo", "output", "include",
                "eval", "warning", "error", "fig-width", "fig-height", "fig-subcap", "layout-ncol",
                "filename", "code-fold", "code-summary", "lst-label", "lst-cap", "tbl-colwidths"}
BOOL_OPTIONS = {"echo", "include", "eval", "warning", "error"}
TEXT_OPTIONS = {"label", "fig-cap", "fig-alt", "tbl-cap", "filename", "code-summary", "lst-label", "lst-cap"}


def _bad_value(key, value):
    """Why `value` is not valid for cell option `key` (None when it is)."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    checks = {
        "output": (value in (True, False, "asis"), "true, false or asis"),
        "fig-width": (number, "a number (inches)"),
        "fig-height": (number, "a number (inches)"),
        "layout-ncol": (isinstance(value, int) and not isinstance(value, bool) and value > 0, "a positive integer"),
        "fig-subcap": (isinstance(value, (str, list)), "a string or a list of strings"),
        "code-fold": (value in (True, False, "show"), "true, false or show"),
        "tbl-colwidths": (value == "auto" or (isinstance(value, list) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)), "a list of numbers or auto"),
    }
    if key in BOOL_OPTIONS:
        return None if isinstance(value, bool) else "true or false"
    if key in TEXT_OPTIONS:
        return None if isinstance(value, (str, int, float)) and not isinstance(value, bool) else "a string"
    ok, expected = checks.get(key, (True, ""))
    return None if ok else expected


@dataclass
class Source:
    """Where a line came from."""
    file: Path
    line: int

    def __str__(self):
        return f"{self.file}:{self.line}"


@dataclass
class Inline:
    expr: str
    where: Source
    span: tuple  # (line index in its Markdown chunk, start, end) of the whole `{python} ...`
    value: str = None  # filled in by execute


@dataclass
class Markdown:
    lines: list  # [(text, Source)]
    inlines: list = field(default_factory=list)  # [Inline] in order of appearance

    def text(self, transform=None):
        """The prose with every inline expression replaced by its value, then each
        line passed through `transform(line, source)` when given (shortcodes)."""
        lines = [t for t, _ in self.lines]
        for inline in reversed(self.inlines):  # right to left keeps earlier spans valid
            n, start, end = inline.span
            lines[n] = lines[n][:start] + str(inline.value) + lines[n][end:]
        if transform:
            lines = [transform(line, src) for line, (_, src) in zip(lines, self.lines)]
        return "".join(lines)


@dataclass
class Cell:
    code: str  # source without the `#|` option lines
    options: dict  # user options only (defaults are applied later)
    where: Source  # the ```{python} line
    index: int  # 0-based among the document's cells
    option_lines: list = field(default_factory=list)  # the raw `#|` lines (kept in the notebook)

    @property
    def label(self):
        return self.options.get("label")

    def resolve(self, defaults):
        """Options with document/project `execute:` defaults filled in."""
        return {**{k: defaults[k] for k in ("echo", "eval", "warning", "error", "include", "output")},
                **self.options}

    def describe(self):
        """Short human name: the label, or `cell N`."""
        return self.label or f"cell {self.index + 1}"


def expand_includes(text, file, first_line=1, stack=(), root=None):
    """Return [(line text, Source)] with every include shortcode replaced by the file's lines."""
    file = Path(file)
    shown = file.relative_to(root) if root and file.is_relative_to(root) else file
    if file in stack:
        raise RenderError(f"{shown}: include cycle: {' -> '.join(str(p) for p in (*stack, file))}")
    out = []
    for n, line in enumerate(text.splitlines(keepends=True), start=first_line):
        m = INCLUDE.match(line)
        if not m:
            out.append((line if line.endswith("\n") else line + "\n", Source(file, n)))
            continue
        target = (file.parent / m.group(1).strip("\"'")).resolve()
        if not target.is_file():
            raise RenderError(f"{shown}:{n}: included file not found: {m.group(1)} (looked for {target})")
        out.extend(expand_includes(target.read_text(encoding="utf-8"), target, 1, (*stack, file), root))
    return out


def parse_options(option_lines, where, doc):
    """Parse `#| key: value` lines into a dict; reject unknown or ill-typed options."""
    text = "".join(OPTION.match(t).group(1) + "\n" for t, _ in option_lines)
    try:
        options = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise RenderError(f"{where}: invalid cell options in {doc}: {e}") from None
    if not isinstance(options, dict):
        raise RenderError(f"{where}: cell options must be `#| key: value` lines")

    def line_of(key):
        for t, src in option_lines:
            if re.match(rf"#\|\s*{re.escape(str(key))}\s*:", t):
                return src
        return where

    for key, value in options.items():
        if key not in CELL_OPTIONS:
            raise RenderError(f"{line_of(key)}: unknown cell option `{key}` in {doc} "
                              f"(supported: {', '.join(sorted(CELL_OPTIONS))})")
        expected = _bad_value(key, value)
        if expected:
            raise RenderError(f"{line_of(key)}: bad value for cell option `{key}`: {value!r} (expected {expected})")
    return options


def find_inlines(lines):
    """Inline `{python} expr` expressions in prose, skipping fenced code blocks."""
    found, fence = [], None
    for n, (text, src) in enumerate(lines):
        m = FENCE.match(text)
        if m and (fence is None or (m.group(2)[0] == fence[0] and len(m.group(2)) >= len(fence))):
            fence = m.group(2) if fence is None else None
            continue
        if fence is None:
            found.extend(Inline(e.group(1), src, (n, e.start(), e.end())) for e in INLINE.finditer(text))
    return found


def parse(body, file, first_line, doc_name, root=None):
    """Split a document body into a list of Markdown and Cell chunks.

    Source locations are shown relative to `root` (the project) when given.
    """
    lines = expand_includes(body, file, first_line, root=root)
    if root is not None:
        for _, src in lines:
            if src.file.is_relative_to(root):
                src.file = src.file.relative_to(root)
    chunks, prose, i, labels = [], [], 0, {}

    def flush():
        if prose:
            chunks.append(Markdown(list(prose), find_inlines(prose)))
            prose.clear()

    while i < len(lines):
        text, src = lines[i]
        m = FENCE.match(text)
        engine = ENGINE.match(m.group(3).strip()) if m else None
        if not m:
            prose.append(lines[i])
            i += 1
            continue
        # Find the closing fence (same character, at least as long, nothing after it).
        fence = m.group(2)
        j = i + 1
        while j < len(lines):
            c = FENCE.match(lines[j][0])
            if c and c.group(2)[0] == fence[0] and len(c.group(2)) >= len(fence) and not c.group(3).strip():
                break
            j += 1
        if j == len(lines):
            raise RenderError(f"{src}: code block is never closed")
        if not engine:  # plain fenced block in prose: keep verbatim
            prose.extend(lines[i:j + 1])
            i = j + 1
            continue
        if engine.group(1) != "python":
            raise RenderError(f"{src}: unsupported cell engine `{{{engine.group(1)}}}` (only {{python}})")
        if engine.group(2):
            raise RenderError(f"{src}: put cell options in `#|` lines, not in `{{python {engine.group(2)}}}`")
        flush()
        body_lines = lines[i + 1:j]
        k = 0
        while k < len(body_lines) and OPTION.match(body_lines[k][0]):
            k += 1
        options = parse_options(body_lines[:k], src, doc_name)
        cell = Cell(code="".join(t for t, _ in body_lines[k:]).rstrip("\n"), options=options,
                    where=src, index=sum(isinstance(c, Cell) for c in chunks),
                    option_lines=[t for t, _ in body_lines[:k]])
        if cell.label:
            if cell.label in labels:
                raise RenderError(f"{src}: duplicate cell label `{cell.label}` (first used at {labels[cell.label]})")
            labels[cell.label] = src
        chunks.append(cell)
        i = j + 1
    flush()
    return chunks
