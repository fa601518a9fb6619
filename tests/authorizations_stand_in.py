"""The e-Authorizations stand-in as a process of its own, for tests that talk to it over HTTP.

`authorizations_stand_in` starts `python -m stand_ins.authorizations --port 0`, waits for its line saying on which
port it listens, points the service's SUOMIFI_AUTHORIZATIONS_* settings at it and stops it afterwards.
`choose_organisation` and `cancel_selection` do what a person does on its selection page. The browser tests start
their own with `started_authorizations_stand_in`, registered with the live server's return address, and point the
service at it with `service_using_authorizations_stand_in`.
"""

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from tests.stand_in_clock import on_the_real_clock

ROOT = Path(__file__).resolve().parent.parent
CLIENT_ID = "avust001"
API_KEY = "stand-in-api-key-for-tests"
OAUTH_PASSWORD = "stand-in-oauth-password-for-tests"
CONTROL_TOKEN = "stand-in-control-token-for-tests"
REDIRECT_URI = "http://127.0.0.1:8000/organisations/e-authorizations/return/"
ISSUE = "valtionavustus"


@dataclass
class StandIn:
    url: str

    def control(self, name: str, **orders) -> requests.Response:
        """One of the stand-in's test controls (`end-role`, `end-mandate`, `behaviour`, `expire-sessions`)."""
        return requests.post(
            f"{self.url}/_stand_in/{name}",
            json=orders,
            headers={"X-Stand-In-Control-Token": CONTROL_TOKEN},
            timeout=5,
        )


@contextmanager
def started_authorizations_stand_in(*, redirect_uris: list[str]) -> Iterator[StandIn]:
    """A stand-in process that sends people back only to `redirect_uris` after the selection."""
    environment = {
        **os.environ,
        "AUTHORIZATIONS_STAND_IN_CLIENT_ID": CLIENT_ID,
        "AUTHORIZATIONS_STAND_IN_API_KEY": API_KEY,
        "AUTHORIZATIONS_STAND_IN_OAUTH_PASSWORD": OAUTH_PASSWORD,
        "AUTHORIZATIONS_STAND_IN_CONTROL_TOKEN": CONTROL_TOKEN,
        "AUTHORIZATIONS_STAND_IN_REDIRECT_URIS": ",".join(redirect_uris),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "stand_ins.authorizations", "--port", "0"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    ready_line = _first_line_within(process, seconds=30)
    try:
        if "ready on " not in ready_line:
            raise RuntimeError(f"the e-Authorizations stand-in did not start: {ready_line!r}")
        yield StandIn(url=ready_line.rsplit("ready on ", 1)[1].strip())
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def service_using_authorizations_stand_in(settings, stand_in: StandIn) -> Iterator[StandIn]:
    """Points the service's SUOMIFI_AUTHORIZATIONS_* settings (pytest-django's `settings`) at the stand-in, and
    resets the stand-in's roles, mandates and behaviour afterwards."""
    settings.SUOMIFI_AUTHORIZATIONS_URL = stand_in.url
    settings.SUOMIFI_AUTHORIZATIONS_CLIENT_ID = CLIENT_ID
    settings.SUOMIFI_AUTHORIZATIONS_API_KEY = API_KEY
    settings.SUOMIFI_AUTHORIZATIONS_OAUTH_PASSWORD = OAUTH_PASSWORD
    settings.SUOMIFI_AUTHORIZATIONS_ISSUE = ISSUE
    settings.SUOMIFI_AUTHORIZATIONS_TIMEOUT_SECONDS = 5.0
    with on_the_real_clock():
        yield stand_in
    stand_in.control("reset")


@pytest.fixture(scope="module")
def _stand_in_process():
    with started_authorizations_stand_in(redirect_uris=[REDIRECT_URI]) as stand_in:
        yield stand_in


@pytest.fixture
def authorizations_stand_in(_stand_in_process, settings):
    with service_using_authorizations_stand_in(settings, _stand_in_process) as stand_in:
        yield stand_in


def choose_organisation(selection_url: str, business_id: str) -> dict:
    """Chooses an organisation on the selection page; the parameters it sends the person back with."""
    return _submit_selection(selection_url, {"business_id": business_id, "choose": "1"})


def cancel_selection(selection_url: str) -> dict:
    return _submit_selection(selection_url, {"cancel": "1"})


def selection_page_choices(selection_url: str) -> list[str]:
    form = _SelectionForm()
    form.feed(requests.get(selection_url, timeout=5).text)
    return form.choices


def _submit_selection(selection_url: str, answers: dict) -> dict:
    browser = requests.Session()
    page = browser.get(selection_url, timeout=5)
    page.raise_for_status()
    form = _SelectionForm()
    form.feed(page.text)
    response = browser.post(
        selection_url,
        data={"csrfmiddlewaretoken": form.csrf_token, **answers},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI)
    return dict(parse_qsl(urlsplit(location).query))


class _SelectionForm(HTMLParser):
    def __init__(self):
        super().__init__()
        self.csrf_token = ""
        self.choices = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag != "input":
            return
        if attributes.get("name") == "csrfmiddlewaretoken":
            self.csrf_token = attributes["value"]
        elif attributes.get("name") == "business_id":
            self.choices.append(attributes["value"])


def _first_line_within(process: subprocess.Popen, *, seconds: float) -> str:
    lines = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(seconds)
    if not lines:
        process.kill()
        return ""
    return lines[0]
