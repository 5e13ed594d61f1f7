"""A local HTTP server that speaks Nominatim's /search JSON, for geocoder tests.

It answers from a table of addresses, and on cue with HTTP 429, 500, a timeout
or nothing found; it records every request so tests can check what was sent.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


@dataclass
class Request:
    path: str
    params: dict[str, str]
    user_agent: str
    at: float


@dataclass
class Nominatim:
    """``places`` maps a city (casefolded) or "street, city" to (lat, lon, addresstype)."""

    places: dict[str, tuple[float, float, str]] = field(default_factory=dict)
    script: list[str] = field(default_factory=list)  # next answers: "429", "500", "timeout", "empty"
    requests: list[Request] = field(default_factory=list)
    delay: float = 0.0  # seconds a "timeout" answer waits

    def answer(self, params: dict[str, str]) -> tuple[int, object]:
        cue = self.script.pop(0) if self.script else "ok"
        if cue in ("429", "500"):
            return int(cue), {"error": "scripted failure"}
        if cue == "timeout":
            time.sleep(self.delay)
            return 200, []
        street, city = params.get("street", "").casefold(), params.get("city", "").casefold()
        hit = self.places.get(f"{street}, {city}") or self.places.get(city)
        if cue == "empty" or hit is None:
            return 200, []
        lat, lon, kind = hit
        return 200, [{"lat": str(lat), "lon": str(lon), "display_name": f"{street}, {city}",
                      "addresstype": kind, "type": kind, "class": "place", "importance": 0.5}]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self):  # noqa: N802 - http.server's naming
        url = urlparse(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        state = self.server.state
        state.requests.append(Request(url.path, params, self.headers.get("User-Agent", ""), time.monotonic()))
        status, body = state.answer(params) if url.path == "/search" else (404, {"error": "not found"})
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a scripted timeout)
            pass

    def log_message(self, *args):  # keep test output clean
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: Nominatim


def serve(state: Nominatim):
    """Start the server on a free loopback port; returns (server, "127.0.0.1:port")."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = state
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"127.0.0.1:{server.server_address[1]}"
