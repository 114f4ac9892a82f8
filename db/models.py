"""The tables. Telegram ids are 64-bit; times are aware UTC datetimes."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


class RequestStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    DONE = "done"
    CANCELLED = "cancelled"
    ESCALATED = "escalated"
    REFERRED = "referred"


class VolunteerStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAUSED = "paused"
    STOPPED = "stopped"


class InboxStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    REFERRED = "referred"


class InboxKind(StrEnum):
    DANGER = "danger"
    ESCALATION = "escalation"
    ZORGVRAAG = "zorgvraag"
    NO_GROUP = "no_group"
    CALLBACK = "callback"
    VOICE = "voice"
    PHOTO = "photo"
    VIDEO = "video"
    AUDIO = "audio"
    DOCUMENT = "document"
    FEEDBACK = "feedback"


class TimerKind(StrEnum):
    BUMP = "bump"
    ESCALATE = "escalate"
    REMINDER = "reminder"
    OFFER = "offer"
    RETENTION = "retention"
    ACTIVITY_REMINDER = "activity_reminder"
    BROADCAST_PROGRESS = "broadcast_progress"
    SURVEY_START = "survey_start"
    SURVEY_REMINDER = "survey_reminder"


class ActivityStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class RsvpStatus(StrEnum):
    GOING = "going"
    WAITING = "waiting"
    NOT_COMING = "cancelled"


class SurveyStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class QuestionKind(StrEnum):
    POLL = "poll"  # multiple choice, sent as a native anonymous Telegram poll
    SCALE = "scale"  # a mark from 1 to 5, with buttons
    OPEN = "open"  # typed text


class InviteState(StrEnum):
    INVITED = "invited"
    ANSWERING = "answering"
    DONE = "done"
    STOPPED = "stopped"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Municipality(SQLModel, table=True):
    slug: str = Field(primary_key=True)
    name: str


class Neighbourhood(SQLModel, table=True):
    """A kern, wijk or buurt; `parent_slug` points from a buurt to its kern or wijk."""

    slug: str = Field(primary_key=True)
    name: str
    kind: str
    municipality_slug: str = Field(foreign_key="municipality.slug", index=True)
    parent_slug: str | None = Field(default=None, foreign_key="neighbourhood.slug")
    latitude: float | None = None
    longitude: float | None = None


class Category(SQLModel, table=True):
    slug: str = Field(primary_key=True)
    emoji: str
    names: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    for_volunteers: bool = True
    position: int = 0


# Residents without Telegram (taken by phone or at the desk) get ids below this one: a Telegram user or chat id is
# never below -2**53 (user ids are positive, group ids lie above -10**13), so such a resident can never be mistaken
# for a chat, and `HelpRequest.resident_id` works the same for both.
PHONE_ONLY_ID_CEILING = -(2**53)


class User(SQLModel, table=True):
    """Anyone who wrote to the bot (resident, volunteer or coordinator), or a resident taken at the desk."""

    id: int = Field(sa_type=BigInteger, primary_key=True)
    first_name: str = ""
    username: str | None = None
    phone: str | None = None
    chosen_locale: str | None = None
    telegram_locale: str | None = None
    neighbourhood_slug: str | None = Field(default=None, foreign_key="neighbourhood.slug")
    activity_news: bool = False
    has_private_chat: bool = False
    reachable: bool = True
    created_at: datetime
    forgotten_at: datetime | None = None
    # A resident without Telegram: reached by phone only, notices become call-backs on the desk.
    phone_only: bool = False
    # When a phone-only resident likes to be called: "morning", "afternoon" or "any".
    call_part: str | None = None


class Coordinator(SQLModel, table=True):
    """A coordinator of one municipality, or of all when `municipality_slug` is empty."""

    user_id: int = Field(sa_type=BigInteger, primary_key=True)
    municipality_slug: str | None = Field(default=None, foreign_key="municipality.slug")
    added_at: datetime


class Volunteer(SQLModel, table=True):
    user_id: int = Field(sa_type=BigInteger, primary_key=True)
    status: str = VolunteerStatus.PENDING
    categories: list[str] = Field(default_factory=list, sa_type=JSON)
    availability: list[str] = Field(default_factory=list, sa_type=JSON)
    reintegration: bool = False
    helper_code: str | None = None  # the code a coordinator gave a re-integration helper (for UWV / Kompas)
    consent_at: datetime | None = None
    decided_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime
    decided_at: datetime | None = None


class VolunteerArea(SQLModel, table=True):
    volunteer_id: int = Field(sa_type=BigInteger, primary_key=True, foreign_key="volunteer.user_id")
    neighbourhood_slug: str = Field(primary_key=True, foreign_key="neighbourhood.slug")


class GroupLink(SQLModel, table=True):
    """A Telegram group that serves a neighbourhood (and the buurten below it)."""

    __table_args__ = (UniqueConstraint("chat_id", "neighbourhood_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger, index=True)
    neighbourhood_slug: str = Field(foreign_key="neighbourhood.slug", index=True)
    title: str = ""
    linked_by: int = Field(sa_type=BigInteger)
    linked_at: datetime


class HelpRequest(SQLModel, table=True):
    __table_args__ = (
        Index("ix_helprequest_status_created", "status", "created_at"),
        Index("ix_helprequest_created_category", "created_at", "category_slug"),
        # Monitoring and export for one municipality: its neighbourhoods within a period.
        Index("ix_helprequest_place_created", "neighbourhood_slug", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int | None = Field(default=None, sa_type=BigInteger, foreign_key="user.id", index=True)
    category_slug: str = Field(foreign_key="category.slug")
    neighbourhood_slug: str = Field(foreign_key="neighbourhood.slug")
    when_kind: str = "any"
    when_date: date | None = None
    details: str = ""
    status: str = Field(default=RequestStatus.OPEN)
    claimed_by: int | None = Field(default=None, sa_type=BigInteger)
    card_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    card_message_id: int | None = None
    created_at: datetime
    claimed_at: datetime | None = None
    done_at: datetime | None = None
    closed_at: datetime | None = None
    escalated_at: datetime | None = None
    anonymised_at: datetime | None = None
    # The lifecycle after a claim: time the volunteer spent, and the resident's 👍/👎 ("up"/"down").
    minutes_spent: int | None = None
    # A woonservice project's request is paid with dienstencheques: per hour (set when it is made), and used.
    cheques_per_hour: int | None = None
    cheques: int | None = None
    feedback: str | None = None
    feedback_at: datetime | None = None
    # Recurring help: the first request of the series, and the helper it is offered to first.
    repeat_weekly: bool = False
    series_id: int | None = None
    preferred_volunteer_id: int | None = Field(default=None, sa_type=BigInteger)
    # Asked on behalf of someone else (a family member, a neighbour), with that person's consent.
    on_behalf_name: str | None = None
    on_behalf_consent: bool = False


class InboxItem(SQLModel, table=True):
    """Something a coordinator must handle: a call-back, a zorgvraag, a voice message, a complaint."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    municipality_slug: str | None = Field(default=None, index=True)
    user_id: int | None = Field(default=None, sa_type=BigInteger)
    request_id: int | None = Field(default=None, foreign_key="helprequest.id")
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: str = InboxStatus.OPEN
    note: str = ""
    created_at: datetime
    closed_at: datetime | None = None


