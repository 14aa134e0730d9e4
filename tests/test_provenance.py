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
