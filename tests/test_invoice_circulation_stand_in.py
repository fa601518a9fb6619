"""The invoice circulation stand-in, over real SFTP with an asyncssh client that pins its host key: the tests of
the service's payments rely on it answering as Handi would, once per invoice, and letting in no one else."""

import asyncio
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import asyncssh
import pytest

from tests.invoice_circulation_stand_in import StandIn, started_invoice_circulation

CLOSED_ACCOUNT = "FI79 1234 5600 0007 85"


def invoice(
    long_reference: str = "TEM/12/2027_1", *, due_date="2027-03-05", bank_account="FI2112345600000785"
):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<objects><object><header><toEdiID>003727697901</toEdiID><invoiceType>INVOICE</invoiceType>"
        "<vendorName>Kotoutumisyhdistys ry</vendorName><vendorRegistrationId>1234567-8</vendorRegistrationId>"
        f"<bankAccount>{bank_account}</bankAccount><invoiceNumber>{long_reference}</invoiceNumber>"
        f"<longReference>{long_reference}</longReference><documentDate>2027-03-01</documentDate>"
        f"<dueDate>{due_date}</dueDate><grossAmount>1000.00</grossAmount></header><postings><postingRows>"
        "<postingRow><rowId>1</rowId><generalLedgerAccount>82510000</generalLedgerAccount>"
        "<postingAmount>1000.00</postingAmount></postingRow></postingRows></postings></object></objects>\n"
    )


async def _connect(stand_in: StandIn, *, client_key: Path | None = None, username=None, host_key=None):
    """Connects as the service would, with nothing but its INVOICE_CIRCULATION setting (the arguments change
    one thing of it)."""
    setting = stand_in.settings
    return await asyncssh.connect(
        setting["HOST"],
        setting["PORT"],
        username=username or setting["USERNAME"],
        client_keys=[asyncssh.read_private_key(client_key or setting["PRIVATE_KEY"])],
        known_hosts=asyncssh.import_known_hosts(
            f"[{setting['HOST']}]:{setting['PORT']} {host_key or setting['HOST_KEY']}\n"
        ),
        # Nothing of the machine's own SSH set-up: no agent's keys, no ~/.ssh/config.
        agent_path=None,
        config=None,
        connect_timeout=setting["TIMEOUT_SECONDS"],
    )


async def _upload(stand_in: StandIn, name: str, text: str, *, complete=True) -> None:
    """Uploads as the service does: under a dot-name, renamed when the whole file is there."""
    async with await _connect(stand_in) as connection, connection.start_sftp_client() as sftp:
        async with sftp.open(f"to_handi/.{name}", "w") as upload:
            await upload.write(text)
        if complete:
            await sftp.rename(f"to_handi/.{name}", f"to_handi/{name}")


def upload(stand_in: StandIn, name: str, text: str, *, complete=True) -> None:
    asyncio.run(_upload(stand_in, name, text, complete=complete))


def confirmation(stand_in: StandIn, name: str) -> dict[str, str]:
    header = ElementTree.parse(stand_in.root / "from_handi" / name).getroot().find("Header")
    return {field.tag: field.text for field in header}


