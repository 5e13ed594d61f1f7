"""Measurements inside a real Chromium: keystroke-to-results time and bytes fetched.

Times are taken by the page's own clock (``performance.now()``): a capture listener notes
the keystroke (or the pointer going down on a facet), a MutationObserver notes when
``[data-results]`` turns busy (the search starts) and when it
turns idle again with the new list drawn, and a frame later, when it could be painted.
A capture listener on window notes the ``circles:results`` event just before map.js redraws its
markers. Playwright's round trips are outside every interval.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

from plugins.circles.exports.search import EVERY_CIRCLE, FACETS
from tests.browser import LOOPBACK

#: A 1×1 PNG for map tiles: nothing leaves the machine, and tiles are not counted.
PIXEL = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                      "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
TIMEOUT = 60_000

RECORDER = """() => {
  const list = document.querySelector('[data-results]');
  const b = window.__bench = {armed: false, arm() { Object.assign(this, {armed: true, t0: null, busyAt: null,
                                                                         doneAt: null, paintAt: null, mapAt: null}); }};
  const start = (event) => { if (b.armed && b.t0 === null) b.t0 = event.timeStamp; };
  document.addEventListener('keydown', start, true);
  document.addEventListener('pointerdown', start, true);
  document.addEventListener('input', start, true);
  // Before map.js's listener on document: the markers are drawn between this and the list turning idle.
  window.addEventListener('circles:results', () => { if (b.t0 !== null && b.doneAt === null) b.mapAt = performance.now(); }, true);
  new MutationObserver(() => {
    if (b.t0 === null || b.doneAt !== null) return;
    const busy = list.getAttribute('aria-busy');
    if (busy === 'true' && b.busyAt === null) b.busyAt = performance.now();
    // Busy and idle again within one task (the first view, drawn without searching).
    if (busy === 'false' && b.busyAt === null) b.busyAt = performance.now();
    if (busy === 'false' && b.busyAt !== null) {
      b.doneAt = performance.now();
      b.items = list.children.length;
      b.status = document.querySelector('[data-status]').textContent;
      requestAnimationFrame(() => setTimeout(() => { b.paintAt = performance.now(); b.armed = false; }));
    }
  }).observe(list, {attributes: true, attributeFilter: ['aria-busy']});
}"""


@dataclass
class Timing:
    """One search, in milliseconds from the keystroke (or pointer down)."""

    query: str
    started: float  # the search began
    drawn: float  # results in the list: the number measured against the target
    painted: float  # a frame later
    items: int
    status: str
    map: float  # of ``drawn``: map.js moving the markers (it runs inside search.js's drawing)


@dataclass
class Fetch:
    url: str
    phase: str
    raw: int
    gzipped: int  # what a server compressing on the fly (GitHub Pages) would send

    @property
    def kind(self) -> str:
        return kind_of(self.url)


@dataclass
class Session:
    """A fresh browser context: its cold first search, and every request it made."""

    cold: Timing
    fetches: list[Fetch] = field(default_factory=list)

    def total(self, phase: str, attribute: str = "raw") -> int:
        return sum(getattr(f, attribute) for f in self.fetches if f.phase == phase)


def kind_of(url: str) -> str:
    """Which part of the Pagefind bundle (or of the page) a URL is."""
    path = urlparse(url).path
    bundle = r"/pagefind/(?:[^/]+/)?"  # a bundle's folder (pagefind.py), or none in an older layout
    for pattern, kind in ((bundle + "fragment/", "fragment"), (bundle + "index/", "index chunk"),
                          (bundle + "filter/", "filter"), (r"\.pf_meta$", "meta"), (bundle + r"wasm\.", "wasm"),
                          (bundle + r"pagefind\.js$", "pagefind.js"),
                          (bundle + r"pagefind-worker\.js$", "pagefind-worker.js"), (r"pagefind-entry\.json$", "entry"),
                          (r"/search/libraries\.json$", "libraries.json"), (r"/places/", "places")):
        if re.search(pattern, path):
            return kind
    return "page and assets"


def compressed_size(body: bytes) -> int:
    """Gzip as a web server would; Pagefind's own files are gzip already and are sent as they are."""
    return len(body) if body[:2] == b"\x1f\x8b" else len(gzip.compress(body, compresslevel=6, mtime=0))


