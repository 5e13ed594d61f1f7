"""The site's public address: one rule for every page, export and file that links to the site."""

import pytest

from circles.settings import site_root, site_url


@pytest.mark.parametrize("siteurl, root", [
    ("https://circles.example.org/dir", "https://circles.example.org/dir"),
    ("https://circles.example.org/dir/", "https://circles.example.org/dir"),
    ("http://localhost:8000", "http://localhost:8000"),
    ("", ""), (None, ""), ("/dir", ""), ("//circles.example.org", ""), ("output", ""),
])
def test_only_an_http_address_is_public(siteurl, root):
    assert site_root({"SITEURL": siteurl}) == root
    assert site_root({}) == ""


def test_a_path_is_joined_to_the_public_address():
    public = {"SITEURL": "https://circles.example.org/dir/"}
    assert site_url(public, "circles/python/") == "https://circles.example.org/dir/circles/python/"
    assert site_url(public, "") == "https://circles.example.org/dir/"
    assert site_url(public, "data/", otherwise="") == "https://circles.example.org/dir/data/"


def test_without_a_public_address_the_path_stays_relative_or_is_replaced():
    local = {"SITEURL": ""}
    assert site_url(local, "circles/python/") == "circles/python/"
    assert site_url(local, "circles/python/", otherwise="") == ""
    assert site_url(local, "circles/python/", otherwise="../circles/python/") == "../circles/python/"
