import pandas as pd
import pytest

from genmodels import results


def test_format_table_sets_relative_column_widths_and_keeps_alignment():
    frame = pd.DataFrame({"run": ["a_long_run_name"], "FID": ["35.4"], "epochs": [240]})
    lines = results.format_table(frame, widths=(10, 4, 6), as_text=True).split("\n")
    assert [len(cell) for cell in lines[1].strip("|").split("|")] == [10, 4, 6]
    assert lines[1].startswith("|:-")  # tabulate's alignment markers are kept
    assert results.format_table(frame, widths=(10, 4, 6)).split("\n")[1].endswith("-:|")  # numbers: right
    assert "35.4" in lines[2] and "a_long_run_name" in lines[2]
    assert "35.40" in results.format_table(frame)  # without as_text, numbers get the fixed decimals
    with pytest.raises(ValueError, match="2 widths for a table of 3 columns"):
        results.format_table(frame, widths=(10, 4))


def test_training_hours_are_summed_over_stages_by_device(monkeypatch):
    import dataclasses
    from genmodels.config import GANConfig
    first = GANConfig(name="a", epochs=2)
    second = dataclasses.replace(first, name="b", init_from=first)
    third = dataclasses.replace(first, name="c", init_from=second)
    entries = {"a": {"train_seconds": 360.0, "hardware": {"cuda": "NVIDIA H100 80GB HBM3"}},
               "b": {"train_seconds": 180.0, "hardware": {"cuda": None}},
               "c": {"train_seconds": 5400.0, "hardware": {"cuda": None}}}
    monkeypatch.setattr(results, "manifest_entry", lambda config: entries[config.name])
    assert [c.name for c, _ in results.training_stages(third)] == ["a", "b", "c"]
    assert results.training_hours_text(third) == "0.10 H100 + 1.55 CPU"
    assert results.training_hours_text(first) == "0.10 H100"
    cpu_only = GANConfig(name="b", epochs=2)
    assert results.training_hours_text(cpu_only) == "0.1 CPU"
    assert results.model_description(first) == "DCGAN, BCE"
    assert results.model_description(dataclasses.replace(first, architecture="sngan", loss="hinge",
                                                         spectral_norm=True)) == "SNGAN CNN, hinge + SN"
