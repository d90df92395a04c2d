"""CSV downloads, streamed a row at a time so that memory stays flat however
long the list, with every cell a spreadsheet would run as a formula made inert."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response, stream_with_context

from crm.pdf import safe_filename

# A cell starting with one of these is a formula to Excel, LibreOffice or
# Google Sheets (OWASP's CSV injection list): a leading apostrophe makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value) -> str:
    """`value` as a CSV cell that no spreadsheet will evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """A CSV download of `header` and `rows` (an iterator, read as the response is sent)."""

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        # A byte-order mark, so that Excel reads the file as UTF-8.
        buffer.write("\ufeff")
        writer.writerow(header)
        for row in rows:
            writer.writerow([inert(value) for value in row])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = Response(stream_with_context(lines()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_filename(filename, ".csv")}"'
    response.headers["Cache-Control"] = "no-store"
    return response
