import logging
import re

IDENTITY_CODE = re.compile(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]")


class HideIdentityCodes(logging.Filter):
    """Blanks out personal identity codes in a log line (they appear in the registration's address)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = IDENTITY_CODE.sub("[redacted]", record.getMessage())
        record.args = ()
        return True
