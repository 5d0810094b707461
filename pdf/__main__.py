"""Preview the guide: `python -m pdf CONTEXT.json OUT.pdf` renders and reports the time."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import render_guide, template_version


def main(argv: list[str] | None = None) -> int:
    """Render a context JSON file to a PDF file."""
    parser = argparse.ArgumentParser(prog="python -m pdf", description=__doc__)
    parser.add_argument("context", type=Path, help="context JSON (docs/guide-context.md)")
    parser.add_argument("output", type=Path, help="where to write the PDF")
    parser.add_argument("--html", type=Path, help="also write the intermediate HTML here")
    args = parser.parse_args(argv)
    context = json.loads(args.context.read_text(encoding="utf-8"))
    if args.html:
        from .render import build_html

        args.html.write_text(build_html(context), encoding="utf-8")
    started = time.perf_counter()
    pdf = render_guide(context)
    elapsed = time.perf_counter() - started
    args.output.write_bytes(pdf)
    print(f"{args.output}: {len(pdf):,} bytes in {elapsed:.2f} s ({template_version()})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
