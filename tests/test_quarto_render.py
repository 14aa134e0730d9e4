"""tools/quarto-render, the real-Quarto path of `make report`, with a stand-in `quarto` command:
a failed render keeps the last good PDF and leaves no Quarto files in report/; a good one moves
the kept notebook beside the PDF."""

import os
import shutil
import subprocess
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

FAKE_QUARTO = """#!/usr/bin/env bash
mkdir -p report/submission_files _output/report
touch report/submission.typ report/submission.quarto_ipynb
if [ "$FAKE_QUARTO_FAIL" = 1 ]; then echo "ERROR: compile failed" >&2; exit 1; fi
echo new > _output/report/submission.pdf
"""


def _project(tmp_path: Path) -> tuple[Path, dict]:
    (tmp_path / "tools").mkdir()
    shutil.copy(PROJECT_ROOT / "tools" / "quarto-render", tmp_path / "tools")
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "submission.qmd").write_text("# x\n")
    (tmp_path / "_output" / "report").mkdir(parents=True)
    (tmp_path / "_output" / "report" / "submission.pdf").write_text("last good")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "quarto").write_text(FAKE_QUARTO)
    (bin_dir / "quarto").chmod(0o755)
    return tmp_path, {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


def test_failed_render_keeps_the_last_good_pdf_and_cleans_report(tmp_path):
    project, env = _project(tmp_path)
    result = subprocess.run(
        ["tools/quarto-render"],
        cwd=project,
        env={**env, "FAKE_QUARTO_FAIL": "1"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("error: quarto render failed (exit 1); the last good PDF is kept")
    )
    assert (project / "_output" / "report" / "submission.pdf").read_text() == "last good"
    assert sorted(p.name for p in (project / "report").iterdir()) == ["submission.qmd"]


def test_good_render_moves_the_notebook_beside_the_pdf(tmp_path):
    project, env = _project(tmp_path)
    result = subprocess.run(["tools/quarto-render"], cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (project / "_output" / "report" / "submission.pdf").read_text() == "new\n"
    assert (project / "_output" / "report" / "submission.ipynb").exists()
    assert sorted(p.name for p in (project / "report").iterdir()) == ["submission.qmd"]
