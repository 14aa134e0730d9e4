"""Check `project:`, `execute:` and `format: typst:` options as Quarto's schema does.

An unknown key or a value of the wrong type stops the render with the file,
the line and the key, instead of being silently ignored.
"""

import difflib
import re

import yaml

from .errors import RenderError


def _is(kind, expected):
    return lambda v: None if isinstance(v, kind) and not (isinstance(v, bool) and kind is not bool) else expected


def _one_of(*values):
    return lambda v: None if v in values else " or ".join(str(x).lower() if isinstance(x, bool) else x
                                                         for x in values)


BOOL = _is(bool, "true or false")
TEXT = _is((str, int, float), "a string")
NUMBER = _is((int, float), "a number")
INT = _is(int, "an integer")

MARGIN_SIDES = ("x", "y", "top", "bottom", "left", "right", "inside", "outside", "rest")


def _margin(value):
    # Quarto's typst `margin:` is a mapping of sides to typst lengths (2cm, 1in, 10%).
    if not isinstance(value, dict) or not value:
        return "a mapping like {x: 2cm, y: 2.5cm}"
    for side, length in value.items():
        if side not in MARGIN_SIDES or not re.fullmatch(r"\d+(\.\d+)?(cm|mm|in|pt|em|%)", str(length)):
            return f"a mapping of {', '.join(MARGIN_SIDES)} to lengths like 2cm (bad entry: {side}: {length})"
    return None


EXECUTE = {"echo": BOOL, "eval": BOOL, "warning": BOOL, "error": BOOL, "include": BOOL,
           "output": _one_of(True, False, "asis"), "cache": BOOL, "freeze": _one_of(True, False, "auto")}
FORMAT = {"toc": BOOL, "toc-depth": INT, "toc-title": TEXT, "number-sections": BOOL, "papersize": TEXT,
          "fontsize": TEXT, "lang": TEXT, "fig-width": NUMBER, "fig-height": NUMBER, "fig-dpi": NUMBER,
          "keep-typ": BOOL, "keep-md": BOOL, "citeproc": BOOL, "section-numbering": TEXT, "margin": _margin,
          # Quarto typst options that only change looks qmdrender does not reproduce.
          "code-background": BOOL, "code-fold": _one_of(True, False, "show"), "code-summary": TEXT,
          "fig-format": TEXT, "highlight-style": TEXT, "link-citations": BOOL,
          "keep-ipynb": BOOL}
PROJECT = {"type": _one_of("default"), "title": TEXT, "output-dir": TEXT, "execute-dir": _one_of("project", "file"),
           "render": _is(list, "a list of .qmd paths")}


def key_lines(text, first_line):
    """{key path tuple: file line} for every mapping key of a YAML text starting at `first_line`."""
    lines = {}

    def walk(node, path):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = (*path, str(key.value))
                lines[sub] = key.start_mark.line + first_line
                walk(value, sub)

    try:
        walk(yaml.compose(text), ())
    except yaml.YAMLError:
        pass  # the loader reports the syntax error itself
    return lines


def check(mapping, schema, path, where, lines):
    """Raise RenderError for the first unknown key or ill-typed value of `mapping` under `path`."""
    shown = ": ".join(path)
    if not isinstance(mapping, dict):
        line = lines.get(tuple(path), "?")
        raise RenderError(f"{where}:{line}: `{shown}` must be a mapping of options, not {mapping!r} "
                          f"(e.g. `{shown}:` then indented `{next(iter(schema))}: ...` lines)")
    for key, value in mapping.items():
        line = lines.get((*path, str(key)), lines.get(tuple(path), "?"))
        if key not in schema:
            close = difflib.get_close_matches(str(key), schema, n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            raise RenderError(f"{where}:{line}: unknown option `{key}` under `{shown}` ({hint}"
                              f"supported: {', '.join(sorted(schema))})")
        check_value(key, value, schema[key], f"{shown}: {key}", f"{where}:{line}")


def check_value(key, value, checker, shown, where):
    """Raise RenderError when `value` does not pass `checker`."""
    expected = checker(value)
    if expected:
        raise RenderError(f"{where}: option `{shown}` must be {expected}, not {value!r}")
