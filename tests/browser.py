"""Real-browser fixtures (Playwright + the system's Chromium), for any test that needs one.

Use them from a test module with ``pytest_plugins = ["tests.browser"]`` (or from tests/conftest.py).

- ``browser``: one headless Chromium for the whole session. Skipped when /usr/bin/chromium
  is missing, except under CI (the ``CI`` environment variable set), where that is a failure.
- ``served_site(folder)``: serves a folder over HTTP on 127.0.0.1 until the test ends; returns its base URL.
- ``page``: a fresh page in a fresh context. Requests leaving 127.0.0.1 are aborted (nothing
  leaves the machine; route what a test needs with ``page.route``), and every console error or
  uncaught exception is collected in ``console_errors``, which must be empty when the test ends.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# No sandbox: containers and CI runners seldom allow Chromium's; the rest keeps it from calling home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
LOOPBACK = "127.0.0.1"


# One browser a module, not a session: Playwright's driver keeps a thread in this process while it
# runs, and a build does not fork while other threads run (processes.can_fork), so tests after a
# browser module would otherwise never build on all cores.
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; browser tests must run in CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging each request to the test output."""

    def log_message(self, format, *args):
        pass


@contextmanager
def serve(folder: Path, handler: type[SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[str]:
    """Serve ``folder`` on a free port of 127.0.0.1 from a thread; yield its base URL (ending in /)."""
    server = ThreadingHTTPServer((LOOPBACK, 0), partial(handler, directory=str(folder)))
    server.daemon_threads = True  # a request still being answered does not hold up the shutdown
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def served_site() -> Iterator[Callable[[Path], str]]:
    """``served_site(folder)`` serves a folder until the test ends and returns its base URL."""
    with ExitStack() as stack:
        yield lambda folder: stack.enter_context(serve(Path(folder)))


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught exceptions of ``page``; a test expecting some clears the list."""
    return []


def _stay_on_loopback(route) -> None:
    if urlparse(route.request.url).hostname == LOOPBACK:
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def page(browser, console_errors, served_site):
    # served_site is asked for so that it closes after the page: a page still fetching something (its
    # icon, say) from a server already shut down would log an error of the test's own making.
    context = browser.new_context()
    context.route("**/*", _stay_on_loopback)
    tab = context.new_page()
    tab.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    tab.on("pageerror", lambda error: console_errors.append(f"uncaught: {error}"))
    tab.on("dialog", lambda dialog: console_errors.append(f"dialog: {dialog.message}") or dialog.dismiss())
    yield tab
    context.close()
    assert console_errors == [], "errors in the browser's console"
