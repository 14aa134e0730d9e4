"""The whole report renders from the committed weights to a PDF that answers every question."""

import re
import shutil

import pytest
from pypdf import PdfReader

import qmdrender
from genmodels import prose, runs
from genmodels.paths import PROJECT_ROOT
from genmodels.weights import load_entry, load_trained


def section_headings() -> list[str]:
    headings = []
    for path in sorted((PROJECT_ROOT / "report").glob("*.qmd")):
        text = re.sub(
            r"^```.*?^```", "", path.read_text(), flags=re.M | re.S
        )  # cell comments are no headings
        headings += [
            m.group(2).strip() for m in re.finditer(r"^(#{1,3}) (.+?)(?: \{[#.][\w-]+\})?$", text, re.M)
        ]
    return headings


@pytest.fixture(scope="module")
def report_text(tmp_path_factory):
    untrained = [c.name for c in runs.target_configs("all") if load_entry(c) is None]
    untrained += [c.name for c in runs.SHIPPED if load_trained(c) is None]
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
    nll = load_trained(runs.FINAL_VAE).entry["metrics"]["test_nll_nats_k500"]
    assert f"{nll:.1f}" in text
    fid = load_trained(runs.FINAL_GAN).entry["metrics"]["evaluation_10k"]["fid"]
    assert f"{fid:.1f}" in text


def test_the_free_bits_sentence_counts_the_free_bits_row(report_text):
    """The count of dimensions near λ in the text is the free-bits run's, not another row's."""
    from genmodels import vae_results

    text, _ = report_text
    table = vae_results.free_bits_table(vae_results.collapse_mitigation(), runs.FREE_BITS_VAE.free_bits_nats)
    near = int(table.set_index("run").loc["β = 10, free bits", "dims at ≈ λ"])
    count = "all" if near == runs.FREE_BITS_VAE.latent_dim else ("none" if near == 0 else str(near))
    assert f"Of its {runs.FREE_BITS_VAE.latent_dim} dimensions, {count} carry between" in text


def test_inline_expressions_use_quartos_single_backtick_syntax():
    # `` `{python} x` `` is a code span holding the expression, so its value would print as code.
    for path in (PROJECT_ROOT / "report").glob("*.qmd"):
        assert "`` `{python}" not in path.read_text(), path.name


def test_no_cross_reference_takes_a_possessive():
    """Quarto prints "@tbl-x's" as "Table 9′s" (a prime): a reference is never followed by 's."""
    for path in sorted((PROJECT_ROOT / "report").glob("*.qmd")):
        possessives = re.findall(r"@(?:fig|tbl|sec|lst|eq)-[\w-]+'s?\b", path.read_text())
        assert not possessives, f"{path.name}: write 'the X of @ref' instead of {possessives}"


def test_citations_resolve_into_a_reference_list(report_text):
    text, _ = report_text
    assert "References" in text and "Burda, Yuri" in text and "Miyato, Takeru" in text
    assert "?@" not in text and "Burda et al. 2016" in text


def test_cross_references_read_like_quarto(report_text):
    text, _ = report_text
    assert re.search(r"Section 1\.1a", text) and re.search(r"Listing \d", text)
    assert "Appendix A" in text and not re.search(r"Section [A-F]\b", text)


def _page_budget_failures(pdf) -> list[str]:
    pages = [page.extract_text() for page in PdfReader(pdf).pages]
    first = next(i for i, text in enumerate(pages) if "1.1a Implementing the VAE" in text)
    # The reference list's heading: a line of its own, on or before the page of its first entry.
    listed = next(i for i, text in enumerate(pages) if "Burda, Yuri" in text)
    references = max(
        i
        for i in range(first, listed + 1)
        if "References" in (line.strip() for line in pages[i].splitlines())
    )
    # The answer ends on the page of the reference list's heading, or on the page before when the
    # heading opens its page.
    lines = [line.strip() for line in pages[references].splitlines()]
    last = references if any(lines[: lines.index("References")]) else references - 1
    failures = []
    if last - first + 1 > 22:
        failures.append(f"Parts 1 and 2 take {last - first + 1} pages (budget 22)")
    if len(pages) - last - 1 > 6:
        failures.append(f"references and appendices take {len(pages) - last - 1} pages (budget 6)")
    return failures


def test_page_budget(report_text):
    assert not _page_budget_failures(report_text[1])


def test_page_budget_with_quarto(quarto_text):
    """Real Quarto breaks lines and pages a little differently: the budget holds in its PDF too."""
    assert not _page_budget_failures(quarto_text[1])


QUARTO = shutil.which("quarto")


