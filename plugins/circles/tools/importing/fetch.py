"""Reading a file another directory publishes: over http(s), or from a local path, always bounded.

Everything fetched is untrusted (issue 20): a file is refused when it is larger than
``Limits.max_bytes`` (by its Content-Length, or as soon as more arrives) or takes longer than
``Limits.seconds`` to arrive, and a redirect is followed only to the same scheme, a few times. A
file next to another one (a data package's CSVs) must be beside it or below it, on the same server.
Only the import commands reach the network; the build never does.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

from circles.problems import CirclesError
from circles.tools.weblinks import network_reason

#: Redirects followed before giving up: a moved site needs one or two.
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024


class FetchError(CirclesError):
    """A file that could not be read, or was refused: too large, too slow, or sent somewhere else."""


@dataclass(frozen=True)
class Limits:
    #: 64 MB: the circles.csv of a 50,000-circle directory is about 35 MB.
    max_bytes: int = 64_000_000
    seconds: float = 60.0  # for the whole of one file, not for each read
    user_agent: str = "learning-circles-directory (circles import directory)"


def is_url(location: str) -> bool:
    return location.lower().startswith(("http://", "https://"))


def check_location(location: str) -> str:
    """``location`` when it is an http(s) address or a local path; FetchError for another scheme."""
    scheme = urlsplit(location).scheme.lower()
    if is_url(location):
        if not urlsplit(location).hostname:
            raise FetchError(f"{location}: no host in this address")
        return location
    if len(scheme) > 1:  # "C:" is a Windows drive, not a scheme
        raise FetchError(f"{location}: only https:// (or http://) addresses and local paths can be read, not {scheme}:")
    return location


def beside(base: str, relative: str) -> str:
    """Where ``relative`` (a resource's path in a descriptor) is, next to ``base``; FetchError when it is
    absolute, names another scheme or server, or climbs out of ``base``'s folder."""
    parts = PurePosixPath(relative).parts
    if (not relative or "\\" in relative or urlsplit(relative).scheme or relative.startswith(("/", "~"))
            or ".." in parts or any(c in relative for c in "?#")):
        raise FetchError(f"{base}: refers to '{relative}': only a file beside it or in a folder below it is read")
    if is_url(base):
        return urljoin(base, relative)
    folder = Path(base).parent
    if not (folder / relative).resolve().is_relative_to(folder.resolve()):  # a link out of the folder
        raise FetchError(f"{base}: refers to '{relative}', which leads out of its folder: not read")
    return str(folder / relative)


def fetch(location: str, limits: Limits) -> bytes:
    """The bytes at ``location``, an http(s) address or a local path, within ``limits``."""
    check_location(location)
    if is_url(location):
        return _get(location, limits)
    return _read(Path(location), limits)


def _read(path: Path, limits: Limits) -> bytes:
    try:
        with path.open("rb") as file:
            data = file.read(limits.max_bytes + 1)
    except OSError as exc:
        raise FetchError(f"{path}: cannot read the file ({exc.strerror})") from None
    if len(data) > limits.max_bytes:
        raise FetchError(f"{path}: larger than {_size(limits.max_bytes)}: not read (--max-size raises the limit)")
    return data


class _SameScheme(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an address of the same scheme (so never to file:, ftp: or from
    https: to http:), at most MAX_REDIRECTS times."""

    max_redirections = MAX_REDIRECTS

    def http_error_302(self, req, fp, code, msg, headers):
        newurl = urljoin(req.full_url, headers.get("Location") or headers.get("URI") or "")
        old, new = urlsplit(req.full_url).scheme.lower(), urlsplit(newurl).scheme.lower()
        if new != old:
            fp.close()
            raise FetchError(f"{req.full_url}: redirected to {newurl}, another scheme ({new or 'none'}): "
                             "not followed" + (" — give that address instead" if new in ("http", "https") else ""))
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _get(url: str, limits: Limits) -> bytes:
    opener = urllib.request.build_opener(_SameScheme)
    request = urllib.request.Request(url, headers={"User-Agent": limits.user_agent, "Accept-Encoding": "identity"})
    deadline = time.monotonic() + limits.seconds
    try:
        with opener.open(request, timeout=limits.seconds) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limits.max_bytes:
                raise FetchError(f"{url}: {_size(int(length))}, larger than {_size(limits.max_bytes)}: "
                                 "not read (--max-size raises the limit)")
            return _body(url, response, limits, deadline)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise FetchError(f"{url}: the server answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise FetchError(f"{url}: {_reason(exc.reason, limits)}") from None
    except TimeoutError:
        raise FetchError(f"{url}: no answer within {limits.seconds:g} seconds (--timeout)") from None
    except (http.client.HTTPException, OSError, ValueError) as exc:
        raise FetchError(f"{url}: {exc or type(exc).__name__}") from None


def _body(url: str, response, limits: Limits, deadline: float) -> bytes:
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"{url}: took longer than {limits.seconds:g} seconds: not read (--timeout)")
        chunk = response.read1(_CHUNK)  # what one read of the socket gave: a slow server cannot hold it
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limits.max_bytes:
            raise FetchError(f"{url}: larger than {_size(limits.max_bytes)}: not read (--max-size raises the limit)")
        chunks.append(chunk)


def _reason(reason: object, limits: Limits) -> str:
    """linkcheck's words for it, with the option that gives a slow server more time."""
    text = network_reason(reason, limits.seconds)
    return f"{text} (--timeout)" if isinstance(reason, TimeoutError) else text


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count:,} bytes"
