"""Markdown -> typst with pandoc 3 (pypandoc-binary), our template and Lua filters."""

import re
import subprocess
from pathlib import Path

import yaml

from .errors import RenderError

HERE = Path(__file__).parent
TEMPLATE = HERE / "template.typ"
FILTERS = (HERE / "crossref.lua", HERE / "floats.lua")  # references first: they need the original labels

# pandoc 3's typst writer still emits symbol names that typst 0.14 renamed (\odot -> dot.circle,
# now dot.o; \langle -> angle.l, now chevron.l); the compiler rejects the old names.
_OLD_SYMBOL = re.compile(r"\b(?:(dot|plus|minus|times|div)\.circle|(angle)\.([lr]))\b")


def _rename_symbols(source: str) -> str:
    def new_name(match: re.Match) -> str:
        if match.group(1):
            return f"{match.group(1)}.o"
        return f"chevron.{match.group(3)}"
    return _OLD_SYMBOL.sub(new_name, source)


def front_matter(doc) -> str:
    """YAML header for pandoc: title block fields only (options go in as variables)."""
    meta = {k: v for k, v in doc.metadata.items() if v not in (None, [], "")}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) + "---\n\n" if meta else ""


def to_typst(doc, markdown: str, warn=print, locate=None) -> str:
    """Convert the assembled markdown (with front matter) to a typst source string.

    `locate(text)` names the document line holding `text` (for the filters' messages).
    """
    import pypandoc  # only needed for this stage

    fmt = doc.format
    args = [pypandoc.get_pandoc_path(), "--from=markdown", "--to=typst", "--standalone",
            f"--template={TEMPLATE}", *(f"--lua-filter={f}" for f in FILTERS), "--wrap=preserve",
            f"--metadata=qmdrender-docdir:{doc.path.parent}", f"--metadata=qmdrender-root:{doc.project.root}",
            f"--variable=papersize:{fmt['papersize']}", f"--variable=fontsize:{fmt['fontsize']}",
            f"--variable=lang:{fmt['lang']}"]
    if fmt["toc"]:
        args += ["--variable=toc:true", f"--variable=toc-depth:{fmt['toc-depth']}",
                 f"--variable=toc-title:{fmt['toc-title']}"]
    numbering = fmt["section-numbering"] or ("1.1.a" if fmt["number-sections"] else None)
    if numbering:  # as Quarto: section-numbering implies numbered sections
        args.append(f"--variable=section-numbering:{numbering}")
    margin = ", ".join(f"{side}: {length}" for side, length in fmt["margin"].items())
    args.append(f"--variable=margin:{margin}")
    if doc.bibliography and fmt["citeproc"]:
        # After crossref.lua (which takes the @fig-/@tbl-... keys), as in Quarto.
        args += ["--citeproc", *(f"--bibliography={path}" for path in doc.bibliography)]
        if doc.csl:
            args.append(f"--csl={doc.csl}")
    elif doc.bibliography:
        # Quarto's typst default: typst's own citations and `#bibliography(...)` at the end.
        args += [f"--variable=qmd-bibliography:{_in_root(doc, path)}" for path in doc.bibliography]
        if doc.csl:
            args.append(f"--variable=qmd-csl:{_in_root(doc, doc.csl)}")
    proc = subprocess.run(args, input=markdown, capture_output=True, text=True, encoding="utf-8")
    if proc.returncode != 0:
        raise RenderError(f"{doc.rel}: pandoc could not convert the document ({_first(proc.stderr)})",
                          proc.stderr.strip())
    messages = [_message(line, locate or (lambda needle: str(doc.rel))) for line in proc.stderr.splitlines()
                if line.strip()]
    errors = [text for level, text in messages if level == "ERROR"]
    if errors:  # the filters found something typst would refuse or qmdrender does not support
        raise RenderError(errors[0], "\n".join(errors[1:]))
    for _, text in messages:  # warnings (unresolved references, citations)
        warn(text)
    return _rename_symbols(proc.stdout)


def _message(line, locate):
    """(level, "file:line: message") from a filter's `LEVEL: NEEDLE<tab>message` or pandoc's own line."""
    level, _, rest = line.strip().partition(": ")
    if level in ("ERROR", "WARNING") and "\t" in rest:
        needle, _, text = rest.partition("\t")
        return level, f"{locate(needle)}: {text}"
    return "WARNING", f"{locate(None)}: {line.strip().removeprefix('[WARNING] ')}"


def _in_root(doc, path):
    """`path` as typst sees it (absolute from the project folder, its root)."""
    if not path.is_relative_to(doc.project.root):
        raise RenderError(f"{doc.rel}: {path} is outside the project folder {doc.project.root}, which typst "
                          f"cannot read from: move it into the project")
    return f"/{path.relative_to(doc.project.root)}"


def _first(text):
    return next((line.strip() for line in text.splitlines() if line.strip()), "no message")
