"""Database ids taken from requests: anything outside a 64-bit positive integer is no id at all."""

MAX_ID = 2**63 - 1


def id_or_none(value) -> int | None:
    text = str(value or "")
    if not (text.isascii() and text.isdecimal()) or not 1 <= int(text) <= MAX_ID:
        return None
    return int(text)
