"""Slow down password guessing without letting the guesser lock the owner out.

Failed sign-ins are rows in the database, so every web process (gunicorn workers, other
machines) sees the same count; nothing is locked for good, the minute just slides. Three
limits, per sliding minute, with L = LOGIN_FAILURES_PER_MINUTE (5):

- one account from one address: L. The limit a guesser meets; the owner signing in from
  another address is not affected, however long the guessing goes on.
- one address, whatever the accounts: L x ADDRESS_FACTOR = 20. One machine spraying a
  password over many accounts; an office behind one address still has room for typos.
- one account from every address: L x ACCOUNT_FACTOR = 50, a ceiling for a guesser spread
  over many addresses. Why 50: to reach it a guesser must spend the whole allowance of at
  least 10 addresses (10 /64 networks for IPv6) at once, all the time, which no single
  machine and no office can; and it still caps a botnet at 72,000 guesses a day at one
  account, which a password of at least 10 characters outside the common lists withstands.
  Higher would help the botnet more than the owner; lower would let a handful of
  addresses lock the owner out again.

IPv6 addresses count by their /64 network: one subscriber gets a whole /64, so counting
single addresses would hand a guesser 2^64 fresh ones.

A signed-in person confirming their password (webapp.auth.reauth) is held back only by
failures of their account from their own address: someone else's guesses never block it.

Check, password check and record happen in one transaction serialised per account and
per address, so concurrent guesses cannot all pass the check before any is recorded: on
SQLite a writing request holds the database's write lock from its first statement
(BEGIN IMMEDIATE); on PostgreSQL `retry_after` takes transaction-scoped advisory locks,
released when the request commits the failure (or rolls back).
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, timedelta

from flask import current_app, has_app_context
from sqlalchemy import ColumnElement, and_, delete, func, or_, select, text

from webapp.extensions import db
from webapp.models import LoginFailure
from webapp.models.base import utcnow
from webapp.transaction import keep_when_refused

WINDOW = timedelta(minutes=1)
#: One address may fail this many times more than one account from one address.
ADDRESS_FACTOR = 4
#: One account may fail this many times more from all addresses together.
ACCOUNT_FACTOR = 10

#: Advisory lock key spaces (the first of PostgreSQL's two int4 keys): accounts are
#: always locked before addresses, so two requests never wait for each other in a circle.
_ACCOUNT_LOCKS, _ADDRESS_LOCKS = 0x7468_0001, 0x7468_0002
_IPV6_NETWORK = 64


def address_key(address: str) -> str:
    """How an address is counted: IPv4 as it is, IPv6 by its /64 network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{_IPV6_NETWORK}", strict=False))
    return str(ip)


def _serialise(email: str, address: str) -> None:
    """PostgreSQL: wait for the other attempts on this account and from this address."""
    if db.session.get_bind().dialect.name != "postgresql":
        return  # SQLite: the writing request's transaction holds the write lock already
    for space, key in ((_ACCOUNT_LOCKS, email), (_ADDRESS_LOCKS, address)):
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:space, hashtext(:key))"),
            {"space": space, "key": key},
        )


def retry_after(email: str, address: str, *, confirming: bool = False) -> int | None:
    """Seconds to wait before trying again, or None if a try is allowed now.

    `confirming`: a signed-in person confirming their password, whom only their own
    address's failures hold back. Call it before checking the password, in the
    transaction that records the failure: it takes the locks that make the count exact.
    """
    address = address_key(address)
    _serialise(email, address)
    limit = current_app.config["LOGIN_FAILURES_PER_MINUTE"]
    limits: list[tuple[ColumnElement[bool], int]] = [
        (and_(LoginFailure.email == email, LoginFailure.address == address), limit)
    ]
    if not confirming:
        limits += [
            (LoginFailure.address == address, limit * ADDRESS_FACTOR),
            (LoginFailure.email == email, limit * ACCOUNT_FACTOR),
        ]
    since = utcnow() - WINDOW
    for where, allowed in limits:
        count, oldest = db.session.execute(
            select(func.count(), func.min(LoginFailure.created_at)).where(
                where, LoginFailure.created_at > since
            )
        ).one()
        if count >= allowed:
            if oldest.tzinfo is None:  # SQLite hands aggregates back without the type
                oldest = oldest.replace(tzinfo=UTC)
            wait = (oldest + WINDOW - utcnow()).total_seconds()
            return max(1, int(wait) + 1)
    return None


def record_failure(email: str, address: str) -> None:
    address = address_key(address)
    now = utcnow()
    db.session.add(LoginFailure(email=email, address=address, created_at=now))
    if has_app_context():
        keep_when_refused()  # the failure counts although the answer is a refusal
    # Keep the table small: failures older than the window no longer count. Rows another
    # attempt is deleting are skipped, not waited for: two attempts on different locks
    # (this account from there, that one from here) never wait for each other in a circle.
    stale = (
        select(LoginFailure.id)
        .where(
            or_(LoginFailure.email == email, LoginFailure.address == address),
            LoginFailure.created_at < now - WINDOW * 10,
        )
        .with_for_update(skip_locked=True)
    )
    db.session.execute(delete(LoginFailure).where(LoginFailure.id.in_(stale)))
