"""Every page of the built sample site, and the theme's own stylesheets, pass the Nu HTML Checker.

The checker (npm `vnu-jar`, run with Java) reads the files from disk in one run; errors fail,
warnings are printed. It runs without a network where `unshare -n` is allowed.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ROOT, build

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: pelicanconf.py's DIRECTORY without the flyers' PDFs, which are print output of the flyer pages checked here.
NO_FLYER_PDFS = {**runpy.run_path(str(ROOT / "pelicanconf.py"))["DIRECTORY"], "flyer_pdfs": False}
#: One page of each kind, which must all be among those checked.
KINDS = ["index.html", "404.html", "search/index.html", "upcoming/index.html", "past/index.html",
         "online/index.html", "topics/index.html", "networks/index.html", "browse/index.html",
         "data/index.html", "list-your-circle/index.html", "toolkit/index.html", "toolkit/downloads/index.html",
         "toolkit/planning-checklist/index.html", "toolkit/templates/sign-in-sheet/index.html",
         "circles/tpl-north-york-python-essentials-2027-01/index.html",  # in person
         "circles/p2pu-online-public-speaking-2026-11/index.html",  # online
         "circles/tpl-north-york-python-essentials-2026-03/index.html",  # past
         "circles/tpl-north-york-python-essentials-2027-01/flyer/index.html",
         "libraries/tpl-north-york-central/index.html", "networks/toronto-public-library/index.html",
         "embed/networks/toronto-public-library/index.html", "embed/libraries/tpl-north-york-central/index.html",
         "browse/ca/index.html", "browse/ca/toronto/index.html", "topics/python/index.html", "languages/fr/index.html"]
#: A file: URL has no origin for 'self' to match, so on disk every stylesheet and script of the
#: site "violates" its own policy; the policy itself is tested in tests/pages/test_map.py.
FILE_URL_POLICY = re.compile(r"^Resource violates Content Security Policy .*: .*“(?![a-z][a-z0-9+.-]*:)")


def require(tool: str, found: bool, fix: str) -> None:
    if found:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{tool} is not installed ({fix}); the HTML checks must run in CI")
    pytest.skip(f"{tool} is not installed ({fix})")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    require("java", shutil.which("java") is not None, "Debian: apt-get install default-jre-headless")
    require("vnu-jar", VNU.is_file(), "npm ci")
    return build(ROOT / "content", tmp_path_factory.mktemp("valid") / "output", DIRECTORY=NO_FLYER_PDFS)


def offline() -> list[str]:
    """``unshare -n`` where it is allowed: the checker then cannot reach anything but the files."""
    allowed = shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0
    return ["unshare", "-n"] if allowed else []


def nu_check(files: list[Path], *options: str) -> list[dict]:
    """The checker's messages about ``files``, in one run: HTML, or CSS with the option ``--css``.
    (Mixing both with --also-check-css would shift the HTML's line numbers by one.)"""
    command = [*offline(), "java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *options,
               *map(str, files)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stderr or result.stdout)["messages"]


def where(site: Path, message: dict) -> str:
    path = message.get("url", "").removeprefix("file:")
    name = Path(path).relative_to(site) if path.startswith(str(site)) else path
    return f"{name}:{message.get('lastLine', '?')}:{message.get('firstColumn', message.get('lastColumn', '?'))}"


def test_every_page_and_stylesheet_is_valid(site):
    pages = sorted(site.rglob("*.html"))
    assert {site / kind for kind in KINDS} <= set(pages), "a kind of page is no longer built where expected"
    stylesheets = sorted((site / "theme" / "css").glob("*.css"))  # the theme's own; vendor/ is Leaflet's as packaged
    messages = nu_check(pages) + nu_check(stylesheets, "--css")
    errors = [f"{where(site, m)}: {m['message']}" for m in messages if m["type"] != "info"]
    warnings = Counter(m["message"] for m in messages if m["type"] == "info" and not FILE_URL_POLICY.match(m["message"]))
    for text, count in warnings.most_common():
        print(f"warning ×{count}: {text}")
    assert errors == [], f"{len(errors)} errors in {len(pages)} pages:\n" + "\n".join(errors)


def test_the_checker_reports_an_error_with_its_place(tmp_path):
    require("java", shutil.which("java") is not None, "Debian: apt-get install default-jre-headless")
    require("vnu-jar", VNU.is_file(), "npm ci")
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html lang="en"><title>t</title>\n<p><div aria-labelledby="x">x</div></p>\n',
                    encoding="utf-8")
    errors = [(where(tmp_path, m), m["message"][:40]) for m in nu_check([page]) if m["type"] == "error"]
    assert errors == [("bad.html:2:4", "The “aria-labelledby” attribute must not"),
                      ("bad.html:2:36", "No “p” element in scope but a “p” end ta")]
    stylesheet = tmp_path / "bad.css"
    stylesheet.write_text("a { colr: red }\n", encoding="utf-8")
    assert [m["message"] for m in nu_check([stylesheet], "--css")] == ["CSS: “colr”: Property “colr” doesn't exist."]
