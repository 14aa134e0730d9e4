"""qmdrender against real Quarto on the peer suite (tests/fixtures/peer_suite, 14 Quarto test documents).

Every document must render with qmdrender and give the same PDF text as Quarto 1.10.18, as
the suite's `compare` measures it: pdftotext words, NFKC-normalised, icon glyphs dropped,
runs differing only in spaces, hyphens, full stops or page numbers ignored.
The reference is the stored Quarto text (quarto-1.10.18/<id>.txt) and, when `quarto` is on
PATH, a fresh Quarto render as well. Without `quarto` that second part is skipped, except
with CI=true, where a missing quarto (or pdftotext) is a failure.
"""

import difflib
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

SUITE = Path(__file__).parent / "fixtures" / "peer_suite"
DOCS = sorted(p.name for p in (SUITE / "docs").iterdir() if p.is_dir())
IN_CI = os.environ.get("CI") == "true"


def require(tool, why):
    """Skip (fail under CI=true) when `tool` is not on PATH."""
    if shutil.which(tool) is None:
        message = f"`{tool}` is not on PATH: {why}"
        if IN_CI:
            pytest.fail(message + " (CI=true: it must be installed)")
        pytest.skip(message)


def words(pdf):
    """The suite's `compare` normalisation of a PDF's text (or of a stored .txt)."""
    if pdf.suffix == ".txt":
        text = pdf.read_text(encoding="utf-8")
    else:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = unicodedata.normalize("NFKC", text.replace("\u00ad", "").replace("\u2060", ""))
    text = "".join(c for c in text if unicodedata.category(c) != "Co")  # icon-font glyphs
    return re.findall(r"\S+", text)


def differences(a, b):
    """The word runs that differ between a and b, beyond spacing, hyphenation and page numbers."""
    def trivial(x, y):
        norm = lambda s: re.sub(r"[\s\-.\u2010\u2011]", "", s)  # noqa: E731
        return norm(x) == norm(y) or bool(re.fullmatch(r"[\d\s]*", x) and re.fullmatch(r"[\d\s]*", y))

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    runs = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        x, y = " ".join(a[a1:a2]), " ".join(b[b1:b2])
        if op != "equal" and not trivial(x, y):
            runs.append((x, y))
    return runs


def render(tmp_path, doc_id, command, env=None):
    """Render one suite document in a scratch copy with `command` (+ the .qmd); return its PDF."""
    work = tmp_path / doc_id
    shutil.copytree(SUITE / "docs" / doc_id, work)
    qmd = next(work.glob("*.qmd"))
    proc = subprocess.run([*command, qmd.name], cwd=work, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, f"{doc_id}: {command[0]} failed:\n{proc.stdout}\n{proc.stderr}"
    return qmd.with_suffix(".pdf"), proc


@pytest.fixture(scope="module")
def pdftotext():
    require("pdftotext", "install poppler-utils to compare PDF texts")


def test_differences_detects_changes():
    # The comparison itself must be able to fail.
    assert differences(["Figure", "1:", "Plot"], ["Figure", "1:", "Plot"]) == []
    assert differences(["See", "Section", "1"], ["See", "Section", "0.1"]) == [("1", "0.1")]
    assert differences(["Listing", "1"], ["@lst-x"]) != []
    assert differences(["page", "3"], ["page", "4"]) == []  # page numbers are not compared


@pytest.mark.parametrize("doc_id", DOCS)
def test_qmdrender_matches_quarto_text(doc_id, tmp_path, pdftotext):
    pdf, proc = render(tmp_path, doc_id, [sys.executable, "-m", "qmdrender", "--no-cache"])
    expected = words(SUITE / "quarto-1.10.18" / f"{doc_id}.txt")
    assert differences(expected, words(pdf)) == []
    if doc_id == "15-unresolved-ref":  # Quarto warns and prints ?@label, it does not fail
        assert "WARNING:" in proc.stderr and "@fig-elephant1" in proc.stderr


@pytest.fixture(scope="module")
def quarto_pdfs(tmp_path_factory):
    """Every suite document rendered by real Quarto (one module-wide pass, ~100 s)."""
    require("quarto", "the live comparison with real Quarto needs it (stored Quarto texts are still compared)")
    require("pdftotext", "install poppler-utils to compare PDF texts")
    tmp = tmp_path_factory.mktemp("quarto")
    env = {**os.environ, "QUARTO_PYTHON": sys.executable}
    return {doc_id: words(render(tmp, doc_id, ["quarto", "render"], env)[0]) for doc_id in DOCS}


@pytest.mark.parametrize("doc_id", DOCS)
def test_stored_reference_is_what_quarto_prints(doc_id, quarto_pdfs):
    # The stored texts stay true to the installed Quarto (refresh them after an upgrade).
    assert differences(words(SUITE / "quarto-1.10.18" / f"{doc_id}.txt"), quarto_pdfs[doc_id]) == []
