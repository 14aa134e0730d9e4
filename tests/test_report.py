"""The whole report renders from the committed weights to a PDF that answers every question."""
import re
import shutil

import pytest
from pypdf import PdfReader

import qmdrender
from genmodels import PROJECT_ROOT
from genmodels import config as configs
from genmodels.weights import load_trained

SHIPPED = (configs.FINAL_VAE, configs.MLP_VAE, *configs.BETA_STUDY, configs.FREE_BITS_VAE,
           configs.MNIST_CLASSIFIER, configs.GAN_STAGE1, configs.GAN_STAGE2, configs.GAN_LONG, configs.GAN_RESTART,
           configs.SNGAN_STAGE1, configs.SNGAN_STAGE2, configs.FINAL_GAN,
           *configs.GAN_ABLATION.values())


def section_headings() -> list[str]:
    headings = []
    for path in sorted((PROJECT_ROOT / "report").glob("*.qmd")):
        headings += [m.group(2).strip() for m in re.finditer(r"^(#{1,2}) (.+?)(?: \{#[\w-]+\})?$",
                                                             path.read_text(), re.M)]
    return headings


@pytest.fixture(scope="module")
def report_text(tmp_path_factory):
    untrained = [c.name for c in SHIPPED if load_trained(c) is None]
    assert not untrained, f"weights missing or outdated for {untrained}: run `make train` and commit weights/"
    project = tmp_path_factory.mktemp("project")
    shutil.copy(PROJECT_ROOT / "_quarto.yml", project)
    shutil.copytree(PROJECT_ROOT / "report", project / "report", ignore=shutil.ignore_patterns("*.ipynb"))
    pdf = qmdrender.render(project, use_cache=False, quiet=True)
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    return re.sub(r"\s+", " ", text), pdf


def test_every_section_heading_is_in_the_pdf(report_text):
    text, _ = report_text
    headings = section_headings()
    assert len(headings) >= 15
    for heading in headings:
        words = re.sub(r"[^\w ]", " ", heading).split()
        assert all(word in text for word in words), heading


def test_cross_references_resolved_and_notebook_written(report_text):
    text, pdf = report_text
    assert "@fig-" not in text and "@tbl-" not in text and "@sec-" not in text
    assert re.search(r"Figure \d+", text) and re.search(r"Table \d+", text)
    assert pdf.with_suffix(".ipynb").exists()


def test_numbers_in_the_pdf_come_from_the_manifest(report_text):
    text, _ = report_text
    nll = load_trained(configs.FINAL_VAE).entry["metrics"]["test_nll_nats_k500"]
    assert f"{nll:.1f}" in text
    fid = load_trained(configs.FINAL_GAN).entry["metrics"]["evaluation_10k"]["fid"]
    assert f"{fid:.1f}" in text


def test_inline_expressions_use_quartos_single_backtick_syntax():
    # `` `{python} x` `` is a code span holding the expression, so its value would print as code.
    for path in (PROJECT_ROOT / "report").glob("*.qmd"):
        assert "`` `{python}" not in path.read_text(), path.name
