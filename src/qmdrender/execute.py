"""Run a document's python cells and inline expressions in one Jupyter kernel.

Like Quarto: one kernel per document (front matter `jupyter:`, default
`python3`), started in the project root when `execute-dir: project`, a setup
snippet first (inline matplotlib, figures in `fig-format`, svg as in Quarto's
typst format, at `fig-dpi`, default figure size), then cells and inline
expressions in document order. Results come from the cache when possible (see
cache.py). The executed notebook is built here.
"""

import re
import subprocess
import time

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from . import cache
from .errors import RenderError
from .parse import Cell

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# Mirrors Quarto's jupyter setup cell; matplotlib is optional in the kernel.
SETUP = """\
def _qmdrender_setup(width, height, dpi, figure_format):
    # Warnings without the kernel's temporary file path (differs on every run).
    import warnings
    warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\\n"
    try:
        import matplotlib
    except ImportError:
        return
    ip = get_ipython()
    ip.run_line_magic("matplotlib", "inline")
    ip.run_line_magic("config", f"InlineBackend.figure_formats = [{figure_format!r}]")
    import matplotlib.pyplot as plt
    plt.rcParams["figure.figsize"] = (width, height)
    plt.rcParams["figure.dpi"] = dpi
    plt.rcParams["savefig.dpi"] = "figure"

def _qmdrender_figsize(width, height):
    import sys
    if "matplotlib" in sys.modules:
        sys.modules["matplotlib"].rcParams["figure.figsize"] = (width, height)

def _qmdrender_inline(value):
    # As Quarto: a text/markdown result (IPython.display.Markdown) is inserted as markdown;
    # otherwise the text/plain repr, and a quoted repr (a str) unquoted and escaped as plain text.
    from IPython.display import display
    data, _ = get_ipython().display_formatter.format(value)
    text = data.get("text/markdown")
    if text is None:
        text = data.get("text/plain", "")
        if len(text) >= 2 and text[0] == text[-1] and text[0] in ("'", '"'):
            bs = chr(92)  # Quarto doubles backslashes, then escapes markdown punctuation (them too)
            text = text[1:-1].replace(bs, bs + bs)
            text = "".join(bs + ch if ch in bs + "`*_{}[]()>#+,-.!" else ch for ch in text)
    display({"text/plain": text}, raw=True)
"""


def strip_ansi(text):
    return ANSI.sub("", text)


def error_text(outputs):
    """The traceback of the first error output, or None."""
    for out in outputs:
        if out.get("output_type") == "error":
            return strip_ansi("\n".join(out.get("traceback") or [f"{out['ename']}: {out['evalue']}"]))
    return None


class Kernel:
    """A started kernel plus a scratch notebook to run code through nbclient."""

    def __init__(self, doc):
        from nbclient import NotebookClient  # imported lazily: a cache hit never needs it

        self.nb = new_notebook()
        self.client = NotebookClient(self.nb, kernel_name=doc.kernel, timeout=None, allow_errors=True,
                                     resources={"metadata": {"path": str(doc.cwd)}})
        self.count = 0

    def __enter__(self):
        # The kernel process's own stderr (e.g. ipykernel's TCP notice) is noise for a
        # render; everything the code prints reaches us through Jupyter messages.
        self._ctx = self.client.setup_kernel(stderr=subprocess.DEVNULL)
        try:
            self._ctx.__enter__()
        except Exception as e:  # NoSuchKernel, failed start
            raise RenderError(f"cannot start Jupyter kernel `{self.client.kernel_name}` ({type(e).__name__}: "
                              f"{_first_line(str(e))}); list the installed kernels with `jupyter kernelspec list` "
                              f"and set `jupyter:` in the front matter to one of them", str(e)) from None
        return self

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)

    def run(self, code, what, hidden=False):
        """Execute code; return (outputs, execution_count or None); `what` names it in errors."""
        cell = new_code_cell(code)
        self.nb.cells.append(cell)
        try:
            self.client.execute_cell(cell, len(self.nb.cells) - 1, store_history=not hidden,
                                     execution_count=None if hidden else self.count + 1)
        except Exception as e:  # DeadKernelError and friends
            raise RenderError(f"{what}: the Jupyter kernel failed ({type(e).__name__}: {_first_line(str(e))}); "
                              f"if it ran out of memory, reduce what the code holds and render again",
                              str(e)) from None
        finally:
            self.nb.cells.pop()
        if not hidden:
            self.count += 1
        return cell.outputs, cell.get("execution_count")

    def run_hidden(self, code, what):
        """Run internal code; any error is a render error mentioning `what`."""
        outputs, _ = self.run(code, what, hidden=True)
        err = error_text(outputs)
        if err:
            raise RenderError(f"{what}: {exception_line(outputs)}", err)
        return outputs


