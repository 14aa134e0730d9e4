"""Fault probes on qmdrender: a render killed mid-way and two renders of one project at once
leave the last good PDF intact (byte for byte) and no stray files beside the sources."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

DOC = """---
title: Probe
jupyter: python3
---

```{python}
import os, time
time.sleep(float(os.environ.get("PROBE_SLEEP", "0")))
print("slept")
```

Some text.
"""


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "_quarto.yml").write_text("project:\n  output-dir: _output\n")
    (tmp_path / "doc.qmd").write_text(DOC)
    subprocess.run(
        [sys.executable, "-m", "qmdrender", str(tmp_path), "--no-cache"],
        check=True,
        capture_output=True,
        text=True,
    )
    return tmp_path


def _pdf(project: Path) -> Path:
    return project / "_output" / "doc.pdf"


def _sources(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if not p.name.startswith((".", "_")))


def test_killed_render_keeps_the_last_good_pdf(project):
    good, before = _pdf(project).read_bytes(), _sources(project)
    render = subprocess.Popen(
        [sys.executable, "-m", "qmdrender", str(project), "--no-cache"],
        env={**__import__("os").environ, "PROBE_SLEEP": "60"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(8)  # the kernel is up and the cell is sleeping
    render.kill()
    render.wait()
    assert _pdf(project).read_bytes() == good
    assert _sources(project) == before


def test_two_renders_at_once_end_with_a_valid_pdf(project):
    import os

    before = _sources(project)
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "qmdrender", str(project), "--no-cache"],
            env={**os.environ, "PROBE_SLEEP": "2"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [run.communicate(timeout=300) + (run.returncode,) for run in runs]
    assert any(code == 0 for _, _, code in outcomes), outcomes
    for _, err, code in outcomes:
        if code != 0:  # a refused render says so in its first line
            assert err.strip().splitlines()[0].startswith("error:"), err
    assert _pdf(project).read_bytes().startswith(b"%PDF") and _pdf(project).stat().st_size > 1000
    assert _sources(project) == before
