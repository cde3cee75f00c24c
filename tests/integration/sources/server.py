"""A small HTTP server on 127.0.0.1 for connector tests: fixed routes, folders, Range, failure modes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class Route:
    body: bytes
    content_type: str = "application/octet-stream"
    status: int = 200


@dataclass
class LocalServer:
    """Serves ``routes`` (exact paths) and ``folders`` (path prefix -> directory) on 127.0.0.1."""

    routes: dict[str, Route] = field(default_factory=dict)
    folders: dict[str, Path] = field(default_factory=dict)
    handlers: dict[str, Callable[[BaseHTTPRequestHandler], None]] = field(default_factory=dict)
    storm: int | None = None  # answer every request with this status
    fail_first: list[tuple[int, dict[str, str]]] = field(
        default_factory=list
    )  # (status, headers) then normal
    drop_once_after: int | None = None  # close the first file transfer after this many bytes
    requests: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)

    def start(self) -> LocalServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 10

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                server.requests.append(self.path)
                path = urlsplit(self.path).path
                if server.storm is not None:
                    self._send(server.storm, b"busy", "text/plain")
                    return
                if server.fail_first:
                    status, headers = server.fail_first.pop(0)
                    self._send(status, b"busy", "text/plain", headers)
                    return
                for prefix, handler in server.handlers.items():
                    if path.startswith(prefix):
                        handler(self)
                        return
                if path in server.routes:
                    route = server.routes[path]
                    self._send(route.status, route.body, route.content_type)
                    return
                for prefix, folder in server.folders.items():
                    if path.startswith(prefix):
                        target = folder / path[len(prefix) :].lstrip("/")
                        if target.is_file():
                            self._send_file(target.read_bytes())
                            return
                self._send(404, b"not found", "text/plain")

            def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _send_file(self, data: bytes) -> None:
                start = 0
                header = self.headers.get("Range")
                if header and header.startswith("bytes="):
                    server.ranges.append(header)
                    start = int(header[6:].split("-")[0])
                    if start >= len(data):
                        self._send(416, b"", "text/plain")
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                chunk = data[start:]
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(chunk)))
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                if server.drop_once_after is not None and start == 0:
                    cut = server.drop_once_after
                    server.drop_once_after = None
                    self.wfile.write(chunk[:cut])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(chunk)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
