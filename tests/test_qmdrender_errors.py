"""qmdrender failures: each one's first line names the file (and line or cell) and what to do.

Option and syntax errors stop before a kernel starts; the cell and cache cases share small
one-cell projects (one kernel start each).
"""

import json
import os
import sys

import pytest

from qmdrender import RenderError, render
from qmdrender.__main__ import main
from test_qmdrender_features import write

CELL = "```{python}\n#| label: count\nwith open('runs.txt', 'a') as f:\n    f.write('run\\n')\n```\n"


def failure(root, target=None):
    """The RenderError of rendering `target` (default: the project `root`)."""
    with pytest.raises(RenderError) as err:
        render(target or root, quiet=True)
    return err.value


def doc(tmp_path, front, body="Text.\n", config=None):
    files = {"doc.qmd": f"---\n{front}\n---\n\n{body}"}
    if config is not None:
        files["_quarto.yml"] = config
    return write(tmp_path, files)


# --- options are validated as Quarto's schema does ---------------------------------

@pytest.mark.parametrize("config, message", [
    ("project:\n  type: default\nexecute:\n  ehco: false\n",
     "_quarto.yml:4: unknown option `ehco` under `execute` (did you mean `echo`? supported: "),
    ("project: default\n",
     "_quarto.yml:1: `project` must be a mapping of options, not 'default' (e.g. `project:` then indented"),
    ("project:\n  output_dir: out\n",
     "_quarto.yml:2: unknown option `output_dir` under `project` (did you mean `output-dir`?"),
    ("project:\n  type: book\n", "_quarto.yml:2: option `project: type` must be default, not 'book'"),
    ("format:\n  typst:\n    toc: true\n    tocdepth: 2\n",
     "_quarto.yml:4: unknown option `tocdepth` under `format: typst` (did you mean `toc-depth`?"),
    ("execute:\n  echo: nope\n", "_quarto.yml:2: option `execute: echo` must be true or false, not 'nope'"),
])
def test_project_options(tmp_path, config, message):
    assert failure(doc(tmp_path, "title: T", config=config)).message.startswith(message)


@pytest.mark.parametrize("front, message", [
    ("title: T\nformat:\n  typst:\n    toc-depth: two", "doc.qmd:5: option `format: typst: toc-depth` must be "
                                                      "an integer, not 'two'"),
    ("title: T\nexecute:\n  cache: maybe", "doc.qmd:4: option `execute: cache` must be true or false, not 'maybe'"),
    ("title: T\nexecute:\n  freez: true", "doc.qmd:4: unknown option `freez` under `execute` (did you mean `freeze`?"),
    ("title: T\nnumber-sections: 'yes'", "doc.qmd:3: option `number-sections` must be true or false, not 'yes'"),
    ("title: T\nengine: knitr", "doc.qmd:3: qmdrender runs only `engine: jupyter` (python cells), not 'knitr'"),
    ("title: T\nbibliography: missing.bib", "doc.qmd:3: bibliography file not found: missing.bib"),
    ("title: T\nformat: html", "doc.qmd:3: qmdrender only renders `format: typst` (found html)"),
])
def test_front_matter_options(tmp_path, front, message):
    assert failure(doc(tmp_path, front)).message.startswith(message)


@pytest.mark.parametrize("option, message", [
    ("layout-ncol: two", "bad value for cell option `layout-ncol`: 'two' (expected a positive integer)"),
    ("tbl-colwidths: wide", "bad value for cell option `tbl-colwidths`: 'wide' (expected a list of numbers or auto)"),
    ("fig-subcap: 3", "bad value for cell option `fig-subcap`: 3 (expected a string or a list of strings)"),
    ("colour: red", "unknown cell option `colour` in doc.qmd (supported: "),
])
def test_cell_options(tmp_path, option, message):
    root = doc(tmp_path, "title: T", f"```{{python}}\n#| {option}\n1\n```\n")
    assert failure(root).message.startswith(f"doc.qmd:6: {message}")


# --- unsupported syntax: one line with the document line -----------------------------

def test_unsupported_shortcode(tmp_path):
    root = doc(tmp_path, "title: T", "Fine.\n\n{{< video x.mp4 >}}\n")
    assert failure(root).message == ("doc.qmd:7: unsupported shortcode `{{< video x.mp4 >}}` "
                                     "(qmdrender supports include, meta KEY and pagebreak)")


def test_image_outside_the_project(tmp_path):
    (tmp_path / "outside.png").write_bytes(b"")
    root = doc(tmp_path / "proj", "title: T", "![X](../outside.png){#fig-x}\n", config="")
    assert failure(root).message == (f"doc.qmd:5: image ../outside.png is outside the project folder {root}, "
                                     f"which typst cannot read from: move it into the project")


