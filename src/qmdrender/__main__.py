"""Command line: `python -m qmdrender [PROJECT_DIR | FILE.qmd] [--no-cache] [--to typst|md] [--quiet]`."""

import argparse
import shlex
import sys
import traceback
from pathlib import Path

from . import render
from .errors import RenderError


def rerun_command(argv) -> str:
    """The command line that reruns this render, runnable from the current directory."""
    python = Path(sys.executable)
    try:
        python = python.relative_to(Path.cwd())
    except ValueError:
        pass
    return shlex.join([str(python), "-m", "qmdrender", *(sys.argv[1:] if argv is None else argv)])


def main(argv=None) -> int:
    """Entry point of the `qmdrender` console script; returns the exit status."""
    parser = argparse.ArgumentParser(prog="qmdrender", description=(
        "Render a Quarto project (format: typst, python cells) to PDF without quarto: "
        "Jupyter kernel -> pandoc -> typst."))
    parser.add_argument("path", nargs="?", default=".", help="project directory or one .qmd file (default: .)")
    parser.add_argument("--no-cache", "--refresh", dest="use_cache", action="store_false",
                        help="re-execute every cell, ignoring cached results (fresh results are stored)")
    parser.add_argument("--to", choices=("typst", "md"), default="typst",
                        help="typst: PDF via typst (default); md: stop at the executed markdown")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only errors and the output path")
    args = parser.parse_args(argv)
    try:
        out = render(args.path, use_cache=args.use_cache, to=args.to, quiet=args.quiet)
    except RenderError as e:
        # First line: where and what, then how to rerun; the detail (traceback) after it.
        print(f"error: {e.message}; then rerun `{rerun_command(argv)}`", file=sys.stderr)
        if e.detail:
            print(e.detail, file=sys.stderr)
        return 1
    except Exception as e:  # a bug in qmdrender itself: still one clear first line
        print(f"error: qmdrender crashed rendering {args.path} ({type(e).__name__}: {e}); this is a qmdrender "
              f"bug, not a problem in the document: report it with the traceback below", file=sys.stderr)
        traceback.print_exc()
        return 2
    except KeyboardInterrupt:
        print("qmdrender: interrupted", file=sys.stderr)
        return 130
    if args.quiet:
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
