"""Printed documents (crm/pdf.py): what the PDF says about itself, what every
page carries, the font, and that rendering fetches nothing but our assets.

The PDFs are read back with pypdf. These tests render templates and touch no
database, so they use an app of their own instead of running once per
database; its template loader also finds tests/templates, where the sample
document lives (test templates are never shipped with the app).
"""

from __future__ import annotations

import builtins
import io
import re
import secrets
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, FileSystemLoader
from pypdf import PdfReader
from pypdf.generic import ContentStream
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from crm import create_app, pdf
from crm.pdf import AssetFetcher, RefusedAsset, asset_path, html_to_pdf, pdf_response, render_pdf

TEST_TEMPLATES = Path(__file__).parent / "templates"
SAMPLE = "_test_print/sample.html"
HOSTILE_NOTE = '<img src="file:///etc/passwd"> and <img src="http://127.0.0.1:9/x.png">'


@pytest.fixture(scope="module")
def print_app():
    app = create_app({"TESTING": True, "SECRET_KEY": secrets.token_urlsafe(32), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(str(TEST_TEMPLATES))])
    return app


def render_sample(app, **context) -> bytes:
    values = {"title": "Sample board minutes", "note": "Nothing to report.", "sections": 1, "rows": 0}
    values.update(context)
    with app.test_request_context():
        return render_pdf(SAMPLE, **values)


@pytest.fixture(scope="module")
def three_pages(print_app):
    """Three pages, OFFICIAL, not a draft, with a user's text that looks like HTML."""
    return PdfReader(io.BytesIO(render_sample(print_app, sections=3, marking="OFFICIAL", note=HOSTILE_NOTE)))


@pytest.fixture(scope="module")
def long_draft(print_app):
    """A draft, OFFICIAL-SENSITIVE, whose table runs over several pages."""
    document = render_sample(print_app, sections=2, rows=60, marking="OFFICIAL-SENSITIVE", draft=True)
    return PdfReader(io.BytesIO(document))


def placed_text(page) -> list[tuple[str, float, float]]:
    """Each piece of text on the page with where it starts, in points from
    the bottom left corner."""
    pieces = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            pieces.append((text.strip(), x, y))

    page.extract_text(visitor_text=visit)
    return pieces


