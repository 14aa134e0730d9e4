"""Where each answer is, and where each number came from: traceability and provenance.

`report/traceability.yml` maps each marked item of the coursework to the labels of the
sections, figures and tables that answer it; `document_labels` reads the labels the report
actually defines so a test can fail on a dangling one.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd
import yaml

from genmodels.paths import PROJECT_ROOT
from genmodels.reporting import device_name

REPORT_DIR = PROJECT_ROOT / "report"
# Cell labels, {#…} attributes, and listings that cells build with listing.listing(label="lst-…").
LABEL_PATTERNS = (
    re.compile(r"^#\|\s*label:\s*([\w-]+)", re.M),
    re.compile(r"\{#((?:sec|fig|tbl|eq|lst)-[\w-]+)\}"),
    re.compile(r"""label=["'](lst-[\w-]+)["']"""),
)


def traceability_map(path: Path = REPORT_DIR / "traceability.yml") -> list[dict]:
    return yaml.safe_load(Path(path).read_text())


def document_labels(report_dir: Path = REPORT_DIR) -> set[str]:
    """Every cross-referenceable label defined in the report's .qmd files."""
    labels = set()
    for path in Path(report_dir).glob("*.qmd"):
        text = path.read_text()
        for pattern in LABEL_PATTERNS:
            labels.update(pattern.findall(text))
    return labels


def missing_labels(report_dir: Path = REPORT_DIR) -> list[str]:
    defined = document_labels(report_dir)
    wanted = [
        label for row in traceability_map(Path(report_dir) / "traceability.yml") for label in row["where"]
    ]
    return [label for label in wanted if label not in defined]


def traceability_table(report_dir: Path = REPORT_DIR) -> str:
    """The map as a markdown table whose cells are cross-references (resolved when rendered)."""
    rows = [
        {"marked item": row["item"], "answered in": ", ".join(f"@{label}" for label in row["where"])}
        for row in traceability_map(Path(report_dir) / "traceability.yml")
    ]
    return pd.DataFrame(rows).to_markdown(index=False)


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def git_state() -> str:
    try:
        commit = _git("rev-parse", "--short=12", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return commit + (" (with uncommitted changes)" if dirty else "")


def renderer(environ=None, which=shutil.which) -> str:
    """What is rendering this document: Quarto (which sets QUARTO_DOCUMENT_PATH for the cells
    it runs) with its version and the typst compiler it calls, else the bundled qmdrender."""
    environ = os.environ if environ is None else environ
    quarto = which("quarto")
    if "QUARTO_DOCUMENT_PATH" not in environ or quarto is None:
        return "qmdrender (typst compiler of the PyPI typst package)"
    try:
        version = subprocess.run([quarto, "--version"], capture_output=True, text=True, timeout=60).stdout
        typst = subprocess.run([quarto, "typst", "--version"], capture_output=True, text=True, timeout=60)
        compiler = typst.stdout.strip() or typst.stderr.strip()  # some builds print it on stderr
    except (OSError, subprocess.SubprocessError):
        return "Quarto (version unknown)"
    return f"Quarto {version.strip()}" + (f", {compiler}" if compiler else "")


def environment_table() -> str:
    packages = (
        "torch",
        "torchvision",
        "numpy",
        "scikit-learn",
        "scipy",
        "matplotlib",
        "pandas",
        "torchmetrics",
        "nbclient",
        "typst",
        "pypandoc-binary",
    )
    rows = [
        {"item": "git commit", "value": git_state()},
        {"item": "rendered by", "value": renderer()},
        {"item": "python", "value": platform.python_version()},
        {"item": "machine", "value": f"{platform.machine()}, {platform.system()} {platform.release()}"},
    ]
    for package in packages:
        try:
            label = "typst (PyPI package)" if package == "typst" else package
            rows.append({"item": label, "value": metadata.version(package)})
        except metadata.PackageNotFoundError:
            rows.append({"item": package, "value": "not installed"})
    return side_by_side(pd.DataFrame(rows), ("package", "version")).to_markdown(index=False)


def side_by_side(table: pd.DataFrame, names: tuple[str, str]) -> pd.DataFrame:
    """A two-column `table` as four columns, its first half beside its second (the second half's
    columns renamed to `names`; an odd last row leaves its right half empty), half as tall."""
    half = -(-len(table) // 2)
    left = table.iloc[:half].reset_index(drop=True)
    right = table.iloc[half:].reset_index(drop=True)
    right.columns = list(names)
    return pd.concat([left, right], axis=1).fillna("")


def model_provenance_table(entries: dict) -> str:
    """One row per model, read from its weights-manifest entry: hashes, budget and whether its
    weight file ships (a metrics-only entry records the sha256 of the file it wrote)."""
    rows = [
        {
            "model": name,
            "file": "metrics only" if entry.get("metrics_only") else "shipped",
            "sha256 (first 12)": entry["sha256"][:12],
            "config hash": entry["config_hash"],
            "epochs": entry["epochs"],
            "device": device_name(entry),
            "training [min]": f"{entry['train_seconds'] / 60:.1f}",
        }
        for name, entry in entries.items()
    ]
    # No number parsing: a hash such as 4245e836 is not a float, and 128.0 keeps its decimal.
    return pd.DataFrame(rows).to_markdown(
        index=False, disable_numparse=True, colalign=("left",) * 4 + ("right", "left", "right")
    )
