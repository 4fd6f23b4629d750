"""Password hashing with a slow KDF (scrypt, werkzeug's default)."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10

# Checked against when the email is unknown, so a wrong email costs as long as a wrong
# password and the timing does not tell whether an account exists.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    return check_password_hash(password_hash or _DUMMY_HASH, password) and password_hash is not None
