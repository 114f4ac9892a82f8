"""Linking a Telegram group to a neighbourhood: only a coordinator of its municipality may."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from bot.services.access import coordinates, scope_of
from bot.services.places import Place, areas_of, link_group_to, municipalities, place_of
from db.models import BotMembership


class LinkOutcome(StrEnum):
    LINKED = "linked"
    NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True)
class Linked:
    outcome: LinkOutcome
    place_name: str = ""


def municipalities_to_link(session: Session, *, user_id: int) -> list[Place]:
    """The municipalities this user may link a group in (none for anyone but a coordinator)."""
    scope = scope_of(session, user_id)
    if scope is None:
        return []
    return [place for place in municipalities(session) if scope.covers(place.slug)]


def areas_to_link(session: Session, *, user_id: int, municipality_slug: str) -> list[Place] | None:
    """The kernen and wijken a coordinator of this municipality may link to; None for anyone else."""
    if not coordinates(session, user_id, municipality_slug):
        return None
    return areas_of(session, municipality_slug)


def link_group_as(
    session: Session, *, user_id: int, chat_id: int, title: str, neighbourhood_slug: str, now: datetime
) -> Linked:
    """Link a group to a neighbourhood, if this user coordinates its municipality."""
    place = place_of(session, neighbourhood_slug)
    if place is None or not coordinates(session, user_id, place.municipality_slug):
        return Linked(LinkOutcome.NOT_ALLOWED)
    name = link_group_to(
        session, chat_id=chat_id, title=title, neighbourhood_slug=neighbourhood_slug, linked_by=user_id, now=now
    )
    return Linked(LinkOutcome.LINKED, name)


def record_bot_rights(session: Session, *, chat_id: int, can_invite: bool, now: datetime) -> None:
    """Remember what Telegram said the bot may do in a group (it says so whenever the bot's membership changes)."""
    membership = session.get(BotMembership, chat_id)
    if membership is None:
        membership = BotMembership(chat_id=chat_id, can_invite=can_invite, updated_at=now)
    membership.can_invite, membership.updated_at = can_invite, now
    session.add(membership)


def bot_may_invite(session: Session, *, chat_id: int) -> bool:
    """Whether the bot may invite members in a group, as far as Telegram told it (False when it never said)."""
    membership = session.get(BotMembership, chat_id)
    return membership is not None and membership.can_invite
