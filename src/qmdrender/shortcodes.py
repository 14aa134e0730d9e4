"""Quarto shortcodes in prose: `{{< meta key >}}` and `{{< pagebreak >}}` (include: parse.py).

Any other shortcode stops the render with its file and line; `{{</* ... */>}}`
is Quarto's escape and prints the shortcode literally.
"""

import re

from .errors import RenderError

SHORTCODE = re.compile(r"\{\{<\s*(/\*)?\s*([\w-]+)((?:\s+[^\s>][^>]*?)?)\s*(\*/)?\s*>\}\}")


def _meta(meta, key):
    """A front-matter value by dotted key (`author.name`), or None."""
    value = meta
    for part in key.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def expand(line, where, meta, warn):
    """`line` with its shortcodes replaced; `where` (file:line) for messages."""
    def replace(m):
        escaped, name, args = m.group(1), m.group(2), m.group(3).split()
        if escaped:
            return "{{< " + " ".join([name, *args]) + " >}}"
        if name == "include":
            raise RenderError(f"{where}: put `{m.group(0)}` on a line of its own (Quarto includes whole lines)")
        if name == "pagebreak":
            return "`#pagebreak()`{=typst}"
        if name == "meta" and len(args) == 1:
            value = _meta(meta, args[0])
            if value is None or isinstance(value, (dict, list)):
                warn(f"{where}: {{{{< meta {args[0]} >}}}}: no such (plain) key in the front matter")
                return f"?meta:{args[0]}"  # Quarto's output for a missing key
            return str(value).lower() if isinstance(value, bool) else str(value)
        raise RenderError(f"{where}: unsupported shortcode `{m.group(0)}` "
                          f"(qmdrender supports include, meta KEY and pagebreak)")
    return SHORTCODE.sub(replace, line) if "{{<" in line else line
