"""Tests for qmdrender (src/qmdrender): a Quarto-subset renderer to PDF.

Each render starts a Jupyter kernel (a few seconds), so one module-scoped
render of the `basic` fixture is shared; tests that edit the project work on
a copy of that rendered project (its execution cache included).
"""

import os
import shutil
import sys
from datetime import date
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from qmdrender import RenderError, render
from qmdrender.__main__ import main

FIXTURES = Path(__file__).parent / "fixtures" / "qmd"


def pdf_text(path):
    # typst puts a no-break space in "Figure 1": compare with plain spaces
    return "\n".join(page.extract_text() for page in PdfReader(path).pages).replace("\xa0", " ")


def runs(root):
    """Number of times the fixture's first cell ran (it appends to runs.txt)."""
    path = root / "runs.txt"
    return len(path.read_text().splitlines()) if path.exists() else 0


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("rendered") / "basic"
    shutil.copytree(FIXTURES / "basic", root)
    pdf = render(root, quiet=True)
    return root, pdf, pdf_text(pdf)


@pytest.fixture
def clone(rendered, tmp_path):
    """A copy of the rendered project (outputs and cache included) to modify."""
    root = tmp_path / "basic"
    shutil.copytree(rendered[0], root)
    return root


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def make_project(tmp_path, doc, files=None):
    """A one-document project (no kernel needed when parsing fails)."""
    (tmp_path / "_quarto.yml").write_text("project:\n  output-dir: _output\n")
    (tmp_path / "doc.qmd").write_text("---\ntitle: T\njupyter: python3\n---\n" + doc)
    for name, text in (files or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


# --- one render of the basic fixture ----------------------------------------

def test_outputs_mirror_quarto_layout(rendered):
    root, pdf, text = rendered
    assert pdf == root / "_output" / "report" / "doc.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert (root / "_output" / "report" / "doc_files" / "fig-line-1.svg").exists()  # Quarto's typst default
    assert not list(pdf.parent.glob("*.tmp"))  # atomic writes leave no temp files
    umask = os.umask(0)
    os.umask(umask)
    assert pdf.stat().st_mode & 0o777 == 0o666 & ~umask  # as any file the user writes, not mkstemp's 0600
    for piece in ("Fixture Report", "A qmdrender test", "Ada Lovelace", date.today().isoformat(), "Table of contents"):
        assert piece in text


def test_cross_references_resolve(rendered):
    text = rendered[2]
    assert "The line is in Figure 1, the numbers in Table 1" in text
    assert "the method in Section 1.1 and the" in text
    assert "energy in Equation 1" in text
    assert "See Section 1 again" in text
    assert "Figure 1: A straight line." in text
    assert "Table 1: Summary statistics." in text
    assert "alpha" in text and "beta" in text  # the markdown table itself
    for raw in ("@fig-", "@tbl-", "@sec-", "@eq-", "??"):
        assert raw not in text


def test_cell_options(rendered):
    root, _, text = rendered
    assert 'echoed = "ECHOED-CODE"' in text and "VISIBLE-OUTPUT" in text  # echo: true
    assert "SECRET-CODE" not in text and "NO-ECHO-OUTPUT" in text  # echo: false
    assert "INCLUDE-FALSE" not in text  # include: false hides code and output
    assert "OUTPUT-FALSE-TEXT" not in text and '"OUTPUT-FALSE-" + "TEXT"' in text  # output: false
    assert "DROPPED-WARNING" not in text and "KEPT-STDOUT" in text  # warning: false
    assert "UserWarning: SHOWN-WARNING" in text  # warnings shown by default
    assert "ZeroDivisionError" in text  # error: true keeps going and shows the traceback
    assert 'open("evaluated.txt"' in text and not (root / "evaluated.txt").exists()  # eval: false


def test_includes_and_inline_expressions(rendered):
    text = rendered[2]
    assert "The method section comes from an included file." in text
    assert "NESTED-INCLUDE-TEXT" in text
    assert "from include: 22" in text  # a cell inside a nested include ran in order
    assert "The answer is 42 and the name is inline-value." in text
    assert "{python}" not in text


def test_executed_notebook(rendered):
    root = rendered[0]
    nb = nbformat.read(root / "_output" / "report" / "doc.ipynb", as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 12
    by_marker = {next((m for m in ("fig-line", "INCLUDE-FALSE", "evaluated.txt") if m in c.source), None): c
                 for c in code}
    assert any("image/svg+xml" in o.get("data", {}) for o in by_marker["fig-line"].outputs)
    # include: false hides the output from the PDF, but the cell did run
    assert "INCLUDE-FALSE-OUTPUT" in by_marker["INCLUDE-FALSE"].outputs[0]["text"]
    assert by_marker["evaluated.txt"].outputs == [] and by_marker["evaluated.txt"].execution_count is None
    assert any("The answer is 42" in c.source for c in nb.cells if c.cell_type == "markdown")


# --- cache -------------------------------------------------------------------

def test_prose_edit_is_a_cache_hit(clone, capsys):
    edit(clone / "report" / "doc.qmd", "PROSE-MARKER", "PROSE-EDITED")
    assert main([str(clone)]) == 0
    assert "cache hit, kernel not started" in capsys.readouterr().out
    assert runs(clone) == 1  # the first cell did not run again
    text = pdf_text(clone / "_output" / "report" / "doc.pdf")
    assert "PROSE-EDITED" in text and "PROSE-MARKER" not in text
    assert "Figure 1: A straight line." in text and "The answer is 42" in text


def test_code_edit_is_a_cache_miss(clone):
    edit(clone / "report" / "doc.qmd", "x = 21", "x = 50")
    text = pdf_text(render(clone, quiet=True))
    assert runs(clone) == 2
    assert "The answer is 100" in text and "from include: 51" in text


def test_no_cache_reexecutes_and_is_reproducible(clone, rendered):
    text = pdf_text(render(clone, use_cache=False, quiet=True))
    assert runs(clone) == 2
    assert text == rendered[2]


# --- errors ------------------------------------------------------------------

def test_failing_cell_reports_location_and_keeps_previous_pdf(clone):
    doc = clone / "report" / "doc.qmd"
    pdf = clone / "_output" / "report" / "doc.pdf"
    before = pdf.read_bytes()
    fence_line = len(doc.read_text().splitlines()) + 2
    with doc.open("a") as f:
        f.write('\n```{python}\n#| label: boom\nraise ValueError("kaboom")\n```\n')
    with pytest.raises(RenderError) as err:
        render(clone, quiet=True)
    assert err.value.message == f"report/doc.qmd cell 'boom' (line {fence_line}): ValueError: kaboom"
    assert f"report/doc.qmd:{fence_line + 1}" in err.value.detail and "Traceback" in err.value.detail
    assert pdf.read_bytes() == before
    assert not [p for p in clone.rglob("*") if "qmdrender-tmp" in p.name or p.suffix == ".tmp"]


def test_unknown_option_names_file_line_and_option(tmp_path):
    # The bad option sits in an included file: the location must point there.
    root = make_project(tmp_path, "Text.\n\n{{< include parts/_bad.qmd >}}\n", {
        "parts/_bad.qmd": "Intro.\n\n```{python}\n#| label: ok\n#| colour: red\n1\n```\n"})
    with pytest.raises(RenderError) as err:
        render(root, quiet=True)
    msg = str(err.value)
    assert "parts/_bad.qmd:5" in msg and "`colour`" in msg and "doc.qmd" in msg


def test_missing_include_names_file_and_line(tmp_path):
    root = make_project(tmp_path, "{{< include _a.qmd >}}\n", {"_a.qmd": "A\n\n{{< include _missing.qmd >}}\n"})
    with pytest.raises(RenderError) as err:
        render(root, quiet=True)
    assert "_a.qmd:3" in str(err.value) and "_missing.qmd" in str(err.value)


def test_cli_error_is_one_clean_line(tmp_path, capsys):
    root = make_project(tmp_path, "```{python}\n#| echo: maybe\n1\n```\n")
    assert main([str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: doc.qmd:6: bad value for cell option `echo`: 'maybe' (expected true or false)")
    python = os.path.relpath(sys.executable) if sys.executable.startswith(os.getcwd() + os.sep) else sys.executable
    assert f"then rerun `{python} -m qmdrender {root} --quiet`" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (root / "_output").exists()
