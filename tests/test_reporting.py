"""Shared report helpers: pipe tables and manifest lookups."""

import dataclasses

import pandas as pd
import pytest

from genmodels import reporting
from genmodels.config import GANConfig


def test_format_table_sets_relative_column_widths_and_keeps_alignment():
    frame = pd.DataFrame({"run": ["a_long_run_name"], "FID": ["35.4"], "epochs": [240]})
    lines = reporting.format_table(frame, widths=(10, 4, 6), as_text=True).split("\n")
    assert [len(cell) for cell in lines[1].strip("|").split("|")] == [10, 4, 6]
    assert lines[1].startswith("|:-")  # tabulate's alignment markers are kept
    assert reporting.format_table(frame, widths=(10, 4, 6)).split("\n")[1].endswith("-:|")  # numbers: right
    assert "35.4" in lines[2] and "a_long_run_name" in lines[2]
    assert "35.40" in reporting.format_table(frame)  # without as_text, numbers get the fixed decimals
    with pytest.raises(ValueError, match="2 widths for a table of 3 columns"):
        reporting.format_table(frame, widths=(10, 4))


def test_format_table_digits_per_column_and_missing_values():
    frame = pd.DataFrame({"a": [1.23456], "b": [None], "c": [2.5], "d": [float("nan")], "n": [1383248]})
    table = reporting.format_table(frame, digits=(1, 2, None, 1, None))
    assert table.split("\n")[2].replace(" ", "") == "|1.2|—|2.5|—|1,383,248|"


def test_training_stages_follow_init_from_first_stage_first(monkeypatch):
    first = GANConfig(name="a", epochs=2)
    third = dataclasses.replace(
        first, name="c", init_from=dataclasses.replace(first, name="b", init_from=first)
    )
    monkeypatch.setattr(reporting, "manifest_entry", lambda config: {"name": config.name})
    assert [(c.name, e["name"]) for c, e in reporting.training_stages(third)] == [
        ("a", "a"),
        ("b", "b"),
        ("c", "c"),
    ]


def test_device_name_is_short():
    assert reporting.device_name({"hardware": {"cuda": "NVIDIA H100 80GB HBM3"}}) == "H100"
    assert reporting.device_name({"hardware": {"cuda": None}}) == "CPU"
    assert reporting.device_name({"hardware": {}}) == "CPU"


def test_format_table_aligns_text_columns_as_asked():
    frame = pd.DataFrame({"init": ["pca", "random"], "range": ["0.96", "0.95–0.97"]})
    last = reporting.format_table(frame, as_text=True).split("\n")[1].strip("|").split("|")[-1]
    assert last.startswith(":") and not last.endswith(":")  # text: left by default
    last = (
        reporting.format_table(frame, as_text=True, align=("left", "right"))
        .split("\n")[1]
        .strip("|")
        .split("|")[-1]
    )
    assert last.endswith(":") and not last.startswith(":")


def test_side_by_side_sets_consecutive_blocks_of_rows_beside_each_other():
    frame = pd.DataFrame({"metric": list("abcde"), "value": [1.0, 2.0, 3.0, 4.0, 5.0]})
    table = reporting.format_table(reporting.side_by_side(frame), 1).split("\n")
    assert table[0].split("|")[1:-1] == [" metric   ", "   value ", " metric   ", "   value "]
    assert [row.replace(" ", "") for row in table[2:]] == ["|a|1.0|d|4.0|", "|b|2.0|e|5.0|", "|c|3.0|||"]


def test_tiny_as_powers_keeps_values_that_would_print_as_zero():
    frame = pd.DataFrame({"β": ["1", "1000"], "KL": [23.351, 6.93e-4], "other": [0.0001, 2.0]})
    shown = reporting.tiny_as_powers(frame, ["KL"])
    assert list(shown["KL"]) == ["23.35", "6.9 × 10⁻⁴"]
    assert list(shown["other"]) == [0.0001, 2.0]  # other columns untouched
    assert list(reporting.tiny_as_powers(pd.DataFrame({"KL": [0.0, 0.004, 0.005]}), ["KL"])["KL"]) == [
        "0.00",
        "4.0 × 10⁻³",  # one precision down the column: not "4 × 10⁻³" beside "6.9 × 10⁻⁴"
        "0.01",
    ]