class Outbox(SQLModel, table=True):
    """A Bot API call to make later, written in the transaction that caused it."""

    __table_args__ = (
        Index("ix_outbox_due", "status", "not_before"),
        # The sender looks up each chat's earlier pending rows, to keep a chat's messages in order.
        Index("ix_outbox_chat_pending", "chat_id", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger, index=True)
    method: str
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: str = Field(default=OutboxStatus.PENDING)
    not_before: datetime
    attempts: int = 0
    last_error: str | None = None
    created_at: datetime
    sent_at: datetime | None = None
    # What the sent message is, so its id can be kept (e.g. "card" for a request's group card); a user id for
    # "volunteer", so 64 bits.
    ref_kind: str | None = None
    ref_id: int | None = Field(default=None, sa_type=BigInteger)
    # A broadcast groups its rows, so progress can be shown.
    batch_id: int | None = Field(default=None, index=True)
    # A sender leases rows it is delivering, so two processes never send the same row.
    locked_until: datetime | None = None


class Timer(SQLModel, table=True):
    """Something to do at a moment; fired exactly once."""

    __table_args__ = (
        UniqueConstraint("kind", "ref_id", "due_at"),
        Index("ix_timer_due", "fired_at", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    ref_id: int
    due_at: datetime
    fired_at: datetime | None = None


class ProcessedUpdate(SQLModel, table=True):
    """Update ids already handled, so a redelivered update changes nothing twice."""

    update_id: int = Field(sa_type=BigInteger, primary_key=True)
    processed_at: datetime


class Activity(SQLModel, table=True):
    """A neighbourhood activity (Samen eten, a buurtmiddag); `neighbourhoods` empty = the whole municipality."""

    id: int | None = Field(default=None, primary_key=True)
    municipality_slug: str = Field(foreign_key="municipality.slug", index=True)
    neighbourhoods: list[str] = Field(default_factory=list, sa_type=JSON)
    title: str = ""
    description: str = ""
    starts_at: datetime | None = None
    place: str = ""
    capacity: int = 0  # 0: no limit
    seats_taken: int = 0
    cost_cents: int | None = None
    status: str = ActivityStatus.DRAFT
    created_by: int = Field(sa_type=BigInteger)
    created_at: datetime
    published_at: datetime | None = None
    cancelled_at: datetime | None = None


class ActivityRsvp(SQLModel, table=True):
    """One person's answer to an activity: coming with `people`, on the waiting list, or not coming."""

    __table_args__ = (UniqueConstraint("activity_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    user_id: int = Field(sa_type=BigInteger)
    people: int = 1
    status: str = RsvpStatus.GOING
    created_at: datetime
    updated_at: datetime


class Broadcast(SQLModel, table=True):
    """A send to many chats; its outbox rows carry its id as `batch_id`, its progress shows in one message."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    ref_id: int | None = None
    chat_id: int | None = Field(default=None, sa_type=BigInteger)
    message_id: int | None = None
    total: int = 0
    shown: int = -1
    # What the progress message shows above the count, and its buttons once the send is done.
    text: str = ""
    final_markup: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_at: datetime
    finished_at: datetime | None = None


class MessageWindow(SQLModel, table=True):
    """How many messages a user sent in the current minute (anti-spam); one row per user, shared by all processes."""

    user_id: int = Field(sa_type=BigInteger, primary_key=True)
    window_start: datetime
    count: int = 0


class GroupIntroduction(SQLModel, table=True):
    """A group where the bot already introduced itself, so it says hello only once."""

    chat_id: int = Field(sa_type=BigInteger, primary_key=True)
    said_at: datetime


class GroupRefusal(SQLModel, table=True):
    """When the bot last told someone in a group that only a coordinator may link it, so it says so once a while."""

    chat_id: int = Field(sa_type=BigInteger, primary_key=True)
    user_id: int = Field(sa_type=BigInteger, primary_key=True)
    said_at: datetime


class BotMembership(SQLModel, table=True):
    """What the bot may do in a group, as Telegram last told it (the update about the bot's own membership)."""

    chat_id: int = Field(sa_type=BigInteger, primary_key=True)
    can_invite: bool = False
    updated_at: datetime


class ConversationState(SQLModel, table=True):
    """Where a user is in a conversation (PTB's ConversationHandler), so a restart does not lose it."""

    name: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    state: str


class UserState(SQLModel, table=True):
    """A user's unfinished answers (a draft request, a sign-up), kept across restarts."""

    user_id: int = Field(sa_type=BigInteger, primary_key=True)
    data: bytes = Field(sa_type=LargeBinary)


class Conversation(SQLModel, table=True):
    """Where a user is in their conversation with the bot: read and written in the transaction of each update."""

    user_id: int = Field(sa_type=BigInteger, primary_key=True)
    state: str = ""
    draft: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    # "Dat begrijp ik niet" said in a row.
    misunderstood: int = 0
    # Anti-spam: private messages in the current minute.
    window_start: datetime | None = None
    window_count: int = 0
    updated_at: datetime | None = None
    # The last button pressed (message id and data): the same press again is a double tap.
    last_press: str = ""
    # Written once more with every change; a write that expects an older version lost a race to another process.
    version: int = 0


class DeskVolunteer(SQLModel, table=True):
    """A baliemedewerker: takes requests by phone or at a wijksteunpunt's desk, works the call-back list."""

    user_id: int = Field(sa_type=BigInteger, primary_key=True)
    municipality_slug: str = Field(foreign_key="municipality.slug", index=True)
    # The steunpunt (a slug from steunpunten.toml) where they work, if one; the scope is the municipality.
    steunpunt_slug: str | None = None
    added_by: int | None = Field(default=None, sa_type=BigInteger)
    added_at: datetime


class DeskLoginToken(SQLModel, table=True):
    """A one-time login link for the desk; only a hash of its secret is kept."""

    token_hash: str = Field(primary_key=True)
    user_id: int = Field(sa_type=BigInteger, index=True)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


class DeskSession(SQLModel, table=True):
    """A logged-in browser; the cookie holds a secret whose hash is the key."""

    id_hash: str = Field(primary_key=True)
    user_id: int = Field(sa_type=BigInteger, index=True)
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None = None


class DeskAudit(SQLModel, table=True):
    """Who did what on the desk, and when; ids only, never names, phone numbers or texts."""

    __table_args__ = (Index("ix_deskaudit_municipality_created", "municipality_slug", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_type=BigInteger)
    action: str
    target_kind: str | None = None
    target_id: int | None = Field(default=None, sa_type=BigInteger)
    municipality_slug: str | None = None
    created_at: datetime


class StoredSecret(SQLModel, table=True):
    """A secret generated once and shared by every process (e.g. the desk's signing key)."""

    name: str = Field(primary_key=True)
    value: str
    created_at: datetime


class Organiser(SQLModel, table=True):
    """A resident who organises a werkgroep's activities for one kern (Ubachsberg, Bingelrade's Samen eten)."""

    user_id: int = Field(sa_type=BigInteger, primary_key=True)
    neighbourhood_slug: str = Field(foreign_key="neighbourhood.slug")
    municipality_slug: str = Field(foreign_key="municipality.slug", index=True)
    werkgroep: str = ""
    added_by: int = Field(sa_type=BigInteger)
    added_at: datetime


class Survey(SQLModel, table=True):
    """A leefbaarheid survey for one or more kernen of a municipality, open from `starts_on` to `ends_on`."""

    id: int | None = Field(default=None, primary_key=True)
    municipality_slug: str = Field(foreign_key="municipality.slug", index=True)
    neighbourhoods: list[str] = Field(default_factory=list, sa_type=JSON)
    title: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    status: str = SurveyStatus.DRAFT
    created_by: int = Field(sa_type=BigInteger)
    created_at: datetime
    published_at: datetime | None = None


class SurveyQuestion(SQLModel, table=True):
    """One question of a survey, at `position` (0 first)."""

    __table_args__ = (UniqueConstraint("survey_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    position: int
    kind: str
    text: str
    options: list[str] = Field(default_factory=list, sa_type=JSON)


class SurveyInvite(SQLModel, table=True):
    """A resident asked to take part, their kern and how far they are; their answers are kept apart, without them."""

    __table_args__ = (UniqueConstraint("survey_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    user_id: int = Field(sa_type=BigInteger, index=True)
    neighbourhood_slug: str
    position: int = 0
    state: str = InviteState.INVITED
    # The question whose poll this resident was sent (-1: none yet): a poll is sent once, so its votes count once.
    poll_sent: int = -1
    updated_at: datetime


class SurveyAnswer(SQLModel, table=True):
    """One answer to a scale or open question, for a kern; never linked to the person who gave it."""

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="surveyquestion.id", index=True)
    neighbourhood_slug: str
    value: int | None = None
    text: str | None = None


class SurveyPoll(SQLModel, table=True):
    """One native poll sent for a question in a kern; Telegram's `poll` updates keep its totals here."""

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="surveyquestion.id", index=True)
    neighbourhood_slug: str
    poll_id: str | None = Field(default=None, unique=True)
    counts: list[int] = Field(default_factory=list, sa_type=JSON)