@pytest.fixture(scope="module")
def quarto_text(tmp_path_factory):
    import os
    import subprocess
    import sys

    if QUARTO is None:
        if os.environ.get("CI") == "true":
            pytest.fail("quarto is not on PATH in CI: .ci/run must install it from ../shared/quarto")
        pytest.skip("no quarto on PATH (install with ../shared/quarto/install)")
    project = tmp_path_factory.mktemp("quarto-project")
    shutil.copy(PROJECT_ROOT / "_quarto.yml", project)
    shutil.copytree(PROJECT_ROOT / "report", project / "report", ignore=shutil.ignore_patterns("*.ipynb"))
    env = {**os.environ, "QUARTO_PYTHON": sys.executable}
    result = subprocess.run([QUARTO, "render"], cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    warnings = [
        line
        for line in result.stderr.splitlines()
        if "WARN" in line and "typst-gather" not in line and "Kernel is running over TCP" not in line
    ]
    assert not warnings, warnings
    assert any(
        (project / "report" / f"submission.{ext}").exists() for ext in ("ipynb", "quarto_ipynb")
    )  # keep-ipynb
    pdf = project / "_output" / "report" / "submission.pdf"
    notebook = next(
        project / "report" / f"submission.{ext}"
        for ext in ("ipynb", "quarto_ipynb")
        if (project / "report" / f"submission.{ext}").exists()
    )
    shutil.copy(notebook, pdf.with_suffix(".ipynb"))  # where qmdrender writes it
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in PdfReader(pdf).pages)), pdf


def _references(text: str) -> list[str]:
    return re.findall(r"(?:Section [0-9A-C][0-9.a-z]*|Figure \d+|Table \d+|Listing \d+)", text)


def test_quarto_and_qmdrender_print_the_same_numbering_and_references(report_text, quarto_text):
    text, _ = report_text
    quarto_text = quarto_text[0]
    from collections import Counter

    # Figures float, so the two PDFs may place them differently: compare as multisets.
    assert Counter(_references(quarto_text)) == Counter(_references(text))
    captions = re.compile(r"((?:Figure|Table|Listing) \d+): (\w+ \w+)")
    assert Counter(captions.findall(quarto_text)) == Counter(captions.findall(text))


def _largest_blank_share(png) -> float:
    import numpy as np
    from PIL import Image

    ink = np.asarray(Image.open(png).convert("L")) < 200
    height = ink.shape[0]
    body = ink[int(height * 0.06) : int(height * 0.92)].any(1)  # without the page number
    longest = run = 0
    for has_ink in body:
        run = 0 if has_ink else run + 1
        longest = max(longest, run)
    return longest / len(body)


def _blank_answer_pages(pdf, folder) -> dict:
    """{page image: its largest blank share} of the pages up to the reference list's."""
    import subprocess

    pages = [page.extract_text() for page in PdfReader(pdf).pages]
    last = next(i for i, text in enumerate(pages) if "Burda, Yuri" in text)  # the reference list
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-l", str(last), str(pdf), str(folder / "p")], check=True)
    return {png.name: _largest_blank_share(png) for png in sorted(folder.glob("p-*.png"))}


@pytest.mark.parametrize("renderer", ["qmdrender", "quarto"])
def test_no_answer_page_is_more_than_a_quarter_empty(renderer, request, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pdf = request.getfixturevalue("report_text" if renderer == "qmdrender" else "quarto_text")[1]
    blank = _blank_answer_pages(pdf, tmp_path)
    assert blank and all(share <= 0.25 for share in blank.values()), blank


@pytest.mark.parametrize("renderer", ["qmdrender", "quarto"])
def test_every_figure_prints_at_its_own_size_so_its_text_sizes_are_print_sizes(renderer, request):
    """A figure wider than the text column is scaled down, and its 7-point text with it."""
    import json

    import yaml

    typst = yaml.safe_load((PROJECT_ROOT / "_quarto.yml").read_text())["format"]["typst"]
    assert typst["papersize"] == "a4" and typst["margin"]["x"].endswith("cm")
    column_points = (21.0 - 2 * float(typst["margin"]["x"][:-2])) / 2.54 * 72
    pdf = request.getfixturevalue("report_text" if renderer == "qmdrender" else "quarto_text")[1]
    widths = {}
    for cell in json.loads(pdf.with_suffix(".ipynb").read_text())["cells"]:
        label = re.search(r"#\| label: (fig-[\w-]+)", "".join(cell.get("source", "")))
        for output in cell.get("outputs", []) if label else []:
            svg = "".join(output.get("data", {}).get("image/svg+xml", ""))
            if svg:
                widths[label.group(1)] = float(re.search(r'<svg[^>]* width="([\d.]+)pt"', svg).group(1))
    assert len(widths) >= 15
    assert all(width <= column_points for width in widths.values()), {
        label: round(width) for label, width in widths.items() if width > column_points
    }


def _cells_and_inline(path) -> tuple[list[str], list[str]]:
    text = path.read_text()
    return re.findall(r"```\{python\}\n(.*?)```", text, re.S), re.findall(r"`\{python\} ([^`]+)`", text)


def _names(source: str) -> tuple[set, set]:
    """(names bound, names read) by a cell or an inline expression."""
    import ast

    bound, read = set(), set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else read).add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.FunctionDef | ast.arg):
            bound.add(getattr(node, "name", None) or node.arg)
    return bound, read