def new_page(browser):
    """A fresh context (cold cache) whose requests leaving 127.0.0.1 (map tiles) are answered locally."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.fulfill(body=PIXEL, content_type="image/png"))
    return context, context.new_page()


def open_search(page, base: str) -> None:
    page.goto(f"{base}search/", wait_until="networkidle")  # search.js gets Pagefind ready once idle
    page.wait_for_function("() => document.querySelector('[data-results]').getAttribute('aria-busy') === 'false'"
                           " && document.querySelector('[data-results] li')", timeout=TIMEOUT)
    page.evaluate(RECORDER)


def _measure(page, query: str, act) -> Timing:
    page.evaluate("() => window.__bench.arm()")
    act()
    page.wait_for_function("() => window.__bench.paintAt !== null", timeout=TIMEOUT)
    b = page.evaluate("() => window.__bench")
    return Timing(query, b["busyAt"] - b["t0"], b["doneAt"] - b["t0"], b["paintAt"] - b["t0"], b["items"], b["status"],
                  b["doneAt"] - b["mapAt"] if b["mapAt"] is not None else 0.0)


def type_last_key(page, query: str) -> Timing:
    """Put all but the last character in the box without events, then type the last one."""
    page.evaluate("(text) => { const q = document.querySelector('#q'); q.value = text; q.focus(); }", query[:-1])
    return _measure(page, query, lambda: page.keyboard.press(query[-1]))


def click_facet(page, facet: str, value: str) -> Timing:
    """Check the box of a facet's value, by their codes (``language``, ``es``): the same in every language."""
    if page.input_value("#q"):  # facets narrow the typed words: start from none
        _measure(page, "", lambda: page.fill("#q", ""))
    box = page.locator(f"fieldset.facet input[name='{facet}'][value='{value}']")
    timing = _measure(page, f"[{facet}: {value}]", box.check)
    _measure(page, "", box.uncheck)  # back to no filter, so the next search starts alike
    return timing


def search(page, query: str) -> Timing:
    """One measured search: a facet written as ``facet=value`` (``language=es``), else a typed query."""
    if "=" in query:
        return click_facet(page, *query.split("=", 1))
    return type_last_key(page, query)


def warm_runs(browser, base: str, queries: list[str], rounds: int) -> list[list[Timing]]:
    """Every query ``rounds`` times in one page; the first round is each query's first time."""
    context, page = new_page(browser)
    try:
        open_search(page, base)
        return [[search(page, q) for q in queries] for _ in range(rounds)]
    finally:
        context.close()


def cold_session(browser, base: str, query: str) -> Session:
    """A fresh context: load the search page, then one search; every request with its phase and size."""
    context, page = new_page(browser)
    phase, phases, finished = ["load"], {}, []
    page.on("request", lambda request: phases.__setitem__(request.url, phases.get(request.url, phase[0])))
    page.on("requestfinished", lambda request: finished.append(request))
    try:
        open_search(page, base)
        page.wait_for_timeout(300)  # late requests of the initial load stay in its phase
        phase[0] = "query"
        timing = search(page, query)
        page.wait_for_timeout(300)
        fetches = {}
        for request in finished:  # a file asked for twice came from the cache the second time
            response = request.response()
            if urlparse(request.url).hostname == LOOPBACK and response is not None and request.url not in fetches:
                body = response.body()
                fetches[request.url] = Fetch(request.url, phases[request.url], len(body), compressed_size(body))
        return Session(timing, list(fetches.values()))
    finally:
        context.close()


# Pagefind alone, without the page: what one search costs as more of the index is loaded

ALONE = """async ({queries, rounds, setup, facets, every, bundles}) => {
  const {openIndex} = await import('/theme/js/bundles.js');
  const pagefind = await openIndex(new URL('/', location.href), bundles, '/');
  const hidePast = {status: {none: ['Past']}};
  if (setup === 'facets') await pagefind.preload(every, {filters: Object.fromEntries(facets.map((f) => [f, {any: []}]))});
  if (setup === 'filters') await pagefind.filters();
  const times = [], fragments = [];
  for (const q of queries) {
    const first = await pagefind.search(q, {filters: hidePast});  // loads the word's chunk
    const start = performance.now();
    await Promise.all(first.results.slice(0, 20).map((r) => r.data()));
    fragments.push(performance.now() - start);
  }
  for (let i = 0; i < rounds; i++) {
    for (const q of queries) {
      const start = performance.now();
      await pagefind.search(q, {filters: hidePast});
      times.push(performance.now() - start);
    }
  }
  return {times, fragments};
}"""
#: What is loaded before searching: one filter (the one searched with), the facets' filters
#: (search.js loads them to count every facet), and every filter (the library filter too, as
#: after a search near a place).
SETUPS = {"one": "only the Status filter loaded", "facets": "the facets' filters loaded, as search.js does",
          "filters": "every filter loaded, the library filter too, as after a search near a place"}


def pagefind_alone(browser, base: str, queries: list[str], bundles: list[str], rounds: int = 5) -> dict[str, dict[str, list[float]]]:
    """Milliseconds per Pagefind search (of the index in ``bundles``, opened as search.js does), and per first
    load of 20 fragments, in each setup (fresh context each)."""
    found = {}
    for setup in SETUPS:
        context, page = new_page(browser)
        try:
            page.goto(f"{base}404.html")
            found[setup] = page.evaluate(ALONE, {"queries": queries, "rounds": rounds, "setup": setup,
                                                 "facets": list(FACETS), "every": EVERY_CIRCLE, "bundles": bundles})
        finally:
            context.close()
    return found
