"""PDFs from our own templates: tagged, PDF/UA-1, set in Arimo.

`render_pdf` renders a template that extends `_print/document.html` and has
WeasyPrint lay it out with `crm/static/print/print.css`; `pdf_response`
sends the result as a download.

WeasyPrint fetches whatever a document names: stylesheets, fonts, images.
Ours may name only our own print assets, and `AssetFetcher` serves nothing
else: no other file on the disk and nothing from the network, whatever the
HTML says. The assets live under one made-up address in the `.invalid`
domain, which by definition never resolves, so a slip could not reach a
real server either; relative addresses in the stylesheet work as they would
on the web.

Parsing the stylesheet loads its fonts (unpacking each WOFF file), which
costs about as much as laying out a short document; the parsed stylesheet and its
font configuration are kept per thread (a WeasyPrint font configuration
holds Pango state that is not for sharing between threads) and parsed again
only when the stylesheet's file changes.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Response, current_app, render_template
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_ROOT = Path(__file__).resolve().parent / "static"
ASSET_BASE_URL = "https://print-assets.invalid/static/"
STYLESHEET_URL = ASSET_BASE_URL + "print/print.css"

# Folders under crm/static the fetcher may read, and the kinds of file it
# serves, by suffix. The fonts are copied into dist/ by scripts/build-assets.mjs.
SERVED_FOLDERS = (STATIC_ROOT / "print", STATIC_ROOT / "dist" / "fonts")
SERVED_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
}

# The Government Security Classifications a printed document may carry.
MARKINGS = frozenset({"OFFICIAL", "OFFICIAL-SENSITIVE"})


class RefusedAsset(ValueError):
    """An address the print assets do not have. WeasyPrint treats any error
    from a fetcher as a missing resource: it skips the image or font and goes on."""


def asset_path(url: str) -> Path:
    """The file behind one of our asset addresses, or RefusedAsset."""
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise RefusedAsset(f"not an address: {url!r}") from error
    base = urlsplit(ASSET_BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.query:
        raise RefusedAsset(f"not a print asset: {url!r}")
    path = unquote(parts.path)
    if not path.startswith(base.path) or "\\" in path or "\x00" in path:
        raise RefusedAsset(f"not a print asset: {url!r}")
    # Resolving removes any ../ (and follows links) before the folder check.
    file = (STATIC_ROOT / path.removeprefix(base.path)).resolve()
    if not any(file.is_relative_to(folder) for folder in SERVED_FOLDERS):
        raise RefusedAsset(f"outside the print assets: {url!r}")
    if file.suffix not in SERVED_TYPES or not file.is_file():
        raise RefusedAsset(f"no such print asset: {url!r}")
    return file


class AssetFetcher(URLFetcher):
    """WeasyPrint's fetcher, answering only for our print assets.

    `fetch` is the only way WeasyPrint asks for anything (calling the
    fetcher calls it); it never reaches the parent's network or file
    handlers.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        file = asset_path(url)
        return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": SERVED_TYPES[file.suffix]})


@dataclass
class _PrintStyles:
    version: int
    fonts: FontConfiguration
    counters: CounterStyle
    stylesheet: CSS


_per_thread = threading.local()


def _stylesheet_file() -> Path:
    return asset_path(STYLESHEET_URL)


def print_styles() -> _PrintStyles:
    """The parsed print stylesheet and its fonts, parsed once per thread."""
    version = _stylesheet_file().stat().st_mtime_ns
    styles = getattr(_per_thread, "styles", None)
    if styles is None or styles.version != version:
        fonts = FontConfiguration()
        counters = CounterStyle()
        stylesheet = CSS(url=STYLESHEET_URL, url_fetcher=AssetFetcher(), font_config=fonts, counter_style=counters)
        styles = _per_thread.styles = _PrintStyles(version, fonts, counters, stylesheet)
    return styles


def html_to_pdf(html: str) -> bytes:
    """Lay out `html` with the print stylesheet into a tagged PDF/UA-1 file.

    The language comes from <html lang>, the title from <title>; readers show
    that title instead of the file name (WeasyPrint sets DisplayDocTitle).
    """
    styles = print_styles()
    document = HTML(string=html, base_url=ASSET_BASE_URL, url_fetcher=AssetFetcher())
    return document.write_pdf(
        stylesheets=[styles.stylesheet],
        font_config=styles.fonts,
        counter_style=styles.counters,
        pdf_variant="pdf/ua-1",
    )


def render_pdf(template_name: str, **context) -> bytes:
    """The PDF of a template that extends `_print/document.html`.

    `marking` is required: no document leaves without its protective marking.
    """
    marking = context.get("marking")
    if marking not in MARKINGS:
        raise ValueError(f"a printed document needs a marking from {sorted(MARKINGS)}, not {marking!r}")
    return html_to_pdf(render_template(template_name, **context))


# --- sending it ---------------------------------------------------------------

# The token the page's script puts in a PDF link's address (static/js/app.mjs)
# names the cookie that tells it the answer has come.
_DOWNLOAD_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
DOWNLOAD_COOKIE_PREFIX = "pdf-ready-"


def safe_filename(name: str, extension: str = ".pdf") -> str:
    """A file name any browser and file system takes, and that needs no
    quoting in a header: ASCII letters, digits, dashes and underscores (accents
    dropped, anything else a dash), ending in `extension`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_]+", "-", ascii_name.removesuffix(extension)).strip("-_")
    return f"{stem[:100].rstrip('-_') or 'document'}{extension}"


def pdf_response(pdf_bytes: bytes, filename: str, *, download_token: str | None = None) -> Response:
    """`pdf_bytes` as a download named `filename`, never cached.

    Pass the link's `download_token` argument as it came (a view does
    `download_token=request.args.get("download_token")`): when it is a short
    token the response sets the cookie `pdf-ready-<token>`, which the page's
    script watches for to end its "Preparing PDF…". Anything else is ignored.
    """
    response = Response(pdf_bytes, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    response.headers["Cache-Control"] = "no-store"
    if download_token is not None and _DOWNLOAD_TOKEN.fullmatch(download_token):
        response.set_cookie(
            DOWNLOAD_COOKIE_PREFIX + download_token,
            "1",
            max_age=60,
            path="/",
            samesite="Strict",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=False,  # the page's script reads it
        )
    return response
