"""`python -m stand_ins.identification --port N`: serve the identification stand-in on 127.0.0.1:N.

A threaded wsgiref server: one process (the codes and tokens are in its memory), and a slow answer (the test
delay) does not hold up the next request.
"""

import argparse
import os
import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        """Requests are not logged: their addresses carry codes and the test persons' data travel in them."""


def main():
    parser = argparse.ArgumentParser(
        description="Local stand-in of Suomi.fi e-Identification (OpenID Connect)"
    )
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--host", default="127.0.0.1")
    arguments = parser.parse_args()
    os.environ.setdefault("IDENTIFICATION_STAND_IN_ISSUER", f"http://{arguments.host}:{arguments.port}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "stand_ins.identification.settings"

    import django
    from django.core.wsgi import get_wsgi_application

    django.setup()
    application = get_wsgi_application()
    with make_server(
        arguments.host,
        arguments.port,
        application,
        server_class=ThreadingWSGIServer,
        handler_class=QuietHandler,
    ) as server:
        print(f"Identification stand-in ready at {os.environ['IDENTIFICATION_STAND_IN_ISSUER']}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            sys.exit(0)


if __name__ == "__main__":
    main()
