"""Markdown -> typst with pandoc 3 (pypandoc-binary), our template and Lua filter."""

import re
import subprocess
from pathlib import Path

import yaml

from .errors import RenderError

HERE = Path(__file__).parent
TEMPLATE = HERE / "template.typ"
FILTER = HERE / "crossref.lua"

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


def to_typst(doc, markdown: str) -> str:
    """Convert the assembled markdown (with front matter) to a typst source string."""
    import pypandoc  # only needed for this stage

    fmt = doc.format
    args = [pypandoc.get_pandoc_path(), "--from=markdown", "--to=typst", "--standalone",
            f"--template={TEMPLATE}", f"--lua-filter={FILTER}", "--wrap=preserve",
            f"--metadata=qmdrender-docdir:{doc.path.parent}",
            f"--variable=papersize:{fmt['papersize']}", f"--variable=fontsize:{fmt['fontsize']}",
            f"--variable=lang:{fmt['lang']}"]
    if fmt["toc"]:
        args += ["--variable=toc:true", f"--variable=toc-depth:{fmt['toc-depth']}",
                 f"--variable=toc-title:{fmt['toc-title']}"]
    if fmt["number-sections"]:
        args.append("--variable=number-sections:true")
    proc = subprocess.run(args, input=markdown, capture_output=True, text=True, encoding="utf-8")
    if proc.returncode != 0:
        raise RenderError(f"{doc.rel}: pandoc failed:\n{proc.stderr.strip()}")
    return _rename_symbols(proc.stdout)
