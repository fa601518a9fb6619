"""A local stand-in for the State's invoice circulation (Handi), for the demo and the tests only.

The service delivers each payment as one XML invoice file over SFTP and later fetches Handi's confirmations from
the same server. This is a real SFTP server (asyncssh) with a small responder beside it that answers the invoices
as Handi would, so the service's whole path is exercised: key authentication, host key pinning, uploads under a
dot-name renamed when complete, and confirmations appearing some moments later.

    python -m stand_ins.invoice_circulation --port 8103 --root var/handi \\
        --host-key var/handi_host_key --authorized-key ~/.ssh/avustamo.pub

- Only the user `--username` (`avustamo`) signs in, and only with the key in `--authorized-key`; only SFTP, shut
  in `--root`. The host key is made at `--host-key` when missing, its public half beside it as `.pub` to pin.
- Invoices go into `to_handi/`. Every `--poll-seconds` each complete one (a name not starting with ".") is paid on
  its due date: a confirmation appears in `from_handi/` and the invoice moves to `to_handi/answered/`. An invoice
  to an account given with `--reject-account` is rejected instead. An invoice whose long reference was answered
  before, even before a restart, is a duplicate: it moves to `answered/` with no answer, as it must never be paid
  twice. A file that is not an invoice moves to `to_handi/refused/` with no answer.
"""
