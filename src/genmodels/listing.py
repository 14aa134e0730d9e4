"""Source listings for the report: whole functions and classes, printed from the code that ran."""

from __future__ import annotations

import inspect
import textwrap

# Characters a listing line may hold: typst wraps a longer one to column 0 of the page.
WIDTH = 96


def source(*objects) -> str:
    """The dedented source of each object (class or function), separated by blank lines; a line
    wider than the page (`WIDTH`) is an error, since typst would wrap it to column 0."""
    text = "\n\n".join(textwrap.dedent(inspect.getsource(o)).rstrip() for o in objects)
    for line in text.splitlines():
        if len(line) > WIDTH:
            raise ValueError(
                f"a listed line is {len(line)} characters, wider than the page's {WIDTH}: "
                f"shorten it in the source ({line.strip()[:40]!r}...)"
            )
    return text


def listing(*objects, label: str, caption: str) -> str:
    """A markdown code block with a Quarto listing label and caption (cross-referenced as @lst-…)."""
    if not label.startswith("lst-"):
        raise ValueError(f"listing label {label!r} must start with 'lst-' for Quarto's cross-references")
    escaped = caption.replace('"', '\\"')
    return f'```{{#{label} .python lst-cap="{escaped}"}}\n{source(*objects)}\n```'


def code_block(*objects) -> str:
    """A markdown Python code block of the objects' source: highlighted like a listing, uncaptioned."""
    return f"```python\n{source(*objects)}\n```"