def test_each_included_file_is_self_contained():
    """No variable bound in one included .qmd is read in another (submission.qmd's cells are shared)."""
    shared = set().union(
        *(_names(c)[0] for c in _cells_and_inline(PROJECT_ROOT / "report" / "submission.qmd")[0])
    )
    names = {}
    for path in sorted((PROJECT_ROOT / "report").glob("_*.qmd")):
        cells, inline = _cells_and_inline(path)
        bound, read = set(), set()
        for source in cells + inline:
            b, r = _names(source)
            bound, read = bound | b, read | r
        names[path.name] = (bound, read)
    for name, (bound, read) in names.items():
        elsewhere = set().union(*(b for other, (b, _) in names.items() if other != name))
        assert not (read - bound - shared) & elsewhere, name


def test_inline_expressions_are_short():
    """Inline code is a name or a formatted value; longer logic lives in a cell or a function."""
    for path in (PROJECT_ROOT / "report").glob("*.qmd"):
        for expression in _cells_and_inline(path)[1]:
            assert len(expression) <= 50, (path.name, expression)


def test_numbers_typed_into_captions_match_the_code():
    """Cell options cannot hold inline expressions, so a caption's number is checked here."""
    from genmodels import gan_results, vae_results

    part1 = (PROJECT_ROOT / "report" / "_part1.qmd").read_text()
    assert f"validation split after {runs.SELECTION_EPOCHS} epochs" in part1
    assert f"the mean ± standard deviation over seeds {prose._digits(runs.SWEEP_SEEDS)} (" in part1
    assert f"{runs.BETA_STUDY[0].epochs} epochs on all 60,000 training images" in part1
    assert f"the same configurations trained again for {runs.BETA_LONG_EPOCHS} epochs" in part1
    assert f"from the runs trained for {runs.BETA_LONG_EPOCHS} epochs" in part1
    assert f"that stop at epoch {runs.BETA_STUDY[0].epochs} (the dotted line)" in part1
    from genmodels import latent

    rate = latent.tsne_learning_rate(vae_results.TSNE_POINTS)
    assert (
        f"learning rate 'auto', {rate:.0f} for {vae_results.TSNE_POINTS:,} points; early exaggeration "
        f"{latent.TSNE_EXAGGERATION:g}; {latent.TSNE_ITERATIONS:,} iterations" in part1
    )
    part2 = (PROJECT_ROOT / "report" / "_part2.qmd").read_text()
    appendix = (PROJECT_ROOT / "report" / "_appendix.qmd").read_text()
    assert f"{runs.SNGAN_STAGE1.epochs} epochs from scratch with the first SNGAN stage's recipe" in part2
    assert f"DCGAN's CNN after {runs.DCGAN_CNN_CONTROL.epochs} epochs" in appendix
    jump = gan_results.JUMP_ITERATIONS
    assert f"jump: D's loss over the first {jump} iterations minus the last {jump} before" in appendix
    assert part1.count(f"K = {vae_results.NLL_IMPORTANCE_SAMPLES}") >= 1 and "K = " not in part1.replace(
        f"K = {vae_results.NLL_IMPORTANCE_SAMPLES}", ""
    )


@pytest.mark.parametrize("renderer", ["report_text", "quarto_text"])
def test_no_inline_expression_or_reference_is_left_unrendered(renderer, request):
    """An inline expression whose value is empty prints its source in Quarto; an unresolved
    cross-reference prints as ?@label."""
    text = request.getfixturevalue(renderer)[0]
    assert "{python}" not in text and "?@" not in text


def test_every_listing_floats_whole_so_none_breaks_mid_function():
    """A listing set in the text flow breaks wherever the page ends, mid-function; each floats as
    one block instead (and is flush left, which a floating figure is not by default)."""
    preamble = (PROJECT_ROOT / "report" / "submission.qmd").read_text()
    for kind in ("quarto-float-lst", "qmd-lst"):  # Quarto's listing kind, and qmdrender's
        assert f'#show figure.where(kind: "{kind}"): set figure(placement: auto)' in preamble
        assert f'#show figure.where(kind: "{kind}"): flush-left' in preamble
        assert f'#show figure.where(kind: "{kind}"): set block(breakable: true)' not in preamble