def wait_until(condition, *, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the stand-in did not get there in time"
        time.sleep(0.05)


def test_an_invoice_is_paid_on_its_due_date_and_moves_to_answered(invoice_circulation, settings):
    assert invoice_circulation.settings == settings.INVOICE_CIRCULATION
    upload(invoice_circulation, "TEM_12_2027_1.xml", invoice(), complete=False)
    time.sleep(0.5)
    assert invoice_circulation.confirmations() == [], "an upload still under its dot-name is not answered"

    upload(invoice_circulation, "TEM_12_2027_1.xml", invoice())
    [name] = invoice_circulation.wait_for_confirmations(1)

    assert confirmation(invoice_circulation, name) == {
        "Pitkaviite": "TEM/12/2027_1",
        "Maksupvm": "2027-03-05",
    }
    assert "/" not in name
    assert invoice_circulation.answered() == ["TEM_12_2027_1.xml"]
    assert not (invoice_circulation.root / "to_handi" / "TEM_12_2027_1.xml").exists()


def test_an_invoice_to_a_closed_account_is_rejected(tmp_path):
    with started_invoice_circulation(tmp_path, reject_accounts=[CLOSED_ACCOUNT]) as stand_in:
        upload(stand_in, "closed.xml", invoice("TEM/13/2027_1", bank_account="fi7912345600000785"))
        upload(stand_in, "open.xml", invoice("TEM/14/2027_1"))
        names = stand_in.wait_for_confirmations(2)

        answers = {confirmation(stand_in, name)["Pitkaviite"]: confirmation(stand_in, name) for name in names}
        assert answers["TEM/13/2027_1"] == {
            "Pitkaviite": "TEM/13/2027_1",
            "Hylatty": "Maksu hylätty: tili on suljettu.",
        }
        assert answers["TEM/14/2027_1"]["Maksupvm"] == "2027-03-05"


def test_an_invoice_sent_again_is_answered_once_even_after_a_restart(tmp_path):
    with started_invoice_circulation(tmp_path) as stand_in:
        upload(stand_in, "first.xml", invoice())
        stand_in.wait_for_confirmations(1)
        upload(stand_in, "again.xml", invoice())
        wait_until(lambda: len(stand_in.answered()) == 2)
        host_key = stand_in.settings["HOST_KEY"]

    with started_invoice_circulation(tmp_path) as restarted:
        assert restarted.settings["HOST_KEY"] == host_key
        upload(restarted, "first.xml", invoice())
        wait_until(lambda: len(restarted.answered()) == 3)
        time.sleep(0.3)

        assert len(restarted.confirmations()) == 1
        assert restarted.answered() == ["again.duplicate.xml", "first.duplicate.xml", "first.xml"]


def test_only_the_service_s_key_and_user_name_are_let_in(tmp_path):
    stranger_key = tmp_path / "stranger_key"
    asyncssh.generate_private_key("ssh-ed25519").write_private_key(stranger_key)
    with started_invoice_circulation(tmp_path) as stand_in:
        with pytest.raises(asyncssh.PermissionDenied):
            asyncio.run(_connect(stand_in, client_key=stranger_key))
        with pytest.raises(asyncssh.PermissionDenied):
            asyncio.run(_connect(stand_in, username="root"))


def test_a_client_pinning_another_host_key_does_not_connect(tmp_path):
    impostor = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    with started_invoice_circulation(tmp_path) as stand_in, pytest.raises(asyncssh.HostKeyNotVerifiable):
        asyncio.run(_connect(stand_in, host_key=impostor))


def test_the_service_gets_only_sftp_shut_in_its_folder(tmp_path):
    async def look_around(stand_in: StandIn):
        async with await _connect(stand_in) as connection:
            with pytest.raises(asyncssh.ChannelOpenError):
                await connection.run("id")
            async with connection.start_sftp_client() as sftp:
                return sorted(await sftp.listdir("/..")), sorted(await sftp.listdir("/"))

    with started_invoice_circulation(tmp_path) as stand_in:
        above_root, root = asyncio.run(look_around(stand_in))

    assert above_root == root == [".", "..", "from_handi", "to_handi"]


@pytest.mark.parametrize(
    "text",
    [
        "this is not XML",
        invoice().replace("<longReference>TEM/12/2027_1</longReference>", ""),
        invoice(due_date="5.3.2027"),
    ],
    ids=["not XML", "no long reference", "due date not a date"],
)
def test_a_file_that_is_not_an_invoice_is_refused_unanswered(tmp_path, text):
    with started_invoice_circulation(tmp_path) as stand_in:
        upload(stand_in, "bad.xml", text)
        wait_until((stand_in.root / "to_handi" / "refused" / "bad.xml").exists)
        time.sleep(0.3)

        assert stand_in.confirmations() == []
        assert stand_in.answered() == []
