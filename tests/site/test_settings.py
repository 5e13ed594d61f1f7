"""Settings: defaults merged, typos named, the build date reproducible."""

import datetime as dt

import pytest

from circles.settings import SettingsError, build_date, directory_settings
from tests.conftest import ROOT, build


def test_defaults_are_merged():
    assert directory_settings({"DIRECTORY": {"sample": True}}) == {
        "languages": ["en"], "locale": "en", "sample": True, "content": "content", "upcoming_on_home": 12, "archive_after_months": 12,
        "library_pages": "with_circles", "toolkit": "toolkit", "toolkit_pdfs": True, "flyer_pdfs": True, "search_bundle_size": 2500,
        "repository": "", "branch": "main"}


def test_the_former_locale_setting_says_what_replaced_it():
    with pytest.raises(SettingsError, match=r"languages: \['fr'\]"):
        directory_settings({"DIRECTORY": {"locale": "fr"}})


def test_unknown_keys_are_named():
    with pytest.raises(SettingsError, match="unknown DIRECTORY setting.*: locle"):
        directory_settings({"DIRECTORY": {"locle": "fr"}})


@pytest.mark.parametrize("value, expected", [
    (dt.date(2026, 3, 3), dt.date(2026, 3, 3)),
    ("2026-03-03", dt.date(2026, 3, 3)),
    (dt.datetime(2026, 3, 3, 23, 59), dt.date(2026, 3, 3)),
    ("2026-03-03T23:59:00Z", dt.date(2026, 3, 3)),
])
def test_build_date_setting(value, expected, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert build_date({"BUILD_DATE": value}) == expected


def test_source_date_epoch_when_no_build_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1772496000")  # 2026-03-03T00:00:00Z
    assert build_date({}) == dt.date(2026, 3, 3)


def test_bad_build_dates_are_explained(monkeypatch):
    with pytest.raises(SettingsError, match="BUILD_DATE must be YYYY-MM-DD"):
        build_date({"BUILD_DATE": "tomorrow"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(SettingsError, match="SOURCE_DATE_EPOCH"):
        build_date({})


def test_a_typo_in_settings_stops_the_build_with_its_name(tree, tmp_path):
    # The project's own error, not SystemExit, which would end `pelican --autoreload`.
    with pytest.raises(SettingsError, match="sampel"):
        build(tree(), tmp_path / "out", DIRECTORY={"sampel": True})


def test_another_locale_formats_dates_its_way(tree, tmp_path):
    out = build(tree(), tmp_path / "out", DIRECTORY={"languages": ["fr"]})
    html = (out / "circles/python/index.html").read_text(encoding="utf-8")
    assert 'lang="fr"' in html and "1 décembre 2026" in html


@pytest.mark.parametrize("conf", ["pelicanconf.py", "publishconf.py"])
def test_builds_keep_what_the_next_one_needs_to_write_only_what_changed(conf, monkeypatch):
    from pelican.settings import read_settings

    monkeypatch.chdir(ROOT)  # publishconf.py imports pelicanconf.py from the working directory
    settings = read_settings(str(ROOT / conf))
    assert settings["CACHE_CONTENT"] and settings["LOAD_CONTENT_CACHE"]
    assert settings["CACHE_PATH"] == str(ROOT / "cache") and not settings["DELETE_OUTPUT_DIRECTORY"]
    assert {"cache/", "output/"} <= set((ROOT / ".gitignore").read_text(encoding="utf-8").split())
