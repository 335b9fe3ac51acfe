"""A local webhook receiver for trying webhooks out: prints each delivery and whether its signature holds."""

import http.server
import json

from django.core.management.base import BaseCommand

from aidtrack.alerts.webhooks import verify


class Command(BaseCommand):
    help = (
        "Listen on 127.0.0.1:PORT and print each webhook delivery, checking its signature with --secret "
        "(the server must run with AIDTRACK_WEBHOOK_ALLOW_PRIVATE=1 to post to a local address)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8999)
        parser.add_argument("--secret", default="", help="The endpoint's secret (shown once when it was made).")
        parser.add_argument("--fail", type=int, default=0, help="Answer 500 to this many deliveries first.")

    def handle(self, *args, port, secret, fail, **options):
        out = self.stdout
        failures = [fail]

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                signed = verify(secret, self.headers, body) if secret else None
                status = 500 if failures[0] > 0 else 200
                failures[0] -= 1
                out.write(
                    f"{self.headers.get('X-Aidtrack-Event')} {self.headers.get('X-Aidtrack-Delivery')} "
                    f"signature {'valid' if signed else 'NOT CHECKED' if signed is None else 'INVALID'}; "
                    f"answering {status}"
                )
                out.write(json.dumps(json.loads(body or b"{}"), indent=2, ensure_ascii=False))
                self.send_response(status if signed is not False else 401)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        out.write(f"Listening on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
