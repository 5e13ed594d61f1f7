"""Pelican as the host: every page is announced with ``content_written``, also those written in other
processes, and a wrong record neither ends ``pelican --autoreload`` nor needs a restart once fixed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import circles.processes
from circles.problems import InvalidRecords
from circles.processes import can_fork
from tests.conftest import ROOT, build

PLUGINS = Path(__file__).parent / "plugins"
SITE = ROOT / "tests" / "fixtures" / "site"


def test_pages_written_in_other_processes_are_announced_like_the_others(tmp_path, monkeypatch):
    assert can_fork(), "another thread runs in the test process: pages would not be written in other processes"
    monkeypatch.setattr(circles.processes, "PARALLEL_FROM", 1)  # the sample's pages on every core
    sys.path.insert(0, str(PLUGINS))
    try:
        import listening

        listening.HEARD.clear()
        out = build(ROOT / "content", tmp_path / "out", PLUGINS=["circles", "listening"],
                    PLUGIN_PATHS=[str(ROOT / "plugins"), str(PLUGINS)], DIRECTORY={"flyer_pdfs": False, "toolkit_pdfs": False})
    finally:
        sys.path.remove(str(PLUGINS))
    pages = sorted(str(p) for p in out.rglob("*.html") if not p.is_relative_to(out / "theme"))
    assert sorted(listening.HEARD) == pages
    assert len(pages) > 200


def test_a_wrong_record_stops_the_build_with_the_project_s_error_not_system_exit(tmp_path):
    content = shutil.copytree(SITE, tmp_path / "content")
    record = next((content / "circles").glob("*.yml"))
    record.write_text(record.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    with pytest.raises(InvalidRecords):
        build(content, tmp_path / "out")


def wait_for(stream_lines: list[str], text: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(text in line for line in stream_lines):
            return
        assert process.poll() is None, "pelican --autoreload ended:\n" + "".join(stream_lines[-30:])
        time.sleep(0.2)
    raise AssertionError(f"no {text!r} within {seconds} s:\n" + "".join(stream_lines[-30:]))


@pytest.mark.slow
def test_autoreload_survives_a_wrong_record_and_builds_once_it_is_fixed(tmp_path):
    content = shutil.copytree(SITE, tmp_path / "content")
    record = next((content / "circles").glob("*.yml"))
    good = record.read_text(encoding="utf-8")
    record.write_text(good.replace("title:", "titel:", 1), encoding="utf-8")
    command = [str(Path(sys.executable).parent / "pelican"), str(content), "--settings", str(ROOT / "pelicanconf.py"),
               "--output", str(tmp_path / "out"), "--cache-path", str(tmp_path / "cache"), "--autoreload",
               "-e", 'BUILD_DATE="2026-11-22"', f'THEME="{ROOT / "theme"}"', f'PLUGIN_PATHS=["{ROOT / "plugins"}"]',
               'DIRECTORY={"flyer_pdfs": false, "toolkit_pdfs": false, "sample": true}']
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
                               env={**os.environ, "CIRCLES_PROGRESS": "1", "COLUMNS": "200"}, start_new_session=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        wait_for(lines, "Nothing was built", process)
        time.sleep(2)  # it waits for a change, rather than reporting the same problems again and again
        assert sum("Nothing was built" in line for line in lines) == 1
        assert not any("Traceback" in line for line in lines)
        record.write_text(good, encoding="utf-8")
        wait_for(lines, "Built ", process)
        assert (tmp_path / "out" / "index.html").is_file()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
        reader.join(5)
