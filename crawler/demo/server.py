"""A tiny threaded HTTP server for a site held in memory: the demo site and the test sites.

Routes map a path (with query string) to a :class:`Resource` or to a callable that
returns one per request (for faults such as "500 once, then 200").
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Resource", "SiteServer"]


@dataclass
class Resource:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


Route = Resource | Callable[[BaseHTTPRequestHandler], Resource]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        # Like most real servers, ignore a query string the route does not know.
        route = self.server.routes.get(self.path) or self.server.routes.get(self.path.split("?", 1)[0])
        if route is None:
            resource = Resource(b"<html><body><h1>404</h1></body></html>", status=404)
        elif callable(route):
            resource = route(self)
        else:
            resource = route
        self.send_response(resource.status)
        if resource.content_type:
            self.send_header("Content-Type", resource.content_type)
        for key, value in resource.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(resource.body)))
        self.end_headers()
        self.wfile.write(resource.body)

    def log_message(self, format: str, *args: Any) -> None:  # silence per-request logs
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Route]
    hits: list[str]


class SiteServer:
    """Serve *routes* on host:port (port 0 picks a free one) in a background thread."""

    def __init__(self, routes: dict[str, Route], host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = _Server((host, port), _Handler)
        self._server.routes = routes
        self._server.hits = []
        self._thread = threading.Thread(target=self._server.serve_forever, name="site-server", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def routes(self) -> dict[str, Route]:
        return self._server.routes

    @property
    def hits(self) -> list[str]:
        """Paths requested so far, in order (for tests)."""
        return self._server.hits

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
