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
