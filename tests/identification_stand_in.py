"""The identification stand-in as a real process for tests: `identification_stand_in` starts
`python -m stand_ins.identification` on a free port, registered with a client whose keys the fixture makes;
`suomifi_stand_in_settings` points the service's SUOMIFI_OIDC_* settings at it.

The stand-in fetches the client's public keys from the client's jwks_uri, as it would the service's, so the
fixture serves them from a small http.server thread in the test process (the test's Django has no live server).
The browser tests start their own with `started_identification_stand_in`, registered with the live server's
return address and JWKS, and point the service at it with `service_using_identification_stand_in`.
"""

import json
import os
import select
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from django.core.cache import cache
from joserfc import jwk

from tests.stand_in_clock import on_the_real_clock

ROOT = Path(__file__).resolve().parent.parent
CLIENT_ID = "avustamo-test"
REDIRECT_URI = "http://127.0.0.1:8000/auth/suomifi/callback"
READY_SECONDS = 20


def private_keys() -> tuple[jwk.RSAKey, jwk.RSAKey]:
    signing = jwk.generate_key("RSA", 2048, parameters={"use": "sig"}, auto_kid=True)
    encryption = jwk.generate_key("RSA", 2048, parameters={"use": "enc"}, auto_kid=True)
    return signing, encryption


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_json(document: dict) -> ThreadingHTTPServer:
    body = json.dumps(document).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@dataclass
class StandIn:
    issuer: str
    signing_key: jwk.RSAKey
    encryption_key: jwk.RSAKey

    def set_delay(self, seconds: float):
        requests.post(f"{self.issuer}/control/delay", data={"seconds": seconds}, timeout=5).raise_for_status()


@contextmanager
def started_identification_stand_in(*, redirect_uris: list[str], jwks_uri: str = "") -> Iterator[StandIn]:
    """A stand-in process with one registered client, CLIENT_ID, whose keys are made here.

    The stand-in reads the client's public keys from `jwks_uri`: the service's own JWKS where a live server
    publishes it (the browser tests), else a small server of this fixture's."""
    signing, encryption = private_keys()
    keys_server = None
    if not jwks_uri:
        keys_server = serve_json(
            {"keys": [signing.as_dict(private=False), encryption.as_dict(private=False)]}
        )
        jwks_uri = f"http://127.0.0.1:{keys_server.server_address[1]}/jwks.json"
    port = free_port()
    registration = {CLIENT_ID: {"redirect_uris": redirect_uris, "jwks_uri": jwks_uri}}
    environment = {**os.environ, "IDENTIFICATION_STAND_IN_CLIENTS": json.dumps(registration)}
    process = subprocess.Popen(
        [sys.executable, "-m", "stand_ins.identification", "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], READY_SECONDS)
        line = process.stdout.readline() if ready else ""
        if "ready" not in line:
            raise RuntimeError(f"the identification stand-in did not start: {line!r}")
        yield StandIn(issuer=f"http://127.0.0.1:{port}", signing_key=signing, encryption_key=encryption)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        if keys_server is not None:
            keys_server.shutdown()
            keys_server.server_close()


@contextmanager
def service_using_identification_stand_in(settings, stand_in: StandIn) -> Iterator[StandIn]:
    """Points the service's SUOMIFI_OIDC_* settings (pytest-django's `settings`) at the stand-in, with our keys."""
    settings.SUOMIFI_OIDC_ISSUER = stand_in.issuer
    settings.SUOMIFI_OIDC_CLIENT_ID = CLIENT_ID
    settings.SUOMIFI_OIDC_SIGNING_KEY = json.dumps(stand_in.signing_key.as_dict(private=True))
    settings.SUOMIFI_OIDC_ENCRYPTION_KEY = json.dumps(stand_in.encryption_key.as_dict(private=True))
    settings.SUOMIFI_OIDC_ACR = "substantial"
    settings.SUOMIFI_OIDC_TIMEOUT_SECONDS = 5
    cache.clear()
    with on_the_real_clock():
        yield stand_in
    stand_in.set_delay(0)
    cache.clear()


@pytest.fixture(scope="session")
def identification_stand_in():
    with started_identification_stand_in(redirect_uris=[REDIRECT_URI]) as stand_in:
        yield stand_in


@pytest.fixture
def suomifi_stand_in_settings(settings, identification_stand_in):
    with service_using_identification_stand_in(settings, identification_stand_in) as stand_in:
        yield stand_in