def _first_line(text):
    return next((line.strip() for line in str(text).splitlines() if line.strip()), "")


def exception_line(outputs):
    """`ExceptionClass: first line of its message` of the first error output."""
    for out in outputs:
        if out.get("output_type") == "error":
            message = _first_line(strip_ansi(out.get("evalue", "")))
            return f"{out.get('ename', 'Error')}: {message}" if message else out.get("ename", "Error")
    return ""


def _execute(doc, chunks, log):
    """Run everything in a fresh kernel; return (cell results, inline values)."""
    cells = [c for c in chunks if isinstance(c, Cell)]
    results = [{"outputs": [], "execution_count": None} for _ in cells]
    inline_values = []
    fmt = doc.format
    log(f"  starting kernel `{doc.kernel}` in {doc.cwd}")
    with Kernel(doc) as kernel:
        setup = SETUP + (f"_qmdrender_setup({fmt['fig-width']!r}, {fmt['fig-height']!r}, {fmt['fig-dpi']!r}, "
                         f"{fmt['fig-format']!r})\n")
        kernel.run_hidden(setup + "del _qmdrender_setup\n", "kernel setup")
        for chunk in chunks:
            if not isinstance(chunk, Cell):
                for inline in chunk.inlines:
                    outputs = kernel.run_hidden(f"_qmdrender_inline(({inline.expr}))",
                                                f"{inline.where}: inline expression `{inline.expr}`")
                    inline_values.append("".join(o["data"]["text/plain"] for o in outputs
                                                 if o.get("output_type") == "display_data"))
                continue
            opts = chunk.resolve(doc.execute)
            if not opts["eval"]:
                continue
            log(f"  [{chunk.index + 1}/{len(cells)}] {chunk.describe()} ({chunk.where})")
            sized = "fig-width" in opts or "fig-height" in opts
            if sized:
                kernel.run_hidden(f"_qmdrender_figsize({opts.get('fig-width', fmt['fig-width'])!r}, "
                                  f"{opts.get('fig-height', fmt['fig-height'])!r})", "figure size")
            start = time.perf_counter()
            # Run the `#|` lines too (comments), as Quarto does: traceback line numbers
            # then match the notebook cell.
            cell = f"cell '{chunk.label}'" if chunk.label else f"cell {chunk.index + 1}"
            name = f"{chunk.where.file} {cell} (line {chunk.where.line})"
            outputs, count = kernel.run("".join(chunk.option_lines) + chunk.code, name)
            results[chunk.index] = {"outputs": outputs, "execution_count": count}
            err = error_text(outputs)
            if err and not opts["error"]:
                raise RenderError(f"{name}: {exception_line(outputs)}",
                                  f"(traceback line 1 = {chunk.where.file}:{chunk.where.line + 1}; "
                                  f"`#| error: true` keeps rendering and shows the error)\n{err}")
            if sized:
                kernel.run_hidden(f"_qmdrender_figsize({fmt['fig-width']!r}, {fmt['fig-height']!r})", "figure size")
            if time.perf_counter() - start > 5:
                log(f"        done in {time.perf_counter() - start:.1f}s")
    return results, inline_values


def execute(doc, chunks, *, use_cache=True, log=print, warn=print):
    """Fill every Inline.value; return (per-cell results, whether they came from the cache)."""
    cells = [c for c in chunks if isinstance(c, Cell)]
    inlines = [i for c in chunks if not isinstance(c, Cell) for i in c.inlines]
    key = cache.key_for(doc, chunks, SETUP)
    entry = cache.load(doc, key, len(cells), len(inlines), warn) if use_cache else None
    hit = entry is not None
    if hit:
        results, values = entry["cells"], entry["inlines"]
    elif not cells and not inlines:
        results, values = [], []  # nothing to run: do not start a kernel
    else:
        results, values = _execute(doc, chunks, log)
        cache.save(doc, key, results, values)
    for inline, value in zip(inlines, values):
        inline.value = value
    return [nbformat.from_dict(r) for r in results], hit


def notebook(doc, chunks, results):
    """The executed notebook: prose (inline values substituted) and cells with outputs."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": doc.kernel, "display_name": doc.kernel, "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for chunk in chunks:
        if isinstance(chunk, Cell):
            cell = new_code_cell("".join(chunk.option_lines) + chunk.code)
            cell.outputs = results[chunk.index]["outputs"]
            cell.execution_count = results[chunk.index]["execution_count"]
            nb.cells.append(cell)
        elif chunk.text().strip():
            nb.cells.append(new_markdown_cell(chunk.text().strip("\n")))
    title = doc.metadata.get("title")
    if title:  # Quarto puts the front matter in a raw cell; a heading reads better in Jupyter
        nb.cells.insert(0, new_markdown_cell(f"# {title}"))
    return nb
