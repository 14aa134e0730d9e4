"""Where each answer is, and where each number came from: traceability and provenance.

`report/traceability.yml` maps each marked item of the coursework to the labels of the
sections, figures and tables that answer it; `document_labels` reads the labels the report
actually defines so a test can fail on a dangling one.
"""
from __future__ import annotations

import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd
import yaml

from genmodels import PROJECT_ROOT

REPORT_DIR = PROJECT_ROOT / "report"
# Cell labels, {#…} attributes, and listings that cells build with listing.listing(label="lst-…").
LABEL_PATTERNS = (re.compile(r"^#\|\s*label:\s*([\w-]+)", re.M), re.compile(r"\{#((?:sec|fig|tbl|eq|lst)-[\w-]+)\}"),
                  re.compile(r"""label=["'](lst-[\w-]+)["']"""))


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
    wanted = [label for row in traceability_map(Path(report_dir) / "traceability.yml") for label in row["where"]]
    return [label for label in wanted if label not in defined]


def traceability_table(report_dir: Path = REPORT_DIR) -> str:
    """The map as a markdown table whose cells are cross-references (resolved when rendered)."""
    rows = [{"marked item": row["item"], "answered in": ", ".join(f"@{label}" for label in row["where"])}
            for row in traceability_map(Path(report_dir) / "traceability.yml")]
    return pd.DataFrame(rows).to_markdown(index=False)


def git_state() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=PROJECT_ROOT,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return commit + (" (with uncommitted changes)" if dirty else "")


def environment_table() -> str:
    packages = ("torch", "torchvision", "numpy", "scikit-learn", "scipy", "matplotlib", "pandas",
                "torchmetrics", "nbclient", "typst", "pypandoc-binary")
    rows = [{"item": "git commit", "value": git_state()},
            {"item": "python", "value": platform.python_version()},
            {"item": "machine", "value": f"{platform.machine()}, {platform.system()} {platform.release()}"}]
    for package in packages:
        try:
            rows.append({"item": package, "value": metadata.version(package)})
        except metadata.PackageNotFoundError:
            rows.append({"item": package, "value": "not installed"})
    return pd.DataFrame(rows).to_markdown(index=False)


def _format_metric(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return "; ".join(f"{k} {_format_metric(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(_format_metric(v) for v in value) + "]"
    return str(value)


def model_provenance_table(entries: dict) -> str:
    """One row per shipped model, read from its weights-manifest entry: hashes and budget."""
    rows = [{"model": name, "sha256 (first 12)": entry["sha256"][:12], "config hash": entry["config_hash"],
             "epochs": entry["epochs"], "training [min]": f"{entry['train_seconds'] / 60:.1f}"}
            for name, entry in entries.items()]
    return pd.DataFrame(rows).to_markdown(index=False)


def hardware_sentence(entries: dict) -> str:
    """Where the models were trained, from the manifest (one clause per distinct machine)."""
    machines = {}
    for name, entry in entries.items():
        h = entry["hardware"]
        where = (f"{h['cpu_count']} CPU cores ({h['machine']}), {h['torch_threads']} torch thread(s), "
                 f"torch {h['torch']}" + (f", {h['cuda']}" if h.get("cuda") else ", no GPU"))
        machines.setdefault(where, []).append(name)
    return "; ".join(f"{', '.join(names)}: {where}" for where, names in machines.items())


def model_details(entries: dict) -> str:
    """Each model's full configuration and the metrics stored with it, one paragraph per model."""
    paragraphs = []
    for name, entry in entries.items():
        config = {k: f"{v['name']} (above)" if isinstance(v, dict) else v  # a parent stage, by name
                  for k, v in entry["config"].items() if k not in ("kind", "name")}
        metrics = dict(entry.get("final", {}))
        for key, value in entry.get("metrics", {}).items():  # nested results flattened, lists left out
            nested = value if isinstance(value, dict) else {"": value}
            metrics.update({f"{key}.{k}".rstrip("."): v for k, v in nested.items() if not isinstance(v, list)})
        paragraphs.append(f"**{name}** (`weights/{entry['file']}`). *Configuration:* {_format_metric(config)}. "
                          f"*Stored metrics:* {_format_metric(metrics)}.")
    return "\n\n".join(paragraphs)
