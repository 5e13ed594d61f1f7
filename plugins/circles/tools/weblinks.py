"""Whether the web addresses that listings send people to still answer (``circles linkcheck``).

The links are read from the validated records (every column the schema marks as a
web address, plus sign-up and contact when they are one), each checked once,
politely: HEAD first, GET when a server refuses HEAD, a pause between requests
to the same host, retries after a timeout or a passing server error. Each result
says, in plain words, what is wrong with a broken link and which files use it (linkcheck.py reports them).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from itertools import zip_longest
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from circles.records.schema import load_schema
from circles.records.validate import Dataset, selected

OK, REDIRECTED, BROKEN = "ok", "redirected", "broken"
#: Columns that hold a web address or something else (an email, "drop-in"); checked only when a link.
MIXED_COLUMNS = frozenset({"signup", "contact"})
#: Answers worth asking again after a pause: the server is busy or restarting.
TRANSIENT = frozenset({429, 502, 503, 504})
#: Servers that turn HEAD away but may answer GET.
NO_HEAD = frozenset({403, 405, 501})
#: When this many links or more all fail without an answer from any server, the checker itself is offline.
OFFLINE_AFTER = 3
#: Characters left as they are in a link; everything else is percent-encoded before it is sent.
_SAFE = "/%:@!$&'*+,;=-._~?#[]"


@dataclass(frozen=True, order=True)
class Use:
    """Where a link is written: a file, its line, and the field."""

    path: str
    line: int
    field: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Result:
    url: str
    status: str  # OK, REDIRECTED or BROKEN
    reason: str = ""  # plain words: what went wrong, or where it leads
    code: int | None = None  # the last HTTP status, when there was one
    final: str = ""  # where a redirected link leads
    passing: bool = False  # a failure that may pass: a timeout, a dropped connection, a busy server
    uses: list[Use] = field(default_factory=list)


# Collecting


def collect_links(data: Dataset, only: set[Path] | None = None) -> dict[str, list[Use]]:
    """Every http(s) link of the records, without its #fragment, with the places that use it."""
    links: dict[str, list[Use]] = defaultdict(list)
    for kind, resource in load_schema().items():
        columns = [c for c in resource.columns.values() if c.format == "uri" or c.name in MIXED_COLUMNS]
        for record_id, record in data.records[kind].items():
            if only is not None and not selected(Path(record.path), only):
                continue
            row = data.rows[kind].get(record_id, {})
            for column in columns:
                value = row.get(column.name)
                if isinstance(value, str) and value.strip().lower().startswith(("https://", "http://")):
                    url = value.strip().partition("#")[0]
                    links[url].append(Use(record.path, record.line(column.yaml), column.yaml))
    return {url: sorted(uses) for url, uses in sorted(links.items())}


# Checking


class _KeepMethod(urllib.request.HTTPRedirectHandler):
    """Follow redirects with the same method: a HEAD stays a HEAD."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.method = req.get_method()
        return new


class Pacer:
    """Waits so that two requests to the same host are at least ``delay`` seconds apart."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic, sleep=time.sleep):
        self.delay, self.clock, self.sleep = delay, clock, sleep
        self.last: dict[str, float] = {}

    def wait(self, host: str) -> None:
        if host in self.last:
            remaining = self.last[host] + self.delay - self.clock()
            if remaining > 0:
                self.sleep(remaining)
        self.last[host] = self.clock()


def check_url(url: str, *, timeout: float = 10.0, user_agent: str = "", retries: int = 1,
              pacer: Pacer | None = None) -> Result:
    """Ask for ``url`` and classify the answer; never raises for anything the network does."""
    pacer = pacer or Pacer(0.0)
    opener = urllib.request.build_opener(_KeepMethod)
    try:
        target = _sendable(url)
    except (ValueError, UnicodeError):
        return Result(url, BROKEN, "this is not a web address that can be opened")
    host = urlsplit(target).hostname or ""
    outcome = Result(url, BROKEN, "not checked")
    for _ in range(retries + 1):
        for method in ("HEAD", "GET"):
            pacer.wait(host)
            outcome = _ask(opener, target, method, timeout, user_agent)
            if outcome.code not in NO_HEAD:
                break
        if not outcome.passing:
            break
    if outcome.passing and retries:
        outcome.reason += f" (tried {retries + 1} times)"
    outcome.url = url
    return outcome