def font_names(reader) -> set[str]:
    """The fonts the pages and the drawings on them use, all embedded."""
    names = set()

    def walk(resources):
        resources = resources.get_object() if resources is not None else {}
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is embedded"
            names.add(str(font["/BaseFont"]).split("+", 1)[-1])
        for drawing in resources.get("/XObject", {}).values():
            walk(drawing.get_object().get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return names


def painted_inside(page, reader) -> list[list[str]]:
    """For each drawing the page paints (Do), the marked-content tags around it."""
    stack, found = [], []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator in (b"BMC", b"BDC"):
            stack.append(str(operands[0]))
        elif operator == b"EMC":
            stack.pop()
        elif operator == b"Do":
            found.append(list(stack))
    return found


# --- what the file says about itself ------------------------------------------


def test_title_language_and_tags(three_pages):
    catalog = three_pages.trailer["/Root"]
    assert three_pages.metadata.title == "Sample board minutes"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/StructTreeRoot"]["/Type"] == "/StructTreeRoot"
    assert three_pages.pdf_header == "%PDF-1.7"


def test_xmp_metadata_says_pdf_ua_1(three_pages):
    xmp = three_pages.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp
    assert "Sample board minutes" in xmp


def test_render_pdf_needs_a_marking(print_app):
    for marking in (None, "", "SECRET", "official"):
        with pytest.raises(ValueError, match="marking"):
            render_sample(print_app, marking=marking)


# --- every page ---------------------------------------------------------------


def test_marking_centred_at_the_top_and_bottom_of_every_page(long_draft):
    assert len(long_draft.pages) >= 3
    for page in long_draft.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        markings = [(x, y) for text, x, y in placed_text(page) if text == "OFFICIAL-SENSITIVE"]
        assert len(markings) == 2
        (_, top), (_, bottom) = sorted(markings, key=lambda place: -place[1])
        assert top > height * 0.9 and bottom < height * 0.1
        # Centred: "OFFICIAL-SENSITIVE" in 10.5 pt bold is about 115 pt wide.
        assert all(abs(x + 57 - width / 2) < 15 for x, _ in markings)


def test_page_n_of_m_in_the_footer(three_pages):
    assert len(three_pages.pages) == 3
    for number, page in enumerate(three_pages.pages, start=1):
        footer = [(text, y) for text, _, y in placed_text(page) if text.startswith("Page ")]
        assert footer == [(f"Page {number} of 3", pytest.approx(footer[0][1]))]
        assert footer[0][1] < float(page.mediabox.height) * 0.1


def test_draft_watermark_on_every_page_as_an_artifact(long_draft):
    for page in long_draft.pages:
        assert "DRAFT" in page.extract_text()
        # The watermark is a drawing painted as an artifact: not content that
        # a screen reader reads, and painted before, so under, the text.
        assert painted_inside(page, long_draft) == [["/Artifact"]]


def test_no_watermark_unless_a_draft(three_pages):
    for page in three_pages.pages:
        assert "DRAFT" not in page.extract_text()
        assert painted_inside(page, three_pages) == []


def test_table_header_repeats_on_every_page_it_runs_onto(long_draft):
    table_pages = [text for page in long_draft.pages if "witness care figures" in (text := page.extract_text())]
    assert len(table_pages) >= 2
    assert all(re.search(r"No\.\s+Action\s+Owner\s+Due", text) for text in table_pages)


def test_numbered_paragraphs(three_pages):
    text = three_pages.pages[1].extract_text()
    assert re.search(r"2\s+Section 2", text)
    assert re.search(r"2\.2\s+The board noted", text)


def test_the_font_is_arimo_embedded(long_draft):
    # Arimo Ext is the Latin Extended half (the chair's name, Łukasz Şahin).
    assert font_names(long_draft) == {"Arimo", "Arimo-Bold", "Arimo-Italic", "Arimo-Ext"}
    assert "Łukasz Şahin" in long_draft.pages[0].extract_text()


# --- nothing fetched but our own assets ------------------------------------------


def test_text_a_user_typed_stays_text(three_pages):
    text = "".join(page.extract_text() for page in three_pages.pages)
    assert '<img src="file:///etc/passwd"> and <img src="http://127.0.0.1:9/x.png">' in text
    assert "root:" not in text


@pytest.fixture
def recording_server():
    """An HTTP server on a free local port that notes every request."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = b"body { color: red }"
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def hostile_html(server: str) -> str:
    """Markup as if a user's text had reached the page unescaped."""
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Hostile</title>
<link rel="stylesheet" href="{server}/link.css">
<link rel="stylesheet" href="file:///etc/passwd">
<style>
  @import url("{server}/import.css");
  @font-face {{ font-family: Stolen; src: url("{server}/font.woff"), url("file:///etc/passwd"); }}
  p {{ font-family: Stolen; background: url("{server}/background.png"); }}
</style></head>
<body data-marking="OFFICIAL"><main><h1>Hostile</h1>
<p>Before</p>
<img alt="" src="{server}/image.png"><img alt="" src="file:///etc/passwd">
<img alt="" src="../../../../../../etc/passwd"><img alt="" src="/etc/passwd">
<img alt="" src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E%3Cimage href='{server}/svg.png'/%3E%3C/svg%3E">
<object data="{server}/object.svg"></object><embed src="{server}/embed.svg">
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="{server}/inline-svg.png" width="10" height="10"/></svg>
<p>After</p></main></body></html>"""


def test_raw_html_with_outside_addresses_fetches_nothing(recording_server, monkeypatch):
    server, hits = recording_server
    html = hostile_html(server)

    # The markup does reach the server with WeasyPrint's own fetcher, so a
    # silent server below means ours refused, not that nothing was asked.
    HTML(string=html, url_fetcher=URLFetcher(timeout=5)).write_pdf()
    assert len(hits) >= 5
    hits.clear()

    # Every connection and every file opened from Python while it renders
    # (the fonts and the stylesheet are read beforehand, once).
    pdf.print_styles()
    connections, opened = [], []
    real_open = builtins.open

    def watched_open(file, *args, **kwargs):
        opened.append(Path(file).resolve())
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", lambda self, address: connections.append(address))
    monkeypatch.setattr(builtins, "open", watched_open)
    monkeypatch.setattr(io, "open", watched_open)

    document = PdfReader(io.BytesIO(html_to_pdf(html)))

    assert (hits, connections) == ([], [])
    assert [file for file in opened if not any(file.is_relative_to(folder) for folder in pdf.SERVED_FOLDERS)] == []
    text = document.pages[0].extract_text()
    assert "Before" in text and "After" in text
    assert "root:" not in text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/print.css",
        "data:text/css,body{}",
        "ftp://print-assets.invalid/static/print/print.css",
        "http://print-assets.invalid/static/print/print.css",
        "https://print-assets.invalid:8443/static/print/print.css",
        "https://someone@print-assets.invalid/static/print/print.css",
        "https://print-assets.invalid/static/print/print.css?v=1",
        "https://print-assets.invalid/static/print/../../pdf.py",
        "https://print-assets.invalid/static/print/%2e%2e/%2e%2e/pdf.py",
        "https://print-assets.invalid/static/print/%2e%2e%2fjs%2fapp.mjs",
        "https://print-assets.invalid/static/print/..%5c..%5cpdf.py",
        "https://print-assets.invalid/static/print/print.css%00.png",
        "https://print-assets.invalid/static/dist/css/app.css",
        "https://print-assets.invalid/static/dist/fonts/arimo-LICENSE.txt",
        "https://print-assets.invalid/static/print/missing.css",
        "https://print-assets.invalid/etc/passwd",
        "https://print-assets.invalid/static//etc/passwd",
        "https://[broken/static/print/print.css",
    ],
)
def test_the_fetcher_refuses_everything_else(url):
    with pytest.raises(RefusedAsset):
        AssetFetcher()(url)


def test_the_fetcher_serves_the_stylesheet_and_the_fonts():
    fetcher = AssetFetcher()
    stylesheet = fetcher(pdf.STYLESHEET_URL)
    assert stylesheet.content_type == "text/css"
    assert b"@page" in stylesheet.read()
    font = fetcher(pdf.ASSET_BASE_URL + "dist/fonts/arimo-latin-400-normal.woff")
    assert font.content_type == "font/woff"
    assert font.read()[:4] == b"wOFF"


def test_the_fetcher_does_not_follow_a_link_out_of_its_folders(tmp_path, monkeypatch):
    (tmp_path / "print").mkdir()
    (tmp_path / "print" / "ours.css").write_text("p {}")
    (tmp_path / "print" / "theirs.css").symlink_to("/etc/passwd")
    monkeypatch.setattr(pdf, "STATIC_ROOT", tmp_path)
    monkeypatch.setattr(pdf, "SERVED_FOLDERS", (tmp_path / "print",))
    assert asset_path(pdf.ASSET_BASE_URL + "print/ours.css") == tmp_path / "print" / "ours.css"
    with pytest.raises(RefusedAsset):
        asset_path(pdf.ASSET_BASE_URL + "print/theirs.css")


def test_styles_are_parsed_once_per_thread():
    assert pdf.print_styles() is pdf.print_styles()
    elsewhere = []
    thread = threading.Thread(target=lambda: elsewhere.append(pdf.print_styles()))
    thread.start()
    thread.join()
    assert elsewhere[0] is not pdf.print_styles()


# --- sending it ---------------------------------------------------------------


def test_pdf_response_is_a_download_never_cached(print_app):
    with print_app.test_request_context():
        response = pdf_response(b"%PDF-1.7 ...", 'Minutes – Łódź "board" 4.3.2025/../x.pdf')
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="Minutes-odz-board-4-3-2025-x.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data() == b"%PDF-1.7 ..."
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("name", ["", ".pdf", "///", "Łł"])
def test_pdf_response_names_a_file_even_from_nothing(print_app, name):
    with print_app.test_request_context():
        response = pdf_response(b"%PDF", name)
    assert response.headers["Content-Disposition"] == 'attachment; filename="document.pdf"'


def test_pdf_response_sets_the_ready_cookie_for_a_download_token(print_app):
    with print_app.test_request_context():
        response = pdf_response(b"%PDF", "minutes.pdf", download_token="a1B2_c3-D4")
    [cookie] = response.headers.getlist("Set-Cookie")
    assert cookie.startswith("pdf-ready-a1B2_c3-D4=1;")
    attributes = [part.strip() for part in cookie.split(";")]
    assert "Max-Age=60" in attributes
    assert "Path=/" in attributes
    assert "SameSite=Strict" in attributes
    assert "HttpOnly" not in attributes  # the page's script reads it


@pytest.mark.parametrize("token", ["", "a b", "x;y", "x=1", "../x", "a\nb", "é", "a" * 65, "tok%20en", "<script>"])
def test_pdf_response_ignores_a_bad_download_token(print_app, token):
    with print_app.test_request_context():
        response = pdf_response(b"%PDF", "minutes.pdf", download_token=token)
    assert "Set-Cookie" not in response.headers
    assert response.headers["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
