import functools
import http.server
import threading

import pytest


@pytest.fixture
def live_server_url_for_file():
    """Serve files over HTTP on 127.0.0.1 for the URL importers; returns a function path -> URL."""
    servers = []

    def serve(path):
        handler = functools.partial(_QuietHandler, directory=str(path.parent))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/{path.name}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
