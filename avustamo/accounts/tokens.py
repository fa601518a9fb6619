"""Personal API tokens: `avu_` and 43 random characters, stored as a SHA-256 hash."""

import hashlib
import secrets

TOKEN_PREFIX = "avu_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
