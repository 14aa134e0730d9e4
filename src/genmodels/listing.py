"""Source listings for the report: whole functions and classes, printed from the code that ran."""

from __future__ import annotations

import inspect
import textwrap


def source(*objects) -> str:
    """The dedented source of each object (class or function), separated by blank lines."""
    return "\n\n".join(textwrap.dedent(inspect.getsource(o)).rstrip() for o in objects)


def listing(*objects, label: str, caption: str) -> str:
    """A markdown code block with a Quarto listing label and caption (cross-referenced as @lst-…)."""
    if not label.startswith("lst-"):
        raise ValueError(f"listing label {label!r} must start with 'lst-' for Quarto's cross-references")
    escaped = caption.replace('"', '\\"')
    return f'```{{#{label} .python lst-cap="{escaped}"}}\n{source(*objects)}\n```'


def code_block(*objects) -> str:
    """A markdown Python code block of the objects' source: highlighted like a listing, uncaptioned."""
    return f"```python\n{source(*objects)}\n```"
