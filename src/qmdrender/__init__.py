"""qmdrender: render a Quarto project to PDF without the quarto binary.

Same path as `quarto render` with `format: typst`:

    .qmd --parse--> markdown + python cells --execute (Jupyter kernel, cached)-->
    pandoc markdown --pandoc + crossref.lua--> typst --typst--> PDF (+ executed .ipynb)

Modules: project (config), parse (includes, cells, options), execute (kernel,
notebook), cache, markdown (cell outputs -> markdown), convert (pandoc),
pdf (typst, atomic writes), __main__ (CLI).
"""

import shutil
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


def render_document(project: Project, path, *, use_cache=True, to="typst", log=print) -> Path:
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

    results, hit = execute.execute(doc, chunks, use_cache=use_cache, log=log)
    stage("execute", "cache hit, kernel not started" if hit else f"kernel `{doc.kernel}`")

    files_dir = stem.parent / f"{stem.name}_files"
    shutil.rmtree(files_dir, ignore_errors=True)  # ours entirely: drop figures of removed cells
    text = convert.front_matter(doc) + markdown.assemble(doc, chunks, results, files_dir)
    nb = nbformat.writes(execute.notebook(doc, chunks, results))
    stage("markdown")
    if to == "md":
        out = stem.with_suffix(".md")
        pdf.write_atomic(out, text)
        pdf.write_atomic(stem.with_suffix(".ipynb"), nb)
        log(f"  -> {out}")
        return out

    source = convert.to_typst(doc, text)
    stage("pandoc")
    data = pdf.compile_pdf(doc, source)
    stage("typst")

    # Everything succeeded: only now replace the previous outputs.
    if doc.format["keep-md"]:
        pdf.write_atomic(stem.with_suffix(".md"), text)
    if doc.format["keep-typ"]:
        pdf.write_atomic(stem.with_suffix(".typ"), source)
    pdf.write_atomic(stem.with_suffix(".ipynb"), nb)
    out = stem.with_suffix(".pdf")
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