def _ask(opener, url: str, method: str, timeout: float, user_agent: str) -> Result:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": user_agent, "Accept": "*/*"})
    try:
        with opener.open(request, timeout=timeout) as response:
            final = response.geturl()
            code = response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return Result(url, BROKEN, _http_reason(exc.code), exc.code, passing=exc.code in TRANSIENT)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:  # a timeout is an OSError
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        passing = isinstance(reason, (TimeoutError, ConnectionResetError, http.client.RemoteDisconnected))
        return Result(url, BROKEN, network_reason(reason, timeout), passing=passing)
    if final != url:
        return Result(url, REDIRECTED, f"leads to {final}", code, final)
    return Result(url, OK, "", code)


def _sendable(url: str) -> str:
    """The address as it goes on the wire: the host in IDNA, the rest percent-encoded."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(url)
    host = parts.hostname.encode("idna").decode("ascii")
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme.lower(), netloc, quote(parts.path, safe=_SAFE) or "/",
                       quote(parts.query, safe=_SAFE), ""))


def _http_reason(code: int) -> str:
    if code == 404:
        return "the page was not found (HTTP 404): it has moved or been removed"
    if code == 410:
        return "the page has been removed (HTTP 410)"
    if code in (401, 403):
        return (f"the site refused access (HTTP {code}); some sites turn automatic checks away, "
                "so open it in a browser to be sure")
    if code == 429:
        return "the site asked for fewer requests (HTTP 429); open it in a browser to be sure"
    if 300 <= code < 400:
        return f"the site keeps redirecting (HTTP {code}) without reaching a page"
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "unknown status"
    if code >= 500:
        return f"the site's server failed (HTTP {code} {phrase})"
    return f"the site answered with an error (HTTP {code} {phrase})"


def network_reason(reason: Any, timeout: float) -> str:
    """Why a site could not be reached, for a librarian: from urllib's URLError reason (also circles import's)."""
    if isinstance(reason, TimeoutError):
        return f"no answer within {timeout:g} seconds"
    if isinstance(reason, socket.gaierror):
        return "the site's name was not found (DNS lookup failed): the address may be mistyped or the site gone"
    if isinstance(reason, ConnectionRefusedError):
        return "the server refused the connection"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"the site's security certificate is not valid ({reason.verify_message})"
    if isinstance(reason, ssl.SSLError):
        return "a secure connection could not be made"
    if isinstance(reason, (ConnectionResetError, http.client.RemoteDisconnected)):
        return "the server closed the connection without answering"
    if isinstance(reason, http.client.HTTPException):
        return "the server's answer could not be understood"
    if isinstance(reason, OSError) and reason.strerror:
        return f"the site could not be reached ({reason.strerror.lower()})"
    return f"the site could not be reached ({reason})"


def in_turns(urls: Iterable[str]) -> list[str]:
    """The links ordered one host at a time, in turn, so that the pause per host rarely holds anything up."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[(urlsplit(url).hostname or "").lower()].append(url)
    rounds = zip_longest(*(by_host[h] for h in sorted(by_host)))
    return [url for turn in rounds for url in turn if url is not None]


def check_links(links: dict[str, list[Use]], *, timeout: float, delay: float, user_agent: str,
                retries: int = 1) -> list[Result]:
    """Check every link once; results with their uses, broken first, then by address."""
    pacer = Pacer(delay)
    results = []
    for url in in_turns(links):
        result = check_url(url, timeout=timeout, user_agent=user_agent, retries=retries, pacer=pacer)
        result.uses = links[url]
        results.append(result)
    order = {BROKEN: 0, REDIRECTED: 1, OK: 2}
    return sorted(results, key=lambda r: (order[r.status], r.url))
