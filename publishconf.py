"""Pelican settings for publishing (`make publish`): pelicanconf.py plus the public address."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403 - this file only overrides pelicanconf


def _github_pages_url() -> str:
    """The project's GitHub Pages address, guessed from GitHub Actions' GITHUB_REPOSITORY."""
    owner, _, repo = os.environ.get("GITHUB_REPOSITORY", "example/directory").partition("/")
    if repo.lower() == f"{owner.lower()}.github.io":  # a user or organization site is served at the root
        return f"https://{repo.lower()}"
    return f"https://{owner.lower()}.github.io/{repo}"


# The public address, without a trailing slash. Set SITEURL for a custom domain.
SITEURL = (os.environ.get("SITEURL") or _github_pages_url()).rstrip("/")
# Links between pages stay relative, as in a local build: a browser makes them absolute, and the
# public address written into each of them made the site of 10,000 circles 5 % larger (issue 20:
# a site within GitHub Pages' 1 GB). Where the address must be written out, it is, from SITEURL:
# canonical links, the embed code, "add to calendar", calendars, feeds, QR codes and the sitemap.
RELATIVE_URLS = True
# "List your circle" proposes new listings to the repository GitHub Actions builds.
DIRECTORY = {**DIRECTORY, "repository": os.environ.get("GITHUB_REPOSITORY") or DIRECTORY.get("repository", "")}  # noqa: F405

# output/ and cache/ are kept, as in pelicanconf.py, to write again only what changed; the deploy
# workflow restores them from its last run of the same code on the same day (deploy.yml says why).
