"""typst -> PDF with the `typst` Python package, and atomic output writes."""

import os
import tempfile
from pathlib import Path

from .errors import RenderError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path, data):
    """Write bytes/str to a temp file beside `path`, then rename over it.

    A failed render therefore never truncates the last good output.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def compile_pdf(doc, source: str) -> bytes:
    """Compile typst source to PDF bytes.

    The typst root is the project folder (image paths are absolute from it,
    crossref.lua), so a document cannot embed files from outside the project.
    Only the fonts embedded in typst are used: the output does not depend
    on what the machine has installed.
    """
    import typst

    try:
        return typst.compile(source.encode("utf-8"), root=str(doc.project.root), ignore_system_fonts=True)
    except Exception as e:  # typst.TypstError: its diagnostic shows the offending line
        detail = str(getattr(e, "diagnostic", None) or e)
        first = next((line.strip() for line in detail.splitlines() if line.strip()), "no message")
        raise RenderError(f"{doc.rel}: typst could not compile the document ({first}); "
                          f"set `keep-typ: true` under `format: typst:` to keep the .typ it refers to", detail) from None
