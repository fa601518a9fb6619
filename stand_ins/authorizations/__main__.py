"""Start the e-Authorizations stand-in: `python -m stand_ins.authorizations --port N` (0: any free port)."""

import argparse
import os

import django
from django.core.servers.basehttp import run


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m stand_ins.authorizations", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8102)
    arguments = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "stand_ins.authorizations.settings"
    django.setup()
    from django.core.wsgi import get_wsgi_application

    def ready(port: int) -> None:
        print(f"Suomi.fi e-Authorizations stand-in ready on http://{arguments.host}:{port}", flush=True)

    run(arguments.host, arguments.port, get_wsgi_application(), threading=True, on_bind=ready)


if __name__ == "__main__":
    main()
