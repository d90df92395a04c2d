"""Browser fixtures: Debian's Chromium driven by Playwright.

Every page a test opens is watched: a Content Security Policy violation or an
uncaught script error fails the test at teardown, and so does any other
console error the test did not say it expected (a 404 page, say). `axe`
checks a page against WCAG 2.2 AA with axe-core, injected through the
DevTools protocol (an injected <script> tag would be refused by the CSP),
and for reflow (WCAG 1.4.10): at 320 CSS pixels wide the page must not be
wider than the screen. 320 is the design ruling: it covers 375 px phones.
"""

from __future__ import annotations

import re
import weakref
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import skip_or_fail

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_SOURCE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1280, "height": 900}
REFLOW_WIDTH = 320
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CSP_MARKERS = ("Content Security Policy", "Refused to")

# Pages opened with JavaScript turned off: axe cannot run inside them.
_NO_SCRIPT_PAGES: weakref.WeakSet = weakref.WeakSet()


# --- the browser --------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# --- console watching -----------------------------------------------------------


class ConsoleWatch:
    """What the pages of one test said on the console that they should not have."""

    def __init__(self):
        self.csp_violations: list[str] = []
        self.errors: list[str] = []
        self._allowed: list[re.Pattern] = []

    def allow(self, pattern: str) -> None:
        """Console errors matching `pattern` are expected (never CSP violations)."""
        self._allowed.append(re.compile(pattern))

    def attach(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught error on {page.url}: {error}"))

    def _on_console(self, message) -> None:
        text = message.text
        where = (message.location or {}).get("url") or "?"
        if any(marker in text for marker in CSP_MARKERS):
            self.csp_violations.append(f"[{message.type}] {text} (at {where})")
        elif message.type == "error":
            self.errors.append(f"{text} (at {where})")

    def problems(self) -> list[str]:
        unexpected = [e for e in self.errors if not any(p.search(e) for p in self._allowed)]
        return [f"CSP violation: {v}" for v in self.csp_violations] + [f"console error: {e}" for e in unexpected]


@pytest.fixture
def console():
    """`console.allow(r"status of 404")` before a test's expected console error."""
    return ConsoleWatch()


@pytest.fixture
def new_page(browser, console):
    """Open a watched page in a fresh context: `new_page(java_script_enabled=False)`."""
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(**{"viewport": VIEWPORT, **context_options})
        contexts.append(context)
        page = context.new_page()
        console.attach(page)
        if context_options.get("java_script_enabled") is False:
            _NO_SCRIPT_PAGES.add(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    problems = console.problems()
    if problems:
        pytest.fail("the browser reported problems:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def page(new_page):
    return new_page()


# --- accessibility ---------------------------------------------------------------

_AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}"""


def _axe_source() -> str:
    if not AXE_SOURCE.exists():
        skip_or_fail(f"axe-core not installed at {AXE_SOURCE} (npm ci)")
    return AXE_SOURCE.read_text(encoding="utf-8")


def _violations_in(page) -> list[dict]:
    # Runtime.evaluate is not subject to the page's CSP; a <script> tag would be.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate(_AXE_RUN, AXE_TAGS)


def _violations_in_snapshot(browser, page) -> list[dict]:
    """axe needs timers, which a page without JavaScript has none of: check the
    same markup, at the same address, in a page whose own scripts are blocked."""
    url, html = page.url, page.content()
    context = browser.new_context(viewport=VIEWPORT)
    try:

        def handle(route):
            request = route.request
            if request.url == url and request.resource_type == "document":
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            elif request.resource_type == "script":
                route.abort()
            else:
                route.continue_()

        context.route("**/*", handle)
        snapshot = context.new_page()
        snapshot.goto(url)
        return _violations_in(snapshot)
    finally:
        context.close()


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        lines.extend(f"    at {target}" for target in v["targets"])
    return "\n".join(lines)


# --- reflow --------------------------------------------------------------------------

# How much wider than the window the page is, and what sticks out: the
# innermost elements whose box or text runs past the right edge.
_OVERFLOW = """() => {
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return null;
  // The right edge of an element's box, or of its text where that runs over.
  const reach = (el) => {
    const box = el.getBoundingClientRect();
    const runsOver = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible';
    return Math.max(box.right, runsOver ? box.left + el.scrollWidth : 0);
  };
  const sticksOut = (el) => {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 && box.height <= 1) return false;  // nothing to see, or visually hidden
    return reach(el) > width + 0.5;
  };
  const culprits = [...document.body.querySelectorAll('*')]
    .filter(sticksOut)
    .filter((el) => ![...el.children].some(sticksOut))
    .slice(0, 5)
    .map((el) => {
      const classes = [...el.classList].map((c) => '.' + c).join('');
      const text = (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 40);
      return `${el.tagName.toLowerCase()}${classes} reaches ${Math.round(reach(el))}px: "${text}"`;
    });
  return {width, scrollWidth, culprits};
}"""


def _reflow_problem(page) -> str | None:
    """Whether the page, laid out REFLOW_WIDTH pixels wide, is wider than that."""
    viewport = page.viewport_size or VIEWPORT
    if viewport["width"] == REFLOW_WIDTH:
        found = page.evaluate(_OVERFLOW)
    else:
        page.set_viewport_size({"width": REFLOW_WIDTH, "height": viewport["height"]})
        try:
            found = page.evaluate(_OVERFLOW)
        finally:
            page.set_viewport_size(viewport)
    if not found:
        return None
    return f"{found['scrollWidth']}px wide in a {found['width']}px window, because of:\n" + "\n".join(
        f"- {culprit}" for culprit in found["culprits"]
    )


@pytest.fixture
def axe(browser):
    """`axe(page)` asserts the page as it is now has no WCAG 2.2 AA violations,
    and that it reflows: at 320 px wide it is no wider than the screen."""

    def check(page, what: str = "") -> None:
        violations = _violations_in_snapshot(browser, page) if page in _NO_SCRIPT_PAGES else _violations_in(page)
        assert not violations, f"axe found accessibility problems on {what or page.url}:\n{_describe(violations)}"
        too_wide = _reflow_problem(page)
        assert not too_wide, f"{what or page.url} does not reflow at {REFLOW_WIDTH}px: {too_wide}"

    return check
