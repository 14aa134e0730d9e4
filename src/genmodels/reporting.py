"""Shared helpers of the report's computations: markdown tables and weight-manifest lookups."""

from __future__ import annotations

import math

import pandas as pd

from genmodels import prose, weights


def format_table(
    frame: pd.DataFrame,
    digits: int | tuple = 2,
    widths: tuple[int, ...] | None = None,
    as_text: bool = False,
    align: tuple[str, ...] | None = None,
) -> str:
    """A DataFrame as a pipe table with fixed decimals (one count for all columns, or one per column,
    None keeping a column as it is), integers with thousands separators, missing values (None,
    NaN) as a dash, for markdown output (`as_text`: cells exactly as given, numbers in strings not
    reformatted). `widths` sets the relative column widths (pandoc reads them from the dashes
    under the header once a row is wider than the page; by default they follow the longest cell).
    `align`: "left" or "right" per column (by default numbers right, text left)."""
    floatfmt = (
        tuple("" if d is None else f".{d}f" for d in digits) if isinstance(digits, tuple) else f".{digits}f"
    )
    frame = frame.astype(object).where(frame.notna(), None)  # NaN, like None, prints as a dash
    table = frame.to_markdown(
        index=False, floatfmt=floatfmt, intfmt=",", disable_numparse=as_text, missingval="—", colalign=align
    )
    if widths is None:
        return table
    if len(widths) != frame.shape[1]:
        raise ValueError(f"{len(widths)} widths for a table of {frame.shape[1]} columns")
    header, rule, *body = table.split("\n")
    cells = rule.strip("|").split("|")
    rule = (
        "|"
        + "|".join(
            (":" if c.startswith(":") else "-") + "-" * (w - 2) + (":" if c.endswith(":") else "-")
            for c, w in zip(cells, widths)
        )
        + "|"
    )
    return "\n".join([header, rule, *body])


def tiny_as_powers(frame: pd.DataFrame, columns, digits: int = 2) -> pd.DataFrame:
    """`frame` with `columns` as text: `digits` decimals, except values that would print as zero
    (nonzero, below half a unit of the last decimal), which are written as powers of ten
    ("6.9 × 10⁻⁴"), so that a table's sums can be rebuilt from its cells."""

    def shown(value: float) -> str:
        tiny = 0 < abs(value) < 0.5 * 10**-digits
        return prose.scientific(value, trim=False) if tiny else f"{value:.{digits}f}"

    return frame.assign(**{column: frame[column].map(shown) for column in columns})


def side_by_side(frame: pd.DataFrame, parts: int = 2) -> pd.DataFrame:
    """`frame`'s rows cut into `parts` consecutive blocks set side by side (its columns repeated),
    the last block padded with empty cells: a long, narrow table in fewer rows."""
    size = math.ceil(len(frame) / parts)
    blocks = [
        frame.iloc[i * size : (i + 1) * size].reset_index(drop=True).reindex(range(size))
        for i in range(parts)
    ]
    return pd.concat(blocks, axis=1).astype(object).where(lambda f: f.notna(), "")


def manifest_entry(config) -> dict:
    """The manifest entry of `config`'s trained model, metrics-only or not (trained now if the
    cache has none)."""
    return weights.record(config)


def training_stages(config) -> list[tuple[object, dict]]:
    """(config, manifest entry) of every training stage of `config`, the first stage first."""
    stages = []
    while config is not None:
        stages.insert(0, (config, manifest_entry(config)))
        config = getattr(config, "init_from", None)
    return stages


def device_name(entry: dict) -> str:
    """Where a stage was trained, short: 'CPU' or the GPU's model ('H100', 'H200')."""
    cuda = entry["hardware"].get("cuda")
    return "CPU" if not cuda else cuda.replace("NVIDIA ", "").split()[0]
