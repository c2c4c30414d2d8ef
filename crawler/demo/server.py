"""A tiny threaded HTTP server for a site held in memory: the demo site and the test sites.

Routes map a path (with query string) to a :class:`Resource` or to a callable that
returns one per request (for faults such as "500 once, then 200"). A resource with a
``stream`` writes its own body after the headers (the hostile site: bodies generated
while sent, a byte now and then, a reset connection).
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
    #: Writes the body itself to ``handler.wfile`` (``body`` is then ignored). ``length`` is the
    #: Content-Length to announce; None sends none and closes the connection after the body.
    stream: Callable[[BaseHTTPRequestHandler], None] | None = None
    length: int | None = None


Route = Resource | Callable[[BaseHTTPRequestHandler], Resource]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:  # as real servers do; some clients probe a site with HEAD first
        self._respond(with_body=False)

    def _respond(self, with_body: bool) -> None:
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
        if resource.stream is not None:
            self._stream(resource, with_body)
            return
        self.send_header("Content-Length", str(len(resource.body)))
        self.end_headers()
        if with_body:
            self.wfile.write(resource.body)

    def _stream(self, resource: Resource, with_body: bool) -> None:
        assert resource.stream is not None
        if resource.length is not None:
            self.send_header("Content-Length", str(resource.length))
        else:
            self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        if not with_body:
            return
        try:
            resource.stream(self)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the client gave up: what a hostile resource is for

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
        return f"http://{host!s}" if port == 80 else f"http://{host!s}:{port}"

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
