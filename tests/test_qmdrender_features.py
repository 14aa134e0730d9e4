"""qmdrender features that must print what Quarto prints (texts taken from Quarto 1.10.18 renders).

Documents without python cells render without a kernel (well under a second); the cell
features share one kernel render (module fixture).
"""

import shutil
import re
from pathlib import Path

import pytest

from qmdrender import render
from test_qmdrender import pdf_text


def write(root, files):
    """Create `files` ({relative path: text}) under root; return root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def render_text(tmp_path, body, front="title: T", files=None, **kwargs):
    """Render a one-document project (`doc.qmd`); return the PDF text."""
    write(tmp_path, {"doc.qmd": f"---\n{front}\n---\n\n{body}", **(files or {})})
    return pdf_text(render(tmp_path / "doc.qmd", quiet=True, **kwargs))


def squash(text):
    return " ".join(text.split())


# --- numbering and cross-references ---------------------------------------------

def test_sections_start_at_level_two_are_numbered_from_one(tmp_path):
    text = squash(render_text(tmp_path, "## Introduction {#sec-intro}\n\nSee @sec-intro.\n\n### Deeper {#sec-d}\n\n"
                              "See @sec-d.\n", "title: T\nnumber-sections: true"))
    assert "1 Introduction" in text and "See Section 1." in text
    assert "1.1 Deeper" in text and "See Section 1.1." in text
    assert "0.1" not in text


def test_part_headings_number_like_quarto(tmp_path):
    body = ("# Part 1 — Models {#sec-p1}\n\n## 1.1a First {#sec-a}\n\n### Detail {#sec-x}\n\n"
            "See @sec-p1, @sec-a and @sec-x.\n\n# Part 2 — More\n\n## 2.1 Second\n")
    text = squash(render_text(tmp_path, body, "title: T\nnumber-sections: true"))
    for piece in ("1 Part 1 — Models", "1.1 1.1a First", "1.1.a Detail", "2 Part 2 — More", "2.1 2.1 Second",
                  "See Section 1, Section 1.1 and Section 1.1.a."):
        assert piece in text


def test_listing_caption_and_reference(tmp_path):
    text = squash(render_text(tmp_path, '```{#lst-q .sql lst-cap="Customers Query"}\nSELECT 1\n```\n\n'
                              "The query (@lst-q).\n"))
    assert "Listing 1: Customers Query SELECT 1" in text and "The query (Listing 1)." in text
    assert "@lst" not in text


def test_unresolved_reference_is_a_warning_not_a_failure(tmp_path, capsys):
    text = squash(render_text(tmp_path, "## Intro {#sec-i}\n\nSee @fig-nope and @sec-i.\n",
                              "title: T\nnumber-sections: true"))
    assert "See ?@fig-nope and Section 1." in text
    err = capsys.readouterr().err
    assert "WARNING: doc.qmd:8: Unable to resolve crossref @fig-nope" in err


def test_sub_tables_and_list_table(tmp_path):
    table = "| A | B |\n|---|---|\n| 1 | 2 |\n"
    body = (f"::: {{#tbl-panel layout-ncol=2}}\n{table}\n: First {{#tbl-first}}\n\n{table}\n: Second {{#tbl-second}}\n\n"
            "Main Caption\n:::\n\nSee @tbl-panel and @tbl-second.\n\n"
            "::: {#tbl-list .list-table}\n\nListed. {tbl-colwidths=[20,80]}\n\n* - H1\n  - H2\n\n* - c1\n  - c2\n\n:::\n\n"
            "See @tbl-list.\n")
    text = squash(render_text(tmp_path, body, "title: T\nformat:\n  typst:\n    keep-typ: true"))
    assert "Table 1: Main Caption (a) First" in text and "(b) Second" in text  # order: layout
    assert "See Table 1 and Table 1b." in text
    assert "Table 2: Listed. H1 H2 c1 c2" in text and "See Table 2." in text
    assert "columns: (20%, 80%)" in (tmp_path / "doc.typ").read_text()


def test_callout_titles(tmp_path):
    body = ("::: {.callout-note}\nPlain note.\n:::\n\n::: {.callout-tip}\n## Tip With Caption\n\nBody.\n:::\n\n"
            '::: {.callout-caution title="Attribute title" icon="false"}\nC.\n:::\n\n'
            "::: {.callout-important}\nI.\n:::\n\n::: {.callout}\nNo title.\n:::\n")
    text = squash(render_text(tmp_path, body))
    assert text.startswith("T Note Plain note. Tip With Caption Body. Attribute title C. ! Important I. No title.")


def test_figure_numbering_across_markdown_and_callouts(tmp_path):
    shutil.copy(Path(__file__).parent / "fixtures" / "peer_suite" / "docs" / "14-figure-md" / "img" / "surus.jpg",
                tmp_path / "a.jpg")
    body = ("![First](a.jpg){#fig-one}\n\n::: {.callout-note}\n## In a callout\n\n![Second](a.jpg){#fig-two}\n:::\n\n"
            "![Unnumbered](a.jpg)\n\nSee @fig-one and @fig-two.\n")
    text = squash(render_text(tmp_path, body))
    assert "Figure 1: First" in text and "Figure 2: Second" in text and "See Figure 1 and Figure 2." in text
    assert "Figure 3" not in text and "Unnumbered" in text


# --- shortcodes and citations ---------------------------------------------------

def test_meta_and_pagebreak_shortcodes(tmp_path, capsys):
    body = ("Title is {{< meta title >}}, by {{< meta info.who >}}.\n\n{{< pagebreak >}}\n\n"
            "Missing {{< meta nope >}}. Literal {{</* meta title */>}}.\n")
    text = render_text(tmp_path, body, "title: My Doc\ninfo:\n  who: Ada")
    first, second = text.split("\n1\n", 1)  # page 1 ends with its page number
    assert "Title is My Doc, by Ada." in squash(first)
    assert "Missing ?meta:nope. Literal {{< meta title >}}." in squash(second)
    assert "WARNING: doc.qmd:11: {{< meta nope >}}" in capsys.readouterr().err


BIB = """@article{kingma2014, title={Auto-Encoding Variational Bayes}, author={Kingma, Diederik P and Welling, Max},
  journal={ICLR}, year={2014}}
