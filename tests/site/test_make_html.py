"""`make html` as a person runs it, twice and after an edit: the second build reuses what the first
made and writes the same site, byte for byte; after one circle is edited, the third writes again
what the edit touches and the circle's page shows it."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import BUILD_DATE, ROOT
from tests.site.test_determinism import first_difference, tree

#: The build's last line, printed by `make html` even when not on a terminal.
SUMMARY = re.compile(r"^Built .*; reused ([\d,]+) of ([\d,]+) files$", re.M)
CIRCLE = "bpl-central-python-essentials-2027-03"


def make_html(content: Path, output: Path, cache: Path) -> tuple[int, int]:
    """Run `make html` on ``content``, into ``output`` with ``cache``; the files its summary line
    says were reused, and of how many."""
    # Neither the summary line's switch nor the flags of a make that runs the tests (`make test`) pass on.
    env = {k: v for k, v in os.environ.items() if k not in ("CIRCLES_PROGRESS", "MAKEFLAGS", "MAKELEVEL")}
    # The build date the statuses follow: the same for the three builds, whatever the clock says.
    env["SOURCE_DATE_EPOCH"] = str(int(dt.datetime.combine(BUILD_DATE, dt.time(), dt.UTC).timestamp()))
    # -o: the tests run in .venv already; a pyproject.toml edited since must not make them install it again.
    done = subprocess.run(["make", "-C", str(ROOT), "-o", ".venv/.installed", "html",
                           f"CONTENT={content}", f"OUTPUT={output}", f"CACHE={cache}"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    found = SUMMARY.findall(done.stdout + done.stderr)
    assert len(found) == 1, f"no summary line ending '; reused N of M files':\n{done.stderr}"
    reused, total = (int(n.replace(",", "")) for n in found[0])
    return reused, total


@pytest.mark.slow
def test_make_html_rebuilds_only_what_changed_and_writes_the_same_site(tmp_path):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    output, cache = tmp_path / "output", tmp_path / "cache"

    first = make_html(content, output, cache)
    built = tree(output)
    second = make_html(content, output, cache)
    again = tree(output)
    assert sorted(again) == sorted(built), "the second build left or missed files"
    changed = {name: first_difference(built[name], again[name]) for name in built if built[name] != again[name]}
    assert changed == {}, "the second build wrote another site"
    assert first[0] == 0 and 0 < second[0] <= second[1] == first[1], (first, second)

    record = content / "circles" / f"{CIRCLE}.yml"
    text = record.read_text(encoding="utf-8")
    assert "title: Python for beginners, twice a week\n" in text
    record.write_text(text.replace("title: Python for beginners, twice a week", "title: Python, from the start"),
                      encoding="utf-8")
    third = make_html(content, output, cache)
    assert third[0] < second[0], (second, third)
    page = BeautifulSoup((output / "circles" / CIRCLE / "index.html").read_text(encoding="utf-8"), "lxml")
    assert page.h1.get_text(strip=True) == "Python, from the start"


def test_make_clean_removes_the_site_and_its_cache_and_distclean_the_installs_too():
    def removed(target: str) -> set[str]:
        done = subprocess.run(["make", "-C", str(ROOT), "-n", target, "OUTPUT=site", "CACHE=kept"],
                              capture_output=True, text=True, check=True)
        return {word for line in done.stdout.splitlines() if line.startswith("rm -rf ") for word in line.split()[2:]}

    assert removed("clean") == {"site", "kept", ".pytest_cache"}
    assert removed("distclean") == {"site", "kept", ".pytest_cache", ".venv", "node_modules"}
