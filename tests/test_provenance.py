import shutil

from genmodels import provenance


def test_every_mapped_label_exists_in_the_report():
    assert provenance.missing_labels() == []


def test_a_dangling_label_is_detected(tmp_path):
    report = tmp_path / "report"
    shutil.copytree(provenance.REPORT_DIR, report)
    (report / "traceability.yml").write_text("- item: x\n  where: [fig-does-not-exist, sec-part1]\n")
    assert provenance.missing_labels(report) == ["fig-does-not-exist"]


def test_traceability_table_cross_references_every_item():
    table = provenance.traceability_table()
    assert table.count("@") >= len(provenance.traceability_map())
    assert "@fig-gan-samples" in table


def test_model_provenance_table_names_the_device_and_whether_the_file_ships():
    entry = {"sha256": "ab" * 32, "config_hash": "0123", "epochs": 3, "train_seconds": 150.0}
    table = provenance.model_provenance_table(
        {
            "gpu_run": entry | {"hardware": {"cuda": "NVIDIA H100 80GB HBM3"}, "metrics_only": True},
            "cpu_run": entry | {"hardware": {"cuda": None}},
        }
    )
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table.split("\n")[2:]]
    assert rows[0][:2] == ["gpu_run", "metrics only"] and "H100" in rows[0] and "2.5" in rows[0]
    assert rows[1][:2] == ["cpu_run", "shipped"] and "CPU" in rows[1]


def test_model_provenance_table_keeps_hashes_and_decimals_as_written():
    entry = {
        "sha256": "1234e5678901" + "0" * 52,
        "config_hash": "4245e836",
        "epochs": 3,
        "train_seconds": 7680.0,
        "hardware": {"cuda": None},
    }
    table = provenance.model_provenance_table({"run": entry})
    assert "1234e5678901" in table and "4245e836" in table and "128.0" in table


def test_renderer_names_qmdrender_outside_quarto():
    assert provenance.renderer({}, which=lambda _: "/usr/bin/quarto").startswith("qmdrender")
    assert provenance.renderer({"QUARTO_DOCUMENT_PATH": "report"}, which=lambda _: None).startswith(
        "qmdrender"
    )


def test_renderer_reports_quarto_and_its_typst_compiler(tmp_path):
    quarto = tmp_path / "quarto"
    quarto.write_text('#!/bin/sh\nif [ "$1" = typst ]; then echo "typst 9.9.9"; else echo 1.2.3; fi\n')
    quarto.chmod(0o755)
    got = provenance.renderer({"QUARTO_DOCUMENT_PATH": "report"}, which=lambda _: str(quarto))
    assert got == "Quarto 1.2.3, typst 9.9.9"
    quarto.write_text('#!/bin/sh\nif [ "$1" = typst ]; then echo "typst 9.9.9" >&2; else echo 1.2.3; fi\n')
    assert provenance.renderer({"QUARTO_DOCUMENT_PATH": "report"}, which=lambda _: str(quarto)) == got


def test_side_by_side_halves_a_two_column_table_in_height():
    import pandas as pd

    from genmodels.provenance import side_by_side

    table = pd.DataFrame({"item": list("abcde"), "value": ["1", "2", "3", "4", "5"]})
    wide = side_by_side(table, ("package", "version"))
    assert list(wide.columns) == ["item", "value", "package", "version"]
    assert wide.values.tolist() == [["a", "1", "d", "4"], ["b", "2", "e", "5"], ["c", "3", "", ""]]
