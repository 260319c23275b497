"""The published course (`make site`, build/site/) read in headless Chromium.

Serves build/site on 127.0.0.1 and loads every page in Debian's Chromium through Selenium
and /usr/bin/chromedriver: each page answers 200, every internal link (with its #fragment),
image and audio source resolves, every image decodes, MathJax typeset the maths (no raw
``$$`` or ``\\(`` left in the prose, no MathJax error), and the browser logged no error.
Screenshots of the home page and of a notebook page go to build/site-check/ (or
$SITE_SCREENSHOTS). Run by `make site-check` in .venv-site; skipped where Selenium,
Chromium or the built site is missing (e.g. inside `make test`).
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from chromium import chromium, skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("SITE_DIR", ROOT / "build" / "site"))
SHOTS = Path(os.environ.get("SITE_SCREENSHOTS", ROOT / "build" / "site-check"))
SHOT_PAGES = {"home": "index.html", "notebook": "notebooks/12_speech.html"}
RAW_MATH = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\frac\{")

pytestmark = pytest.mark.slow


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output readable
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the browser dropping a media download half way is not a failure


@pytest.fixture(scope="module")
def base_url():
    if not (SITE / "index.html").is_file():
        skip_or_fail(f"no site in {SITE}: run `make site` first")
    handler = functools.partial(_Quiet, directory=str(SITE))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def driver():
    # No sound, no scrollbars in the screenshots.
    flags = ("--hide-scrollbars", "--autoplay-policy=user-gesture-required")
    with chromium("site-check", extra_flags=flags) as browser:
        yield browser


def site_pages() -> list[str]:
    """Every HTML page of the site, relative to its root (theme partials left out)."""
    return sorted(
        p.relative_to(SITE).as_posix()
        for p in SITE.rglob("*.html")
        if not p.relative_to(SITE).as_posix().startswith(("_static/", "_sources/"))
    )


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


@functools.cache
def anchors(page: str) -> frozenset[str]:
    parser = _Ids()
    parser.feed((SITE / page).read_text(encoding="utf-8"))
    return frozenset(parser.ids)


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


# Collected in the browser after MathJax has finished (or was never loaded).
PAGE_FACTS = """
const done = arguments[arguments.length - 1];
const ready = (window.MathJax && MathJax.startup && MathJax.startup.promise)
  ? MathJax.startup.promise : Promise.resolve();
ready.then(() => {
  const main = document.querySelector('main') || document.body;
  const prose = main.cloneNode(true);
  prose.querySelectorAll('pre, code, script, style, mjx-container, mjx-assistive-mml, textarea')
       .forEach(e => e.remove());
  done({
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    images: [...document.querySelectorAll('img')].map(i => ({
      src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0})),
    audio: [...document.querySelectorAll('audio')].map(a => ({
      sources: [...a.querySelectorAll('source')].map(s => s.src).concat(a.src ? [a.src] : []),
      error: a.error ? a.error.code : null})),
    mathNodes: document.querySelectorAll('.math').length,
    typeset: document.querySelectorAll('mjx-container').length,
    mathErrors: [...document.querySelectorAll('mjx-merror')].map(e => e.textContent).slice(0, 5),
    text: prose.innerText,
    title: document.title,
  });
}).catch(err => done({error: String(err)}));
"""


def check_page(browser, base_url: str, page: str) -> list[str]:
    url = urllib.parse.urljoin(base_url, page)
    problems = []
    if (code := status(url)) != 200:
        return [f"HTTP {code}"]
    browser.get(url)
    facts = browser.execute_async_script(PAGE_FACTS)
    if "error" in facts:
        return [f"page script failed: {facts['error']}"]
    # Links within the site: the target answers 200 and its #fragment exists.
    for href in sorted(set(facts["links"])):
        if not href.startswith(base_url):
            continue  # Colab, GitHub: outside the site
        target, _, fragment = href.partition("#")
        path = urllib.parse.unquote(urllib.parse.urlparse(target).path).lstrip("/")
        if path == "" or path.endswith("/"):
            path += "index.html"
        if not (SITE / path).is_file() or status(target) != 200:
            problems.append(f"broken link {href}")
        elif (
            fragment
            and path.endswith(".html")
            and urllib.parse.unquote(fragment) not in anchors(path)
        ):
            problems.append(f"link to a missing anchor {href}")
    for image in facts["images"]:
        if not image["ok"]:
            problems.append(f"image did not load: {image['src'][:120]}")
    for audio in facts["audio"]:
        if not audio["sources"]:
            problems.append("audio element without a source")
        for src in audio["sources"]:
            if src.startswith("data:"):
                if not src.startswith("data:audio/"):
                    problems.append(f"audio source is not audio: {src[:40]}")
            elif not src.startswith(base_url) or status(src) != 200:
                problems.append(f"audio source does not load: {src[:120]}")
        if audio["error"] is not None:
            problems.append(f"audio element error code {audio['error']}")
    if facts["mathNodes"] and not facts["typeset"]:
        problems.append(f"{facts['mathNodes']} maths nodes but nothing typeset by MathJax")
    if facts["mathErrors"]:
        problems.append(f"MathJax errors: {facts['mathErrors']}")
    for match in list(RAW_MATH.finditer(facts["text"]))[:3]:
        context = facts["text"][max(0, match.start() - 40) : match.end() + 40]
        problems.append(f"raw maths in the text: {context!r}")
    for entry in browser.get_log("browser"):
        if entry["level"] in ("SEVERE", "ERROR"):
            problems.append(f"console: {entry['message'][:200]}")
    return problems


def test_every_page_loads_links_resolve_maths_typeset_no_console_error(driver, base_url):
    pages = site_pages()
    assert "index.html" in pages and len(pages) >= 3, pages
    started = time.monotonic()
    failures = {}
    for page in pages:
        problems = check_page(driver, base_url, page)
        if problems:
            failures[page] = problems
    report = "\n".join(f"{page}:\n  " + "\n  ".join(p) for page, p in failures.items())
    print(f"checked {len(pages)} pages in {time.monotonic() - started:.1f} s")
    assert not failures, f"{len(failures)} of {len(pages)} pages have problems:\n{report}"


def test_screenshots_of_home_and_a_notebook(driver, base_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, page in SHOT_PAGES.items():
        if not (SITE / page).is_file():
            continue
        driver.get(urllib.parse.urljoin(base_url, page))
        driver.execute_async_script(PAGE_FACTS)  # waits for MathJax
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, min(max(height, 1000), 2400))
        assert driver.save_screenshot(str(SHOTS / f"{name}.png"))
        # The first audio player (notebook pages): its surroundings, for a look at outputs.
        if driver.execute_script(
            "const a = document.querySelector('audio');"
            "if (!a) return false; a.scrollIntoView({block: 'center'}); return true;"
        ):
            driver.set_window_size(1280, 1000)
            driver.execute_script(
                "document.querySelector('audio').scrollIntoView({block: 'center'})"
            )
            assert driver.save_screenshot(str(SHOTS / f"{name}-audio.png"))
        driver.set_window_size(1280, 1000)
    assert (SHOTS / "home.png").is_file()
