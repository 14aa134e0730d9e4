"""Assemble pandoc markdown from prose chunks and executed cells (Quarto's rules).

Per cell, with options resolved over `execute:` defaults:
    include: false   nothing is shown (the cell still ran)
    echo: true       the code (without `#|` lines) as a ```python block
    output: false    outputs hidden;  output: asis  text/markdown/streams inserted raw
    warning: false   stderr streams dropped
Outputs, by preferred MIME type: text/markdown (inserted as markdown),
image/png|svg+xml|jpeg (saved to `<stem>_files/`, embedded at their own size,
which typst shrinks to the text width when wider, as Quarto does),
text/plain and streams (code blocks). HTML-only outputs are skipped.
Floats: `label: fig-x` (+ `fig-cap`) wraps the images in `::: {#fig-x}`
(with `fig-subcap`: subfigures `#fig-x-1`, `#fig-x-2`; `layout-ncol` kept);
`label: tbl-x` (+ `tbl-cap`, `tbl-colwidths`) wraps the displayed outputs in
`::: {#tbl-x}` (Quarto's div syntax: caption = last paragraph; crossref.lua
does the rest). `lst-label` (+ `lst-cap`) makes the echoed code a listing.
"""

import base64
import re

from . import shortcodes
from .parse import Cell
from .execute import strip_ansi

IMAGE_TYPES = {"image/png": "png", "image/svg+xml": "svg", "image/jpeg": "jpg"}


def fence(text, lang=""):
    """A fenced code block long enough not to be closed by backticks in `text`."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{lang}\n{text.rstrip()}\n{ticks}"


def _image(path, alt=None, caption="", ident=None):
    """Markdown image at its own size; a caption makes it an (unnumbered) figure."""
    attrs = f"#{ident}" if ident else ""
    if alt:
        attrs += (" " if attrs else "") + 'fig-alt="' + alt.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"![{caption}](<{path}>)" + (f"{{{attrs}}}" if attrs else "")


def cell_markdown(doc, cell, result, files_dir):
    """Markdown for one executed cell; images are written to files_dir."""
    opts = cell.resolve(doc.execute)
    if not opts["include"]:
        return ""
    parts = []
    if opts["echo"]:
        parts.append(_echo(cell.code, opts))
    if opts["output"] is False:
        return "\n\n".join(parts)
    asis = opts["output"] == "asis"
    label = cell.label or ""
    fig, tbl = label.startswith("fig-"), label.startswith("tbl-")
    floated, stream = [], None  # float content; pending stream text (merged across outputs)

    def flush_stream():
        nonlocal stream
        if stream:
            parts.append(stream if asis else fence(stream))
        stream = None

    for n, out in enumerate(result["outputs"]):
        kind = out.get("output_type")
        if kind == "stream":
            if out.get("name") == "stderr" and not opts["warning"]:
                continue
            stream = (stream or "") + strip_ansi(out.get("text", ""))
            continue
        flush_stream()
        if kind == "error":
            parts.append(fence(strip_ansi("\n".join(out.get("traceback", [])))))
            continue
        data = out.get("data", {})
        mime = next((m for m in ("text/markdown", *IMAGE_TYPES, "text/plain") if m in data), None)
        if mime is None:
            continue
        if mime in IMAGE_TYPES:
            files_dir.mkdir(parents=True, exist_ok=True)
            path = files_dir / f"{label or 'cell-' + str(cell.index + 1)}-{n + 1}.{IMAGE_TYPES[mime]}"
            payload = data[mime]
            if mime == "image/svg+xml":
                path.write_text(payload if isinstance(payload, str) else "".join(payload), encoding="utf-8")
            else:
                path.write_bytes(base64.b64decode(payload))
            if fig or tbl:
                floated.append(path)  # made into markdown by _float (subfigure ids and captions)
            else:  # a fig-cap without a fig- label gives an unnumbered figure
                parts.append(_image(path, opts.get("fig-alt"), opts.get("fig-cap", "")))
            continue
        text = data[mime] if isinstance(data[mime], str) else "".join(data[mime])
        md = text.strip("\n") if (mime == "text/markdown" or asis) else fence(text)
        (floated if tbl else parts).append(md)
    flush_stream()
    if floated:
        parts.append(_float(label, floated, opts, fig))
    return "\n\n".join(parts)


def _quote(value):
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _echo(code, opts):
    """The echoed code; with `lst-label` a numbered listing (`filename`, `code-fold` only matter in HTML)."""
    if not opts.get("lst-label"):
        return fence(code, "python")
    attrs = f"#{opts['lst-label']} .python"
    if opts.get("lst-cap"):
        attrs += f" lst-cap={_quote(opts['lst-cap'])}"
    return fence(code, "{" + attrs + "}")


def _float(label, floated, opts, fig):
    """`::: {#fig-x}` around a cell's figures / tables (subfigures with fig-subcap, Quarto's rules)."""
    caption = opts.get("fig-cap" if fig else "tbl-cap", "")
    attrs = f"#{label}"
    if opts.get("layout-ncol"):
        attrs += f" layout-ncol={opts['layout-ncol']}"
    colwidths = opts.get("tbl-colwidths")
    if isinstance(colwidths, list):
        attrs += f' tbl-colwidths="{colwidths}"'
    subcaps = opts.get("fig-subcap")
    images = [item for item in floated if not isinstance(item, str)]
    if fig and subcaps is not None and len(images) > 1:
        # Quarto: subfigures are `<label>-1`, `-2`...; their captions show only when fig-cap is set.
        subcaps = (subcaps if isinstance(subcaps, list) else [subcaps]) if caption else []
        subcaps += [""] * len(images)
        floated = [_image(path, opts.get("fig-alt"), subcaps[n], f"{label}-{n + 1}")
                   for n, path in enumerate(images)]
    else:
        floated = [item if isinstance(item, str) else _image(item, opts.get("fig-alt")) for item in floated]
    return f"::: {{{attrs}}}\n" + "\n\n".join(floated) + f"\n\n{caption}\n:::"


def assemble(doc, chunks, results, files_dir, warn=print):
    """The document body as pandoc markdown (no front matter)."""
    parts = []

    def shortcode(line, src):
        return shortcodes.expand(line, src, doc.meta, warn)

    for chunk in chunks:
        if isinstance(chunk, Cell):
            parts.append(cell_markdown(doc, chunk, results[chunk.index], files_dir))
        else:
            parts.append(chunk.text(shortcode))
    # Blank lines around cell output so it never glues onto a neighbouring paragraph.
    return "\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n"
