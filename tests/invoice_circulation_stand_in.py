"""The invoice circulation (Handi) stand-in as a process of its own, for tests that talk to it over SFTP.

`started_invoice_circulation(root)` makes a client key pair under `root` (once), starts
`python -m stand_ins.invoice_circulation --port 0` serving `root/sftp`, waits for its line saying on which port
it listens and stops it afterwards; starting it again on the same `root` keeps its host key and its memory of the
invoices answered. The `invoice_circulation` fixture starts one and points the service's INVOICE_CIRCULATION
setting at it.
"""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
USERNAME = "avustamo"
OUTGOING_DIR = "to_handi"
INCOMING_DIR = "from_handi"


@dataclass
class StandIn:
    port: int
    root: Path
    client_key: Path
    host_key: Path

    @property
    def settings(self) -> dict:
        return {
            "HOST": "127.0.0.1",
            "PORT": self.port,
            "USERNAME": USERNAME,
            "PRIVATE_KEY": str(self.client_key),
            "HOST_KEY": self.host_key.with_name(f"{self.host_key.name}.pub").read_text().strip(),
            "OUTGOING_DIR": OUTGOING_DIR,
            "INCOMING_DIR": INCOMING_DIR,
            "TIMEOUT_SECONDS": 5,
        }

    def confirmations(self) -> list[str]:
        """The confirmations waiting in `from_handi/`: not those still being written under a dot-name, nor the
        folder the service moves the handled ones into."""
        return sorted(
            path.name
            for path in (self.root / INCOMING_DIR).iterdir()
            if path.is_file() and not path.name.startswith(".")
        )

    def wait_for_confirmations(self, count: int, seconds: float = 10) -> list[str]:
        deadline = time.monotonic() + seconds
        while len(self.confirmations()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"expected {count} confirmations within {seconds} s, {INCOMING_DIR}/ has {self.confirmations()}"
                )
            time.sleep(0.05)
        return self.confirmations()

    def put_confirmation(self, name: str, xml_text: str) -> None:
        """A confirmation as if Handi had sent it, answering whatever the test likes (or nothing we sent)."""
        (self.root / INCOMING_DIR / name).write_text(xml_text, encoding="utf-8")

    def answered(self) -> list[str]:
        return sorted(path.name for path in (self.root / OUTGOING_DIR / "answered").iterdir())


@contextmanager
def started_invoice_circulation(root: Path, *, reject_accounts: Iterable[str] = ()) -> Iterator[StandIn]:
    """A stand-in process serving `root/sftp`, rejecting the payments to `reject_accounts`."""
    client_key = root / "client_key"
    if not client_key.exists():
        key = asyncssh.generate_private_key("ssh-ed25519")
        with os.fdopen(os.open(client_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as secret:
            secret.write(key.export_private_key())
        key.write_public_key(root / "client_key.pub")
    host_key = root / "host_key"
    sftp_root = root / "sftp"
    sftp_root.mkdir(exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "stand_ins.invoice_circulation",
        "--port",
        "0",
        "--root",
        str(sftp_root),
        "--host-key",
        str(host_key),
        "--authorized-key",
        str(root / "client_key.pub"),
        "--username",
        USERNAME,
        "--poll-seconds",
        "0.1",
    ]
    for account in reject_accounts:
        command += ["--reject-account", account]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    ready_line = _first_line_within(process, seconds=30)
    try:
        if "ready on sftp://" not in ready_line:
            raise RuntimeError(f"the invoice circulation stand-in did not start: {ready_line!r}")
        port = int(ready_line.strip().rsplit(":", 1)[1])
        yield StandIn(port=port, root=sftp_root, client_key=client_key, host_key=host_key)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def invoice_circulation(tmp_path, settings) -> Iterator[StandIn]:
    """A stand-in that pays every invoice, and the service's INVOICE_CIRCULATION setting pointing at it."""
    with started_invoice_circulation(tmp_path) as stand_in:
        settings.INVOICE_CIRCULATION = stand_in.settings
        yield stand_in


def _first_line_within(process: subprocess.Popen, *, seconds: float) -> str:
    lines = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(seconds)
    if not lines:
        process.kill()
        return ""
    return lines[0]
