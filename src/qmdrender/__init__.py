"""qmdrender: render a Quarto project to PDF without the quarto binary.

Same path as `quarto render` with `format: typst`:

    .qmd --parse--> markdown + python cells --execute (Jupyter kernel, cached)-->
    pandoc markdown --pandoc + crossref.lua--> typst --typst--> PDF (+ executed .ipynb)

Modules: project (config), options (Quarto option checks), parse (includes,
cells, options), execute (kernel, notebook), cache, markdown (cell outputs ->
markdown), shortcodes (meta, pagebreak), convert (pandoc + crossref.lua:
cross-references, subfloats, callouts, listings, citations), pdf (typst,
atomic writes), __main__ (CLI). Quarto 1.10 is the reference: what qmdrender
renders prints the same text; what it does not support stops the render with
one line naming the feature and the document line.
"""

import shutil
import sys
import time
from pathlib import Path

import nbformat

from . import convert, execute, markdown, parse, pdf
from .errors import RenderError
from .project import Project, load_document, load_project

__all__ = ["render", "render_document", "RenderError"]


def _find_root(path: Path) -> Path:
    """The closest folder at or above `path` holding a _quarto.yml (else path's folder)."""
    start = path if path.is_dir() else path.parent
    for folder in (start, *start.parents):
        if (folder / "_quarto.yml").exists():
            return folder
    return start


def _warn(message):
    print(f"WARNING: {message}", file=sys.stderr, flush=True)


def render_document(project: Project, path, *, use_cache=True, to="typst", log=print, warn=_warn) -> Path:
    """Render one document of `project`; return the written PDF (or .md with to="md")."""
    doc = load_document(project, path)
    stem = doc.output_stem
    log(f"rendering {doc.rel}")
    clock = time.perf_counter()

    def stage(name, detail=""):
        nonlocal clock
        now = time.perf_counter()
        log(f"  {name:<9}{now - clock:7.2f}s  {detail}".rstrip())
        clock = now

    chunks = parse.parse(doc.body, doc.path, doc.body_line, doc.rel, project.root)
    n_cells = sum(isinstance(c, parse.Cell) for c in chunks)
    n_inline = sum(len(c.inlines) for c in chunks if isinstance(c, parse.Markdown))
    stage("parse", f"{n_cells} cells, {n_inline} inline expressions")

    results, hit = execute.execute(doc, chunks, use_cache=use_cache, log=log, warn=warn)
    stage("execute", "cache hit, kernel not started" if hit else f"kernel `{doc.kernel}`")

    # Figures go to a hidden staging folder, swapped in only when everything succeeded:
    # a failed render leaves the previous outputs as they were and no stray files.
    files_dir = stem.parent / f"{stem.name}_files"
    staging = stem.parent / f".{stem.name}_files.qmdrender-tmp"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        return _convert(doc, chunks, results, stem, files_dir, staging, to, stage, log, warn)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _locate(doc, chunks, needle):
    """`file:line` of the first prose line containing `needle` (the document when none does)."""
    for chunk in chunks:
        if needle and isinstance(chunk, parse.Markdown):
            for text, src in chunk.lines:
                if needle in text:
                    return str(src)
    return str(doc.rel)


def _convert(doc, chunks, results, stem, files_dir, staging, to, stage, log, warn):
    """Markdown -> typst -> PDF with figures in `staging`; then replace the outputs."""
    text = convert.front_matter(doc) + markdown.assemble(doc, chunks, results, staging, warn)
    nb = nbformat.writes(execute.notebook(doc, chunks, results))
    stage("markdown")
    source = data = None
    if to != "md":
        source = convert.to_typst(doc, text, warn=warn, locate=lambda needle: _locate(doc, chunks, needle))
        stage("pandoc")
        data = pdf.compile_pdf(doc, source)
        stage("typst")

    # Everything succeeded: only now replace the previous outputs.
    shutil.rmtree(files_dir, ignore_errors=True)  # ours entirely: drop figures of removed cells
    if staging.exists():
        staging.rename(files_dir)
    final = (lambda t: t.replace(staging.name, files_dir.name))  # paths in the kept sources
    if to == "md" or doc.format["keep-md"]:
        pdf.write_atomic(stem.with_suffix(".md"), final(text))
    if source is not None and doc.format["keep-typ"]:
        pdf.write_atomic(stem.with_suffix(".typ"), final(source))
    pdf.write_atomic(stem.with_suffix(".ipynb"), nb)
    out = stem.with_suffix(".md" if to == "md" else ".pdf")
    if data is not None:
        pdf.write_atomic(out, data)
    log(f"  -> {out}")
    return out


def render(path=".", *, use_cache=True, to="typst", quiet=False) -> Path:
    """Render a project directory (every document of `render:`) or one .qmd file.

    Returns the output path of the last rendered document. Raises RenderError
    for problems in the project (bad option, missing include, failing cell...).
    """
    if to not in ("typst", "md"):
        raise RenderError(f"unknown output format {to!r} (use typst or md)")
    path = Path(path).resolve()
    if not path.exists():
        raise RenderError(f"{path}: no such file or directory")
    project = load_project(_find_root(path))
    documents = [path] if path.is_file() else project.documents
    if not documents:
        raise RenderError(f"{project.root}: no documents to render")
    log = (lambda *a, **k: None) if quiet else (lambda *a, **k: print(*a, **k, flush=True))
    out = None
    for document in documents:
        out = render_document(project, document, use_cache=use_cache, to=to, log=log)
    return out
