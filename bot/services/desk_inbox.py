"""The inbox as the desk shows it: plain values per item, filtered by the reader's role and municipality,
and the call-back list's own actions (a note, 'gebeld' with the result, close). Never commits; the
coordinators' actions (assign, refer, close) are the bot's own inbox services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import case, update
from sqlmodel import Session, select

from bot.services.access import volunteers_in
from bot.services.desk_audit import record_action
from bot.services.desk_residents import is_phone_only_id
from bot.services.desk_roles import DeskIdentity, DeskPermission
from db.models import (
    Category,
    HelpRequest,
    InboxItem,
    InboxKind,
    InboxStatus,
    Municipality,
    Neighbourhood,
    User,
    Volunteer,
    VolunteerArea,
    VolunteerStatus,
)

CALL_BACK = InboxKind.CALLBACK
# Lower comes first, as in the bot's /inbox.
URGENCY = {
    InboxKind.ESCALATION: 0,
    InboxKind.ZORGVRAAG: 1,
    InboxKind.NO_GROUP: 1,
    InboxKind.CALLBACK: 2,
    InboxKind.VOICE: 3,
    InboxKind.PHOTO: 3,
    InboxKind.VIDEO: 3,
    InboxKind.AUDIO: 3,
    InboxKind.DOCUMENT: 3,
    InboxKind.FEEDBACK: 4,
}
KINDS = tuple(InboxKind)
# Voice messages, photos and other media stay in Telegram: the item keeps Telegram's file id, the desk fetches it.
MEDIA_KINDS = (InboxKind.VOICE, InboxKind.PHOTO, InboxKind.VIDEO, InboxKind.AUDIO, InboxKind.DOCUMENT)
LIST_LIMIT = 100
NOTE_LIMIT = 1000


class CallResult(StrEnum):
    REACHED = "reached"
    NOT_REACHED = "not_reached"


class DeskInboxOutcome(StrEnum):
    DONE = "done"
    NOT_ALLOWED = "not_allowed"
    CLOSED = "closed"
    EMPTY = "empty"


@dataclass(frozen=True)
class InboxCard:
    """One open item with what the desk shows of it."""

    item_id: int
    kind: str
    municipality_name: str
    created_at: datetime
    resident_name: str
    phone: str
    phone_only: bool
    call_part: str
    call_day: str
    words: str
    notice: str
    note: str
    has_media: bool
    media_type: str  # the stored file's MIME type; empty when only Telegram has it (items from before the desk)
    request_id: int | None
    category_slug: str
    place_name: str
    request_status: str
    helper_name: str
    claimed_at: datetime | None


def item_in_scope(session: Session, *, reader: DeskIdentity, item_id: int) -> InboxItem | None:
    """The item if the reader may see it: their municipality, and only call-backs for desk volunteers."""
    item = session.get(InboxItem, item_id)
    if item is None or not reader.covers(item.municipality_slug):
        return None
    if not reader.may(DeskPermission.INBOX) and not (reader.may(DeskPermission.CALL_BACKS) and item.kind == CALL_BACK):
        return None
    return item


@dataclass(frozen=True)
class MediaFile:
    """Telegram's file behind an inbox item: its id (to fetch it) and its type (to play or show it)."""

    file_id: str
    mime_type: str


def inbox_media(session: Session, *, reader: DeskIdentity, item_id: int) -> MediaFile | None:
    """The voice message, photo or file of an item the reader may see, or None."""
    item = item_in_scope(session, reader=reader, item_id=item_id)
    details = (item.details or {}) if item else {}
    if item is None or item.kind not in MEDIA_KINDS or not details.get("file_id"):
        return None
    return MediaFile(file_id=str(details["file_id"]), mime_type=str(details.get("mime_type") or ""))


def open_cards(
    session: Session, *, reader: DeskIdentity, municipality_slug: str | None = None, kind: str | None = None
) -> list[InboxCard]:
    """Open items the reader may see, most urgent first, then oldest first; optionally one municipality or kind."""
    query = select(InboxItem).where(InboxItem.status == InboxStatus.OPEN)
    if not reader.all_municipalities:
        query = query.where(InboxItem.municipality_slug == reader.municipality_slug)
    elif municipality_slug:
        query = query.where(InboxItem.municipality_slug == municipality_slug)
    if not reader.may(DeskPermission.INBOX):
        query = query.where(InboxItem.kind == CALL_BACK)
    elif kind in KINDS:
        query = query.where(InboxItem.kind == kind)
    urgency = case(URGENCY, value=InboxItem.kind, else_=len(URGENCY))
    items = session.exec(query.order_by(urgency, InboxItem.created_at, InboxItem.id).limit(LIST_LIMIT))
    return [_card(session, item) for item in items]


