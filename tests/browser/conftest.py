"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

Nothing is downloaded: the tests use /usr/bin/chromium (installed by `make test`). Without it they fail
loudly, unless AVUSTAMO_SKIP_BROWSER_TESTS=1 is set, in which case they are skipped with the same reason.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in the test thread; Django's ORM refuses to run there
# unless told that it is safe. It is: the loop only drives the browser, and the test itself is synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = (
    f"chromium not found: install Debian's chromium (make test does), e.g. `apt-get install chromium`, "
    f"so that {CHROMIUM} exists. The browser accessibility tests have NOT been run. "
    "Set AVUSTAMO_SKIP_BROWSER_TESTS=1 to skip them knowingly."
)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's chromium, or a loud failure (or a loud skip when AVUSTAMO_SKIP_BROWSER_TESTS=1)."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return str(CHROMIUM)
    if os.environ.get("AVUSTAMO_SKIP_BROWSER_TESTS") == "1":
        pytest.skip(MISSING_CHROMIUM)
    pytest.fail(MISSING_CHROMIUM, pytrace=False)


@pytest.fixture(autouse=True)
def _require_chromium(chromium_executable):
    """Checked first in every browser test, before the database and the live server are set up."""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_executable) -> dict:
    """pytest-playwright's launch options, pointed at Debian's chromium instead of a downloaded one."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable,
        "headless": browser_type_launch_args.get("headless", True),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args) -> dict:
    # Accept-Language stays Finnish so that only the URL prefix decides the page's language.
    return {**browser_context_args, "locale": "fi-FI", "timezone_id": "Europe/Helsinki"}


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started after the test database exists so that it stops before the
    database is dropped (otherwise its last connection keeps PostgreSQL from dropping the test database)."""
    return live_server


@pytest.fixture
def demo_data(transactional_db):
    """The demo's realistic data: reference data, TEM's 2016–2022 history, people, organisations, calls."""
    from avustamo.demo.loader import load_demo

    load_demo()


@pytest.fixture
def site(live_server, demo_data) -> str:
    """The live server's root URL (without a trailing slash), serving the demo data."""
    return live_server.url
