"""Residents without Telegram: a `User` with a phone number, no chat, and an id from the reserved range
below `PHONE_ONLY_ID_CEILING`, so their requests work like everyone else's. Never commits."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.config import Settings
from bot.services.desk_audit import record_action
from bot.services.desk_roles import DeskIdentity, DeskPermission
from bot.services.erasure import forget_user
from db.models import PHONE_ONLY_ID_CEILING, InboxItem, User

NAME_LIMIT = 64
PHONE_LIMIT = 32
_NOT_DIGITS = re.compile(r"[^0-9+]")


def is_phone_only_id(user_id: int | None) -> bool:
    """Whether an id belongs to a resident taken at the desk (never a Telegram chat)."""
    return user_id is not None and user_id < PHONE_ONLY_ID_CEILING


def phone_key(phone: str) -> str:
    """A phone number as compared: digits and a leading +, so '045 - 123 45 67' matches '0451234567'."""
    return _NOT_DIGITS.sub("", phone)


def phone_only_resident(
    session: Session, *, name: str, phone: str, neighbourhood_slug: str | None, now: datetime
) -> int:
    """The id of the phone-only resident with this phone number, made now if there is none yet."""
    key = phone_key(phone)[:PHONE_LIMIT]
    existing = session.exec(
        select(User).where(User.phone_only.is_(True), User.phone == key, User.forgotten_at.is_(None))
    ).first()
    if existing is not None:
        existing.first_name = name.strip()[:NAME_LIMIT] or existing.first_name
        existing.neighbourhood_slug = neighbourhood_slug or existing.neighbourhood_slug
        session.add(existing)
        session.flush()
        return existing.id
    for _attempt in range(5):
        lowest = session.exec(select(func.min(User.id)).where(User.id < PHONE_ONLY_ID_CEILING)).one()
        user_id = (lowest if lowest is not None else PHONE_ONLY_ID_CEILING) - 1
        try:
            with session.begin_nested():
                session.add(
                    User(
                        id=user_id,
                        first_name=name.strip()[:NAME_LIMIT],
                        phone=key,
                        neighbourhood_slug=neighbourhood_slug,
                        phone_only=True,
                        has_private_chat=False,
                        reachable=False,
                        created_at=now,
                    )
                )
        except IntegrityError:  # another desk took that id at the same moment: take the next one
            continue
        return user_id
    raise RuntimeError("no free id for a phone-only resident")


def forget_phone_only_resident(
    session: Session, *, reader: DeskIdentity, item_id: int, now: datetime, settings: Settings
) -> bool:
    """A resident without Telegram cannot type /vergeetmij: a coordinator erases them on their request, as
    /vergeetmij would (their requests cancelled and redacted, name and phone number gone)."""
    item = session.get(InboxItem, item_id)
    if item is None or not reader.may(DeskPermission.INBOX) or not reader.covers(item.municipality_slug):
        return False
    resident = session.get(User, item.user_id) if item.user_id else None
    if resident is None or not resident.phone_only or resident.forgotten_at is not None:
        return False
    forget_user(session, user_id=resident.id, now=now, settings=settings)
    record_action(
        session,
        user_id=reader.user_id,
        action="resident.forget",
        now=now,
        municipality_slug=item.municipality_slug,
        target_kind="inbox",
        target_id=item.id,
    )
    return True