def _card(session: Session, item: InboxItem) -> InboxCard:
    details = item.details or {}
    resident = session.get(User, item.user_id) if item.user_id else None
    request = session.get(HelpRequest, item.request_id) if item.request_id else None
    place = session.get(Neighbourhood, request.neighbourhood_slug) if request else None
    helper = session.get(User, request.claimed_by) if request and request.claimed_by else None
    municipality = session.get(Municipality, item.municipality_slug) if item.municipality_slug else None
    words = next(
        (str(details[key]) for key in ("reason", "text", "caption", "comment", "transcript") if details.get(key)), ""
    )
    return InboxCard(
        item_id=item.id,
        kind=item.kind,
        municipality_name=municipality.name if municipality else "",
        created_at=item.created_at,
        resident_name=(resident.first_name if resident else "") or "",
        phone=(resident.phone if resident else "") or "",
        phone_only=bool(resident and is_phone_only_id(resident.id)),
        call_part=str(details.get("part") or ""),
        call_day=str(details.get("day") or ""),
        words=words or (request.details if request else ""),
        notice=str(details.get("notice") or ""),
        note=item.note,
        has_media=item.kind in MEDIA_KINDS,
        media_type=str(details.get("mime_type") or "") if item.kind in MEDIA_KINDS and details.get("file_id") else "",
        request_id=request.id if request else None,
        category_slug=request.category_slug if request else "",
        place_name=place.name if place else "",
        request_status=request.status if request else "",
        helper_name=(helper.first_name or str(helper.id)) if helper else "",
        claimed_at=request.claimed_at if request else None,
    )


@dataclass(frozen=True)
class VolunteerChoice:
    """A volunteer who may take an item's request, with their places."""

    user_id: int
    name: str
    places: str


CHOICES_SHOWN = 25


def volunteer_choices(
    session: Session, *, reader: DeskIdentity, item_id: int, search: str = ""
) -> list[VolunteerChoice] | None:
    """Volunteers who may take the item's request, found by name or place (all of them, not the bot's first ten);
    None when the item is not the reader's."""
    item = item_in_scope(session, reader=reader, item_id=item_id)
    request = session.get(HelpRequest, item.request_id) if item and item.request_id else None
    if item is None or not reader.may(DeskPermission.INBOX):
        return None
    if request is None:
        return []
    place = session.get(Neighbourhood, request.neighbourhood_slug)
    rows = session.exec(
        select(User.id, User.first_name, Neighbourhood.name)
        .join(Volunteer, Volunteer.user_id == User.id)
        .join(VolunteerArea, VolunteerArea.volunteer_id == User.id)
        .join(Neighbourhood, Neighbourhood.slug == VolunteerArea.neighbourhood_slug)
        .where(Volunteer.status == VolunteerStatus.APPROVED, Neighbourhood.municipality_slug == place.municipality_slug)
        .order_by(User.first_name, User.id, Neighbourhood.name)
    )
    places: dict[tuple[int, str], list[str]] = {}
    for user_id, first_name, place_name in rows:
        places.setdefault((user_id, first_name or str(user_id)), []).append(place_name)
    wanted = search.strip().lower()
    choices = [
        VolunteerChoice(user_id=user_id, name=name, places=", ".join(names))
        for (user_id, name), names in places.items()
        if (not wanted or wanted in name.lower() or any(wanted in n.lower() for n in names))
        and volunteers_in(session, user_id, request.neighbourhood_slug)
    ]
    return choices[:CHOICES_SHOWN]


def category_names(session: Session, locale: str) -> dict[str, str]:
    """Each category's emoji and name in `locale`, for labels."""
    return {
        category.slug: f"{category.emoji} {category.names.get(locale) or category.names.get('nl') or category.slug}"
        for category in session.exec(select(Category).order_by(Category.position))
    }


def _stamped(note: str, text: str, stamp: str) -> str:
    return "\n".join(part for part in (note, f"[{stamp}] {text.strip()[:NOTE_LIMIT]}") if part)


def note_call_back(
    session: Session, *, worker: DeskIdentity, item_id: int, text: str, stamp: str, now: datetime
) -> DeskInboxOutcome:
    """Add a note to an item the worker may see (with a time stamp)."""
    item = item_in_scope(session, reader=worker, item_id=item_id)
    if item is None:
        return DeskInboxOutcome.NOT_ALLOWED
    if not text.strip():
        return DeskInboxOutcome.EMPTY
    item.note = _stamped(item.note, text, stamp)
    session.add(item)
    record_action(
        session, user_id=worker.user_id, action="inbox.note", now=now,
        municipality_slug=item.municipality_slug, target_kind="inbox", target_id=item.id,
    )  # fmt: skip
    return DeskInboxOutcome.DONE


def called(
    session: Session,
    *,
    worker: DeskIdentity,
    item_id: int,
    result: CallResult,
    text: str,
    stamp: str,
    now: datetime,
) -> DeskInboxOutcome:
    """'Gebeld': reached closes the call-back with what was said; not reached keeps it open with a note."""
    item = item_in_scope(session, reader=worker, item_id=item_id)
    if item is None:
        return DeskInboxOutcome.NOT_ALLOWED
    if item.status != InboxStatus.OPEN:
        return DeskInboxOutcome.CLOSED
    item.note = _stamped(item.note, text or "", stamp) if text.strip() else item.note
    item.details = {
        **(item.details or {}),
        "called": result.value,
        "calls": int((item.details or {}).get("calls", 0)) + 1,
    }
    session.add(item)
    session.flush()
    if result is CallResult.REACHED:
        closed = session.exec(
            update(InboxItem)
            .where(InboxItem.id == item_id, InboxItem.status == InboxStatus.OPEN)
            .values(status=InboxStatus.CLOSED, closed_at=now)
        )
        if closed.rowcount != 1:
            return DeskInboxOutcome.CLOSED
    record_action(
        session, user_id=worker.user_id, action=f"inbox.called.{result.value}", now=now,
        municipality_slug=item.municipality_slug, target_kind="inbox", target_id=item.id,
    )  # fmt: skip
    return DeskInboxOutcome.DONE
