"""`python -m stand_ins.invoice_circulation --port N --root DIR --host-key PATH --authorized-key PATH`: serve the
invoice circulation stand-in's SFTP on 127.0.0.1:N (0: any free port) and answer the invoices put into it."""

import argparse
import asyncio
import datetime
import os
import re
import signal
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import asyncssh

OUTGOING = "to_handi"
INCOMING = "from_handi"
ANSWERED = "answered"
REFUSED = "refused"
REJECTION_REASON = "Maksu hylätty: tili on suljettu."


@dataclass(frozen=True)
class Invoice:
    long_reference: str
    due_date: datetime.date
    bank_account: str


class NotAnInvoice(ValueError):
    pass


class OneAccount(asyncssh.SSHServer):
    """Lets in only `username`, and only with its key: other names are offered no way to authenticate at all."""

    def __init__(self, username: str, authorized_keys: asyncssh.SSHAuthorizedKeys):
        self.username = username
        self.authorized_keys = authorized_keys
        self.connection: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.connection = conn

    def begin_auth(self, username: str) -> bool:
        if username == self.username:
            self.connection.set_authorized_keys(self.authorized_keys)
        # Authentication is always required, even of the names that cannot pass it.
        return True


class Responder:
    """Answers the invoices in `to_handi/` as Handi would, and remembers which long references it has answered,
    from the invoices kept in `to_handi/answered/`, so that a restart does not answer one twice."""

    def __init__(self, root: Path, rejected_accounts: set[str]):
        self.outgoing = root / OUTGOING
        self.incoming = root / INCOMING
        self.answered = self.outgoing / ANSWERED
        self.refused = self.outgoing / REFUSED
        for folder in (self.outgoing, self.incoming, self.answered, self.refused):
            folder.mkdir(parents=True, exist_ok=True)
        self.rejected_accounts = rejected_accounts
        self.answered_references = {read_invoice(path).long_reference for path in self.answered.glob("*.xml")}

    async def run(self, poll_seconds: float) -> None:
        while True:
            self.answer_waiting_invoices()
            await asyncio.sleep(poll_seconds)

    def answer_waiting_invoices(self) -> None:
        # A name starting with "." is still being uploaded: the client renames it when it is complete.
        for path in sorted(self.outgoing.glob("*.xml")):
            if path.is_file() and not path.name.startswith("."):
                self.answer(path)

    def answer(self, path: Path) -> None:
        try:
            invoice = read_invoice(path)
        except NotAnInvoice as reason:
            print(f"Refused {path.name}: {reason}", file=sys.stderr, flush=True)
            move_into(path, self.refused, path.name)
            return
        if invoice.long_reference in self.answered_references:
            print(
                f"Duplicate of {invoice.long_reference} left unanswered: {path.name}",
                file=sys.stderr,
                flush=True,
            )
            move_into(path, self.answered, f"{path.stem}.duplicate{path.suffix}")
            return
        self.answered_references.add(invoice.long_reference)
        safe_reference = re.sub(r"[^A-Za-z0-9_-]", "_", invoice.long_reference)
        # The count of references answered ever grows by one with each answer, so no name is given twice.
        name = f"va_{safe_reference}_{len(self.answered_references)}.xml"
        part = self.incoming / f".{name}.part"
        part.write_text(self.confirmation(invoice), encoding="utf-8")
        part.rename(self.incoming / name)
        move_into(path, self.answered, path.name)

    def confirmation(self, invoice: Invoice) -> str:
        reference = f"<Pitkaviite>{escape(invoice.long_reference)}</Pitkaviite>"
        if normalised_account(invoice.bank_account) in self.rejected_accounts:
            outcome = f"<Hylatty>{REJECTION_REASON}</Hylatty>"
        else:
            outcome = f"<Maksupvm>{invoice.due_date.isoformat()}</Maksupvm>"
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<VA-invoice><Header>{reference}{outcome}</Header></VA-invoice>\n"
        )


def read_invoice(path: Path) -> Invoice:
    try:
        document = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as error:
        raise NotAnInvoice(f"not XML ({error})") from None
    header = document.find("object/header") if document.tag == "objects" else None
    if header is None:
        raise NotAnInvoice("no objects/object/header")
    fields = {
        name: (header.findtext(name) or "").strip() for name in ("longReference", "dueDate", "bankAccount")
    }
    missing = [name for name, value in fields.items() if not value]
    if missing:
        raise NotAnInvoice(f"no {', '.join(missing)}")
    try:
        due_date = datetime.date.fromisoformat(fields["dueDate"])
    except ValueError:
        raise NotAnInvoice(f"dueDate {fields['dueDate']!r} is not a date") from None
    return Invoice(fields["longReference"], due_date, fields["bankAccount"])


def normalised_account(account: str) -> str:
    return "".join(account.split()).upper()


def move_into(path: Path, folder: Path, name: str) -> None:
    """Moves `path` into `folder` as `name`, numbered when that is taken, so that no earlier file is lost."""
    target = folder / name
    number = 1
    while target.exists():
        number += 1
        target = folder / f"{Path(name).stem}.{number}{Path(name).suffix}"
    path.rename(target)


def host_key(path: Path) -> asyncssh.SSHKey:
    """The key at `path`, made there when missing, with its public half beside it for the client to pin."""
    if path.exists():
        key = asyncssh.read_private_key(path)
    else:
        key = asyncssh.generate_private_key("ssh-ed25519")
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as secret:
            secret.write(key.export_private_key())
    public = path.with_name(f"{path.name}.pub")
    if not public.exists():
        key.write_public_key(public)
    return key


async def serve(arguments: argparse.Namespace) -> None:
    root = Path(arguments.root).resolve()
    responder = Responder(root, {normalised_account(account) for account in arguments.reject_account})
    authorized_keys = asyncssh.read_authorized_keys(arguments.authorized_key)
    server = await asyncssh.listen(
        arguments.host,
        arguments.port,
        server_factory=lambda: OneAccount(arguments.username, authorized_keys),
        server_host_keys=[host_key(Path(arguments.host_key))],
        # Only SFTP: with no session or process factory asyncssh refuses a shell and every command.
        sftp_factory=lambda channel: asyncssh.SFTPServer(channel, chroot=os.fsencode(root)),
        allow_scp=False,
        password_auth=False,
        kbdint_auth=False,
        host_based_auth=False,
        gss_host=None,
        agent_forwarding=False,
        x11_forwarding=False,
        allow_pty=False,
    )
    stopping = asyncio.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signal_number, stopping.set)
    print(f"Invoice circulation stand-in ready on sftp://{arguments.host}:{server.get_port()}", flush=True)
    answering = asyncio.create_task(responder.run(arguments.poll_seconds))
    stopped = asyncio.create_task(stopping.wait())
    await asyncio.wait({answering, stopped}, return_when=asyncio.FIRST_COMPLETED)
    server.close()
    await server.wait_closed()
    if answering.done():
        # The responder failed: stop loudly, with its error, rather than serve on leaving invoices unanswered.
        answering.result()
    answering.cancel()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m stand_ins.invoice_circulation", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8103)
    parser.add_argument("--root", required=True, help="the folder the SFTP user sees as /")
    parser.add_argument("--host-key", required=True, help="the server's private key, made when missing")
    parser.add_argument("--authorized-key", required=True, help="the client's public key (OpenSSH format)")
    parser.add_argument("--username", default="avustamo")
    parser.add_argument(
        "--reject-account",
        action="append",
        default=[],
        help="an IBAN whose payments are rejected (repeatable)",
    )
    parser.add_argument("--poll-seconds", type=float, default=0.2)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
