"""Assemble pandoc markdown from prose chunks and executed cells (Quarto's rules).

Per cell, with options resolved over `execute:` defaults:
    include: false   nothing is shown (the cell still ran)
    echo: true       the code (without `#|` lines) as a ```python block
    output: false    outputs hidden;  output: asis  text/markdown/streams inserted raw
    warning: false   stderr streams dropped
Outputs, by preferred MIME type: text/markdown (inserted as markdown),
image/png|svg+xml|jpeg (saved to `<stem>_files/`, embedded at text width),
text/plain and streams (code blocks). HTML-only outputs are skipped.
Floats: `label: fig-x` (+ `fig-cap`) wraps the images in `::: {#fig-x}`;
`label: tbl-x` (+ `tbl-cap`) wraps the displayed outputs in `::: {#tbl-x}`
(Quarto's div syntax: caption = last paragraph; crossref.lua does the rest).
"""

import base64
import re

from .parse import Cell
from .execute import strip_ansi

IMAGE_TYPES = {"image/png": "png", "image/svg+xml": "svg", "image/jpeg": "jpg"}


def fence(text, lang=""):
    """A fenced code block long enough not to be closed by backticks in `text`."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{lang}\n{text.rstrip()}\n{ticks}"


def _image(path, alt=None, caption=""):
    """Markdown image at text width; a caption makes it an (unnumbered) figure."""
    attrs = "width=100%"
    if alt:
        attrs += ' fig-alt="' + alt.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"![{caption}](<{path}>){{{attrs}}}"


def cell_markdown(doc, cell, result, files_dir):
    """Markdown for one executed cell; images are written to files_dir."""
    opts = cell.resolve(doc.execute)
    if not opts["include"]:
        return ""
    parts = []
    if opts["echo"]:
        parts.append(fence(cell.code, "python"))
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
                floated.append(_image(path, opts.get("fig-alt")))
            else:  # a fig-cap without a fig- label gives an unnumbered figure
                parts.append(_image(path, opts.get("fig-alt"), opts.get("fig-cap", "")))
            continue
        text = data[mime] if isinstance(data[mime], str) else "".join(data[mime])
        md = text.strip("\n") if (mime == "text/markdown" or asis) else fence(text)
        (floated if tbl else parts).append(md)
    flush_stream()
    if floated:
        caption = opts.get("fig-cap" if fig else "tbl-cap", "")
        parts.append(f"::: {{#{label}}}\n" + "\n\n".join(floated) + f"\n\n{caption}\n:::")
    return "\n\n".join(parts)


def assemble(doc, chunks, results, files_dir):
    """The document body as pandoc markdown (no front matter)."""
    parts = []
    for chunk in chunks:
        if isinstance(chunk, Cell):
            parts.append(cell_markdown(doc, chunk, results[chunk.index], files_dir))
        else:
            parts.append(chunk.text())
    # Blank lines around cell output so it never glues onto a neighbouring paragraph.
    return "\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n"
