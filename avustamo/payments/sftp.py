"""The SFTP connection to the State's invoice circulation: invoices put into its outgoing folder, confirmations read
from its incoming folder and moved aside once handled.

asyncssh runs its own event loop in a thread of the connection; the calling thread only waits for each step. So
the database is never touched from inside an event loop (Django refuses that), and each step's result is recorded
before the next one starts."""

import asyncio
import contextlib
import posixpath
import threading
from dataclasses import dataclass

import asyncssh
from django.conf import settings
from django.utils.translation import gettext as _

# Where handled confirmations are moved, under the incoming folder: kept there for the circulation's own records.
PROCESSED_FOLDER = "processed"


class TransportError(Exception):
    """The invoice circulation could not be reached, or refused a step; the message says which, for the page."""


@dataclass(frozen=True)
class ServerSettings:
    host: str
    port: int
    username: str
    private_key: str
    host_key: str
    outgoing_dir: str
    incoming_dir: str
    timeout_seconds: float

    @classmethod
    def configured(cls) -> "ServerSettings":
        values = settings.INVOICE_CIRCULATION
        if not all(values[name] for name in ("HOST", "USERNAME", "PRIVATE_KEY", "HOST_KEY")):
            raise TransportError(
                _(
                    "The invoice circulation's SFTP server is not configured: an administrator sets its address, "
                    "user name, key and host key."
                )
            )
        return cls(**{name.lower(): value for name, value in values.items()})

    @property
    def known_hosts(self):
        pattern = self.host if self.port == 22 else f"[{self.host}]:{self.port}"
        return asyncssh.import_known_hosts(f"{pattern} {self.host_key.strip()}\n")


class InvoiceCirculationServer:
    """One SFTP session, used as a context manager: `with InvoiceCirculationServer() as server: ...`."""

    def __init__(self, server_settings: ServerSettings | None = None):
        self.settings = server_settings or ServerSettings.configured()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._connection = None
        self._sftp = None

    def __enter__(self) -> "InvoiceCirculationServer":
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="invoice-circulation", daemon=True
        )
        self._thread.start()
        try:
            self._run(self._connect())
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        if self._connection is not None:
            connection = self._connection
            self._connection = None

            async def close():
                connection.close()
                await connection.wait_closed()

            # The session is over either way.
            with contextlib.suppress(TransportError):
                self._run(close())
        self._stop()

    def _stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def _run(self, coroutine):
        future = asyncio.run_coroutine_threadsafe(
            asyncio.wait_for(coroutine, self.settings.timeout_seconds), self._loop
        )
        try:
            return future.result()
        except (asyncssh.Error, OSError, TimeoutError) as error:
            reason = str(error) or error.__class__.__name__
            raise TransportError(
                _("The invoice circulation's server %(server)s could not be reached or refused: %(reason)s")
                % {"server": f"{self.settings.host}:{self.settings.port}", "reason": reason}
            ) from error

    async def _connect(self) -> None:
        self._connection = await asyncssh.connect(
            self.settings.host,
            self.settings.port,
            username=self.settings.username,
            client_keys=[self.settings.private_key],
            known_hosts=self.settings.known_hosts,
            agent_path=None,
            connect_timeout=self.settings.timeout_seconds,
        )
        self._sftp = await self._connection.start_sftp_client()

    def deliver(self, name: str, content: bytes) -> bool:
        """Put one file into the outgoing folder under `name`, whole or not at all: written under a dot-name the
        circulation ignores, then renamed. False if a file of that name is already there (delivered before an
        interruption, not yet taken), which is left as it is."""
        path = posixpath.join(self.settings.outgoing_dir, name)
        partial = posixpath.join(self.settings.outgoing_dir, f".{name}.part")

        async def put() -> bool:
            if await self._sftp.exists(path):
                return False
            async with self._sftp.open(partial, "wb") as remote:
                await remote.write(content)
            await self._sftp.rename(partial, path)
            return True

        return self._run(put())

    def incoming(self) -> list[str]:
        """The names of the confirmation files waiting in the incoming folder, oldest name first."""

        async def names() -> list[str]:
            entries = await self._sftp.readdir(self.settings.incoming_dir)
            return sorted(
                entry.filename
                for entry in entries
                if entry.filename.endswith(".xml")
                and not entry.filename.startswith(".")
                and entry.attrs.type == asyncssh.FILEXFER_TYPE_REGULAR
            )

        return self._run(names())

    def read(self, name: str) -> bytes:
        async def content() -> bytes:
            async with self._sftp.open(posixpath.join(self.settings.incoming_dir, name), "rb") as remote:
                return await remote.read()

        return self._run(content())

    def move_aside(self, name: str) -> None:
        """Move a handled confirmation into the processed folder, so it is not fetched again."""
        folder = posixpath.join(self.settings.incoming_dir, PROCESSED_FOLDER)

        async def move() -> None:
            if not await self._sftp.isdir(folder):
                await self._sftp.mkdir(folder)
            target = posixpath.join(folder, name)
            if await self._sftp.exists(target):
                await self._sftp.remove(target)
            await self._sftp.rename(posixpath.join(self.settings.incoming_dir, name), target)

        self._run(move())