@pytest.mark.parametrize("body, message", [
    ("Text.\n\nBy @thm-main.\n", "doc.qmd:7: `thm-main`: Quarto's theorem cross-references are not supported"),
    ("::: {#nte-x .callout-note}\nN.\n:::\n", "doc.qmd:5: `nte-x`: Quarto's note callout cross-references are not"),
    ("::: {#tbl-l .list-table}\nCap.\n\n* a\n* b\n:::\n",
     "doc.qmd:5: .list-table tbl-l: every row must be a `* - cell` list of cells"),
])
def test_unsupported_syntax_names_the_line(tmp_path, body, message):
    assert failure(doc(tmp_path, "title: T", body)).message.startswith(message)


def test_typst_error_names_the_document(tmp_path):
    root = doc(tmp_path, "title: T", "```{=typst}\n#bogus()\n```\n")
    error = failure(root)
    assert error.message == ("doc.qmd: typst could not compile the document (error: unknown variable: bogus); "
                             "set `keep-typ: true` under `format: typst:` to keep the .typ it refers to")
    assert "#bogus()" in error.detail


# --- cells: the exception's own message goes into the first line -----------------------

@pytest.fixture
def failing(tmp_path):
    """A rendered project (PDF, figures) whose document then gets a failing cell."""
    root = doc(tmp_path, "title: T", "```{python}\n#| label: fig-ok\n#| fig-cap: Ok\n"
               "import matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.show()\n```\n", config="")
    render(root, quiet=True)
    with (root / "doc.qmd").open("a") as f:
        f.write("\n```{python}\n#| label: load\nraise RuntimeError('weights/vae.pt is missing: run `make train`')\n```\n")
    return root


def test_cell_exception_first_line(failing, capsys):
    pdf, listing = (failing / "doc.pdf").read_bytes(), sorted(p.name for p in failing.iterdir())
    assert main([str(failing)]) == 1
    err = capsys.readouterr().err.splitlines()
    python = os.path.relpath(sys.executable) if sys.executable.startswith(os.getcwd() + os.sep) else sys.executable
    assert err[0] == ("error: doc.qmd cell 'load' (line 12): RuntimeError: weights/vae.pt is missing: run "
                      f"`make train`; then rerun `{python} -m qmdrender {failing}`")
    assert any("Traceback" in line for line in err[1:])
    # the last good PDF is untouched and nothing was left behind
    assert (failing / "doc.pdf").read_bytes() == pdf and sorted(p.name for p in failing.iterdir()) == listing


def test_failed_typst_keeps_outputs_and_leaves_no_stray_files(failing):
    text = (failing / "doc.qmd").read_text().replace("raise RuntimeError('weights/vae.pt is missing: run `make train`')",
                                                      "print(1)")
    (failing / "doc.qmd").write_text(text + "\n```{=typst}\n#bogus()\n```\n")
    pdf, figure = (failing / "doc.pdf").read_bytes(), (failing / "doc_files" / "fig-ok-1.svg").read_bytes()
    assert "unknown variable: bogus" in failure(failing).message
    assert (failing / "doc.pdf").read_bytes() == pdf and (failing / "doc_files" / "fig-ok-1.svg").read_bytes() == figure
    assert sorted(p.name for p in failing.iterdir()) == [".cache", "_quarto.yml", "doc.ipynb", "doc.pdf", "doc.qmd",
                                                          "doc_files"]


def test_inline_expression_error(tmp_path):
    root = doc(tmp_path, "title: T", "Value: `{python} undefined_name`.\n")
    assert failure(root).message == ("doc.qmd:5: inline expression `undefined_name`: "
                                     "NameError: name 'undefined_name' is not defined")


def test_missing_kernel(tmp_path):
    root = doc(tmp_path, "title: T\njupyter: no-such-kernel", CELL)
    assert failure(root).message.startswith("cannot start Jupyter kernel `no-such-kernel` (NoSuchKernel: ")
    assert "`jupyter kernelspec list`" in failure(root).message


# --- the execution cache heals itself -------------------------------------------------

@pytest.mark.parametrize("damage", ["[]", "{not json", "cells"])
def test_damaged_cache_entry_is_a_miss_and_rewritten(tmp_path, damage, capsys):
    root = doc(tmp_path, "title: T", CELL + "\nValue `{python} 6 * 7`.\n", config="")
    render(root, quiet=True)
    entry = root / ".cache" / "qmdrender" / "doc.json"
    if damage == "cells":  # valid JSON, right key, too few cells
        data = json.loads(entry.read_text())
        data["cells"] = []
        damage = json.dumps(data)
    entry.write_text(damage)
    capsys.readouterr()
    render(root, quiet=True)
    warnings = [line for line in capsys.readouterr().err.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and str(entry) in warnings[0] and "executing the document again" in warnings[0]
    assert (root / "runs.txt").read_text() == "run\nrun\n"  # executed again
    assert len(json.loads(entry.read_text())["cells"]) == 1  # and rewritten whole
    assert not list(entry.parent.glob("*.tmp"))
    render(root, quiet=True)
    assert (root / "runs.txt").read_text() == "run\nrun\n"  # now a hit, silently
    assert "WARNING" not in capsys.readouterr().err