@inproceedings{goodfellow2014, title={Generative Adversarial Nets}, author={Goodfellow, Ian and others},
  booktitle={NeurIPS}, year={2014}}
"""


def test_citations_with_bibliography_in_front_matter(tmp_path):
    # Quarto 1.10.18's typst output for this document, word for word.
    text = squash(render_text(tmp_path, "VAEs [@kingma2014] and GANs @goodfellow2014.\n",
                              "title: T\nbibliography: refs.bib", files={"refs.bib": BIB}))
    assert "VAEs [1] and GANs I. Goodfellow and others [2]." in text
    assert text.endswith("Bibliography [1] D. P. Kingma and M. Welling, “Auto-Encoding Variational Bayes,” ICLR, "
                         "2014. [2] I. Goodfellow and others, “Generative Adversarial Nets,” in NeurIPS, 2014. 1")


def test_citations_with_bibliography_in_project_and_citeproc(tmp_path):
    write(tmp_path, {"_quarto.yml": "bibliography: refs/refs.bib\nformat:\n  typst:\n    citeproc: true\n",
                     "refs/refs.bib": BIB})
    text = squash(render_text(tmp_path, "VAEs [@kingma2014].\n"))
    assert "VAEs (Kingma and Welling 2014)." in text  # pandoc's citeproc (Chicago author-date)
    assert "Kingma, Diederik P, and Max Welling. 2014." in text


# --- python cells: one kernel render ---------------------------------------------

CELLS = '''
```{python}
#| label: fig-plots
#| fig-cap: "Plots"
#| fig-subcap:
#|   - "Plot 1"
#|   - "Plot 2"
#| layout-ncol: 2
#| fig-width: 4
#| fig-height: 2
#| filename: plots.py
#| code-fold: true
import matplotlib.pyplot as plt
plt.plot([1, 2]); plt.show()
plt.plot([2, 1]); plt.show()
```

See @fig-plots, in particular @fig-plots-2.

```{python}
#| lst-label: lst-code
#| lst-cap: "The code"
#| tbl-colwidths: [30, 70]
#| label: tbl-t
#| tbl-cap: "Tab"
from IPython.display import Markdown
Markdown("| k | v |\\n|---|---|\\n| a | 1 |")
```

Code in @lst-code, values in @tbl-t. Inline: `{python} "*not emphasis*"`, `{python} Markdown("*emphasis*")`,
`{python} 3 > 2`, `{python} None`.
'''


@pytest.fixture(scope="module")
def cells(tmp_path_factory):
    root = tmp_path_factory.mktemp("cells")
    write(root, {"doc.qmd": "---\ntitle: Cells\nformat:\n  typst:\n    keep-typ: true\n    fig-dpi: 100\n---\n" + CELLS})
    pdf = render(root / "doc.qmd", quiet=True)
    return root, squash(pdf_text(pdf))


def svg_size(path):
    """(width, height) in points of a matplotlib SVG."""
    match = re.search(r'<svg[^>]* width="([\d.]+)pt" height="([\d.]+)pt"', path.read_text())
    return float(match.group(1)), float(match.group(2))


def test_subfigures(cells):
    root, text = cells
    assert "(a) Plot 1 (b) Plot 2 Figure 1: Plots" in text
    assert "See Figure 1, in particular Figure 1b." in text
    assert "grid(columns: 2" in (root / "doc.typ").read_text()


def test_fig_width_and_height_set_the_figure_size(cells):
    root, _ = cells
    width, height = svg_size(root / "doc_files" / "fig-plots-1.svg")
    # 4 x 2 in (288 x 144 pt), less the white margin the inline backend crops (as in Quarto)
    assert 200 < width <= 288 and 100 < height <= 144
    # shown at its own size, as Quarto does (typst shrinks only a figure wider than the text)
    assert '#box(image("/doc_files/fig-plots-1.svg"))' in (root / "doc.typ").read_text()


def test_cell_listing_table_widths_and_filename(cells):
    root, text = cells
    assert "Listing 1: The code from IPython.display import Markdown" in text
    assert "Table 1: Tab k v a 1" in text and "Code in Listing 1, values in Table 1." in text
    assert "columns: (30%, 70%)" in (root / "doc.typ").read_text()
    assert "plots.py" not in text  # `filename` is shown by Quarto's HTML only, not its typst


def test_inline_values_are_escaped_unless_markdown(cells):
    _, text = cells
    assert "Inline: *not emphasis*, emphasis, True, None." in text


def test_no_stray_files_after_success(cells):
    root, _ = cells
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".cache")) == [
        "doc.ipynb", "doc.pdf", "doc.qmd", "doc.typ", "doc_files"]
