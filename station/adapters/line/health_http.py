"""A small health endpoint on loopback for the headless station: ``GET /health`` answers the station's
state as JSON, status 200 while it is online or busy and 503 otherwise. Nothing else is served."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from station.domain.errors import ConfigurationError


class HealthServer:
    def __init__(self, health: Callable[[], dict[str, Any]], port: int, host: str = "127.0.0.1") -> None:
        source = health

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path.rstrip("/") != "/health":
                    self.send_error(404)
                    return
                data = source()
                body = json.dumps(data, default=str).encode()
                self.send_response(200 if data.get("state") in ("online", "busy") else 503)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                return None

        try:
            self._server = ThreadingHTTPServer((host, port), Handler)
        except OSError as exc:
            raise ConfigurationError(f"cannot serve the health endpoint on {host}:{port}: {exc}") from None
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="health-http", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
