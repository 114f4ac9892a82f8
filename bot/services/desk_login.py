"""Logging in to the desk without a password: a one-time link from the bot opens a server-side session.

A link carries a random token, signed with the desk's secret so a forged link is refused before the database
is asked. Only a SHA-256 hash of the token is stored; it is used once (a conditional UPDATE whose row count
decides, so two clicks can never both log in) and within `LINK_VALID`. A session is a random cookie value,
stored hashed too, valid for `SESSION_VALID`. Never commits.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.services.desk_roles import desk_identity
from db.models import DeskLoginToken, DeskSession, StoredSecret

LINK_VALID = timedelta(minutes=10)
SESSION_VALID = timedelta(hours=8)
# At most this many links per person per `LINK_WINDOW`: enough for a typo, too few to flood anyone.
LINKS_PER_WINDOW = 3
LINK_WINDOW = timedelta(minutes=10)
SECRET_NAME = "desk_secret"
_SALT = "desk-login"


class LinkOutcome(StrEnum):
    ISSUED = "issued"
    NOT_ALLOWED = "not_allowed"
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class LoginLink:
    """What asking for a link gave: the signed token to put in the link, or why not."""

    outcome: LinkOutcome
    signed_token: str = ""


@dataclass(frozen=True)
class OpenedSession:
    """A new desk session: the cookie value (only the browser keeps it) and whose it is."""

    user_id: int
    cookie_value: str
    expires_at: datetime


@dataclass(frozen=True)
class ActiveSession:
    """A session found from its cookie: whose it is and its CSRF token."""

    user_id: int
    csrf_token: str
    expires_at: datetime


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def signing_secret(session: Session, *, configured: str, now: datetime) -> str:
    """DESK_SECRET when set; else one generated once and kept in the database, so links survive a restart."""
    if configured:
        return configured
    stored = session.get(StoredSecret, SECRET_NAME)
    if stored is not None:
        return stored.value
    value = secrets.token_urlsafe(48)
    try:
        with session.begin_nested():
            session.add(StoredSecret(name=SECRET_NAME, value=value, created_at=now))
    except IntegrityError:  # another process made it first: use theirs
        return session.get(StoredSecret, SECRET_NAME).value
    return value


def sign_token(secret: str, token: str) -> str:
    """The token as it travels in a link: signed, URL-safe."""
    return URLSafeSerializer(secret, salt=_SALT).dumps(token)


def unsign_token(secret: str, signed_token: str) -> str | None:
    """The token from a link, or None when the signature does not match."""
    try:
        token = URLSafeSerializer(secret, salt=_SALT).loads(signed_token)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def issue_login_link(session: Session, *, user_id: int, secret: str, now: datetime) -> LoginLink:
    """A one-time link for a coordinator or desk volunteer; refused for anyone else and past the rate limit."""
    if desk_identity(session, user_id) is None:
        return LoginLink(LinkOutcome.NOT_ALLOWED)
    session.exec(delete(DeskLoginToken).where(DeskLoginToken.user_id == user_id, DeskLoginToken.expires_at < now))
    recent = session.exec(
        select(func.count())
        .select_from(DeskLoginToken)
        .where(DeskLoginToken.user_id == user_id, DeskLoginToken.created_at > now - LINK_WINDOW)
    ).one()
    if recent >= LINKS_PER_WINDOW:
        return LoginLink(LinkOutcome.TOO_MANY)
    token = secrets.token_urlsafe(32)
    session.add(DeskLoginToken(token_hash=_hash(token), user_id=user_id, created_at=now, expires_at=now + LINK_VALID))
    session.flush()
    return LoginLink(LinkOutcome.ISSUED, sign_token(secret, token))


def redeem_login_link(session: Session, *, signed_token: str, secret: str, now: datetime) -> OpenedSession | None:
    """Use a link once and open a session; None for a forged, used or expired link, or a role taken away."""
    token = unsign_token(secret, signed_token)
    if token is None:
        return None
    token_hash = _hash(token)
    used = session.exec(
        update(DeskLoginToken)
        .where(
            DeskLoginToken.token_hash == token_hash,
            DeskLoginToken.used_at.is_(None),
            DeskLoginToken.expires_at > now,
        )
        .values(used_at=now)
    )
    if used.rowcount != 1:
        return None
    user_id = session.exec(select(DeskLoginToken.user_id).where(DeskLoginToken.token_hash == token_hash)).one()
    if desk_identity(session, user_id) is None:
        return None
    cookie_value = secrets.token_urlsafe(32)
    expires_at = now + SESSION_VALID
    session.add(
        DeskSession(
            id_hash=_hash(cookie_value),
            user_id=user_id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    return OpenedSession(user_id=user_id, cookie_value=cookie_value, expires_at=expires_at)


def active_session(session: Session, *, cookie_value: str, now: datetime) -> ActiveSession | None:
    """The session behind a cookie, if it has not ended or expired."""
    row = session.get(DeskSession, _hash(cookie_value))
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    return ActiveSession(user_id=row.user_id, csrf_token=row.csrf_token, expires_at=row.expires_at)


def end_session(session: Session, *, cookie_value: str, now: datetime) -> bool:
    """Log out: the session ends at once, also if the cookie is kept."""
    ended = session.exec(
        update(DeskSession)
        .where(DeskSession.id_hash == _hash(cookie_value), DeskSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    return ended.rowcount == 1
