"""Render the sample printed document, time it, and save it for looking at.

    .venv/bin/python scripts/pdf_sample.py                 # 10 pages, draft, OFFICIAL-SENSITIVE
    .venv/bin/python scripts/pdf_sample.py --pages 3 --runs 5 --output /tmp/sample.pdf
    pdftoppm -png -r 60 /tmp/pdf-sample.pdf /tmp/pdf-sample   # then look at the PNGs

The sample is tests/templates/_test_print/sample.html (a test template, not
shipped with the app). The first render parses the print stylesheet and
loads its fonts; later ones in the same process reuse them (crm/pdf.py).
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import time
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crm import create_app  # noqa: E402
from crm.pdf import render_pdf  # noqa: E402

# Rows of the sample's table that fill about one page, after the first.
ROWS_PER_PAGE = 16


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10, help="about how many pages (default 10)")
    parser.add_argument("--runs", type=int, default=10, help="renders after the first (default 10)")
    parser.add_argument("--marking", default="OFFICIAL-SENSITIVE", choices=["OFFICIAL", "OFFICIAL-SENSITIVE"])
    parser.add_argument("--final", action="store_true", help="no DRAFT watermark")
    parser.add_argument("--output", default="/tmp/pdf-sample.pdf")
    args = parser.parse_args()

    app = create_app({"SECRET_KEY": secrets.token_urlsafe(32), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(str(ROOT / "tests" / "templates"))])
    context = {
        "title": "Sample board minutes",
        "note": 'A user typed <img src="file:///etc/passwd">: it prints as text.',
        "sections": 2,
        "rows": max(0, args.pages - 2) * ROWS_PER_PAGE,
        "marking": args.marking,
        "draft": not args.final,
    }

    def render() -> tuple[bytes, float]:
        started = time.perf_counter()
        with app.test_request_context():
            document = render_pdf("_test_print/sample.html", **context)
        return document, time.perf_counter() - started

    document, first = render()
    later = [render()[1] for _ in range(args.runs)]
    Path(args.output).write_bytes(document)
    pages = len(PdfReader(args.output).pages)
    print(f"{pages} pages, {len(document):,} bytes -> {args.output}")
    print(f"first render (parses the stylesheet, loads the fonts): {first * 1000:.0f} ms")
    if later:
        print(
            f"later renders, {len(later)}: median {statistics.median(later) * 1000:.0f} ms, "
            f"fastest {min(later) * 1000:.0f} ms, slowest {max(later) * 1000:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
