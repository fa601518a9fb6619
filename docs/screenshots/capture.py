"""Screenshots of the officials' forms, taken from the demo data in Debian's chromium (docs/screenshots/README.md).

    DATABASE_URL=sqlite:////tmp/officials_demo.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/officials_demo.sqlite3 PERSON_KEY_SECRET=x python manage.py load_demo
    DATABASE_URL=sqlite:////tmp/officials_demo.sqlite3 PERSON_KEY_SECRET=x python docs/screenshots/capture.py after

writes docs/screenshots/officials/after-<page>.png, one full page 1280 px wide for each page below, signed in as
the demo official who works on it. The script serves the database itself with `manage.py runserver` on a free
port; the pages that show errors are posted to, which changes nothing in the database (the forms are refused).
"""

import argparse
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
OUTPUT = Path(__file__).resolve().parent / "officials"
CHROMIUM = "/usr/bin/chromium"
WIDTH = 1280
# A page's screenshot is reduced to this many colours: text on a few plain colours loses nothing visible, and
# the file shrinks to a fraction.
COLOURS = 64
# The demo runs as in production would, on plain http on this machine only, with a cache of its own process.
SERVER_ENVIRONMENT = {
    "DEBUG": "true",
    "ALLOWED_HOSTS": "127.0.0.1",
    "CACHE_URL": "locmemcache://",
    "SECURE_COOKIES": "false",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
}


@dataclass(frozen=True)
class Shot:
    name: str
    official: str
    path: str
    # Clicked after the page has loaded: a button that posts a form left as it is, to show its errors.
    submit: str | None = None


def shots() -> list[Shot]:
    """The pages, found in the demo data by what they show rather than by their numbers."""
    from avustamo.applications.models import Application
    from avustamo.decisions.models import Decision
    from avustamo.payments.models import PaymentBatch, RecoveryGrounds
    from avustamo.reports.models import Report
    from avustamo.reviews.models import ReviewAssignment

    handled = Application.objects.filter(call__reference__endswith="-NUORET").order_by("pk")
    unscreened = handled.filter(screening__isnull=True, status="submitted").first()
    drafted = Decision.objects.filter(status="draft", application__in=handled).first().application
    proposed = handled.filter(proposal__isnull=False, decisions__isnull=True).first()
    scoring = ReviewAssignment.objects.filter(conflict="none", submitted_at=None).first()
    declaring = ReviewAssignment.objects.filter(conflict="undeclared").first()
    report = Report.objects.filter(status="submitted").first()
    batch = PaymentBatch.objects.order_by("-pk").first()
    recovery = RecoveryGrounds.objects.first().grant.application
    return [
        Shot("screening", "manager@example.org", f"/official/applications/{unscreened.pk}/screening/"),
        Shot(
            "completion-request-errors",
            "manager@example.org",
            f"/official/applications/{unscreened.pk}/screening/",
            submit="form[action$='/completion-request/'] button[type=submit]",
        ),
        Shot("proposal", "presenter@example.org", f"/official/applications/{proposed.pk}/decision/"),
        Shot("decision-draft", "presenter@example.org", f"/official/applications/{drafted.pk}/decision/"),
        Shot(
            "decision-draft-errors",
            "presenter@example.org",
            f"/official/applications/{proposed.pk}/decision/",
            submit="form:has(input[name=step][value=decision]) button[type=submit]",
        ),
        Shot(
            "conflict-declaration",
            declaring.reviewer.email,
            f"/official/applications/{declaring.application_id}/review/",
        ),
        Shot(
            "review-scores",
            scoring.reviewer.email,
            f"/official/applications/{scoring.application_id}/review/",
        ),
        Shot("report-review", "presenter@example.org", f"/official/reports/{report.pk}/"),
        Shot("payments-batch-form", "finance@example.org", "/official/payments/"),
        Shot("payment-batch", "finance-approver@example.org", f"/official/payments/batches/{batch.pk}/"),
        Shot("interest-calculator", "finance@example.org", "/official/interest/"),
        Shot("recovery-and-claims", "manager@example.org", f"/official/applications/{recovery.pk}/decision/"),
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=REPOSITORY,
        env={**os.environ, **SERVER_ENVIRONMENT},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def sign_in(page, site: str, email: str) -> None:
    from avustamo.demo.content import DEMO_PASSWORD
    from avustamo.demo.second_factor import current_code

    page.goto(f"{site}/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    if "/accounts/2fa/authenticate/" in page.url:
        page.locator("#id_code").fill(current_code())
        page.locator("main form button[type=submit]").first.click()


def save(png: bytes, path: Path) -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(COLOURS)
    image.save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("prefix", help="the first word of each file name, e.g. before or after")
    parser.add_argument("--only", nargs="*", help="only these pages (their names)")
    arguments = parser.parse_args()

    sys.path.insert(0, str(REPOSITORY))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avustamo.settings")
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    wanted = [shot for shot in shots() if not arguments.only or shot.name in arguments.only]
    OUTPUT.mkdir(exist_ok=True)
    port = free_port()
    server = serve(port)
    site = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            # One browser context per official: each signs in once, since a code is accepted only once.
            contexts = {}
            for shot in wanted:
                if shot.official not in contexts:
                    contexts[shot.official] = browser.new_context(
                        viewport={"width": WIDTH, "height": 900},
                        locale="fi-FI",
                        timezone_id="Europe/Helsinki",
                    )
                    sign_in(contexts[shot.official].new_page(), site, shot.official)
                page = contexts[shot.official].pages[0]
                page.goto(f"{site}{shot.path}")
                if shot.submit:
                    page.locator(shot.submit).first.click()
                    page.wait_for_load_state()
                target = OUTPUT / f"{arguments.prefix}-{shot.name}.png"
                save(page.screenshot(full_page=True), target)
                print(f"{target.relative_to(REPOSITORY)}  {page.url}  {target.stat().st_size // 1024} KB")
            browser.close()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
