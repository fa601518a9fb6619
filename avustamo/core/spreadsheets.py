"""Texts that go into spreadsheets: nothing an applicant typed may become a formula.

Every text goes in with `write_string`, never `write`; and a text that a spreadsheet would read as a formula when
copied or re-saved as CSV (`=`, `+`, `-`, `@`, tab, carriage return at its start) is written with a leading
apostrophe.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def neutralised(text) -> str:
    """The text as a cell may safely hold it: a leading apostrophe before anything that starts a formula."""
    text = "" if text is None else str(text)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def sheet_name(reference: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    name = (reference or "").translate(SHEET_NAME_FORBIDDEN).strip("'")[:SHEET_NAME_MAX]
    return name or "Sheet1"
