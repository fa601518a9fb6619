"""Database ids taken from requests: anything outside a 64-bit positive integer is no id at all."""

MAX_ID = 2**63 - 1


def id_or_none(value) -> int | None:
    text = str(value or "")
    # The length first: Python refuses to read an integer of more than 4,300 digits.
    if not (text.isascii() and text.isdecimal() and len(text) <= 19) or not 1 <= int(text) <= MAX_ID:
        return None
    return int(text)
