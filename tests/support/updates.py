"""Factories for incoming ``telegram.Update`` objects, as Telegram would deliver them.

Every factory builds the Bot API JSON and returns ``Update.de_json(data, bot)``. ``bot`` may be
left out; ``BotHarness`` re-binds updates to its application's bot before processing them, so
shortcuts like ``update.message.reply_text`` work there. Update ids, incoming message ids and
callback query ids come from module-level counters and increase automatically.

Incoming message ids start at 1_000_000 so they never collide with the ids ``FakeBotAPI`` hands
out to the bot's own messages (1, 2, 3... per chat).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from typing import Any

from telegram import Bot, Chat, Message, TelegramObject, Update, User

from tests.support.fake_bot_api import ADMINISTRATOR_RIGHTS, BOT_ID, BOT_USERNAME

__all__ = [
    "BOT_USER",
    "build_update",
    "callback",
    "channel_post",
    "chat_join_request",
    "command",
    "contact",
    "edited_message",
    "group_text",
    "location",
    "make_group",
    "make_user",
    "message_dict",
    "my_chat_member",
    "next_update_id",
    "photo",
    "private_chat",
    "private_text",
    "reset_counters",
    "set_clock",
    "sticker",
    "voice",
]

BOT_USER = User(id=BOT_ID, first_name="Samen voor Elkaar (test)", is_bot=True, username=BOT_USERNAME)

_update_ids = itertools.count(1)
_message_ids = itertools.count(1_000_000)
_callback_ids = itertools.count(1)
_file_ids = itertools.count(1)
_clock: Callable[[], float] = time.time


def reset_counters() -> None:
    """Restart update/message/callback/file id counters (e.g. in an autouse fixture)."""
    global _update_ids, _message_ids, _callback_ids, _file_ids
    _update_ids = itertools.count(1)
    _message_ids = itertools.count(1_000_000)
    _callback_ids = itertools.count(1)
    _file_ids = itertools.count(1)


def set_clock(clock: Callable[[], float]) -> None:
    """Use ``clock`` (seconds since the epoch) for the ``date`` of new updates."""
    global _clock
    _clock = clock


def next_update_id() -> int:
    return next(_update_ids)


# ---------------------------------------------------------------------- personas
def make_user(
    id: int,
    first_name: str = "Test",
    language_code: str | None = "nl",
    username: str | None = None,
    is_bot: bool = False,
    *,
    last_name: str | None = None,
) -> User:
    return User(
        id=id,
        first_name=first_name,
        is_bot=is_bot,
        last_name=last_name,
        username=username,
        language_code=language_code,
    )


def make_group(id: int, title: str = "Test group", *, type: str | None = None, username: str | None = None) -> Chat:
    """A group chat; ids like -100xxxxxxxxxx are supergroups, other negative ids basic groups."""
    if type is None:
        type = Chat.SUPERGROUP if id <= -1_000_000_000_000 else Chat.GROUP
    return Chat(id=id, type=type, title=title, username=username)


def private_chat(user: User) -> Chat:
    return Chat(
        id=user.id,
        type=Chat.PRIVATE,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
    )


# ---------------------------------------------------------------------- building blocks
def _dict(obj: TelegramObject | dict[str, Any]) -> dict[str, Any]:
    return obj.to_dict() if isinstance(obj, TelegramObject) else dict(obj)


def _now() -> int:
    return int(_clock())


def message_dict(
    user: User | None,
    chat: Chat | None = None,
    *,
    text: str | None = None,
    message_id: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Bot API Message JSON sent by ``user`` in ``chat`` (default: the user's private chat)."""
    if chat is None:
        assert user is not None, "a message needs a user or a chat"
        chat = private_chat(user)
    data: dict[str, Any] = {
        "message_id": message_id if message_id is not None else next(_message_ids),
        "date": _now(),
        "chat": _dict(chat),
    }
    if user is not None:
        data["from"] = _dict(user)
    if text is not None:
        data["text"] = text
    data.update(extra)
    return data


def build_update(data: dict[str, Any], bot: Bot | None = None, *, update_id: int | None = None) -> Update:
    """``Update.de_json`` of ``data`` (an Update dict without update_id, e.g. {"message": {...}})."""
    data = dict(data)
    data["update_id"] = update_id if update_id is not None else data.get("update_id") or next_update_id()
    return Update.de_json(data, bot)


def _file(kind: str) -> tuple[str, str]:
    n = next(_file_ids)
    return f"IN-{kind.upper()}-{n}", f"INU-{kind}-{n}"


# ---------------------------------------------------------------------- messages
def private_text(user: User, text: str, *, update_id: int | None = None, bot: Bot | None = None) -> Update:
    entities = _command_entities(text)
    extra = {"entities": entities} if entities else {}
    return build_update({"message": message_dict(user, text=text, **extra)}, bot, update_id=update_id)


def group_text(
    user: User,
    chat: Chat,
    text: str,
    *,
    update_id: int | None = None,
    bot: Bot | None = None,
    reply_to: Message | dict[str, Any] | None = None,
) -> Update:
    extra: dict[str, Any] = {}
    entities = _command_entities(text)
    if entities:
        extra["entities"] = entities
    if reply_to is not None:
        extra["reply_to_message"] = _dict(reply_to)
    return build_update({"message": message_dict(user, chat, text=text, **extra)}, bot, update_id=update_id)


def _command_entities(text: str) -> list[dict[str, Any]]:
    if not text.startswith("/"):
        return []
    word = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": len(word.encode("utf-16-le")) // 2}]


def command(
    user: User,
    chat: Chat | None,
    command: str,
    args: Sequence[str] | str | None = None,
    *,
    mention_bot: bool = False,
    bot_username: str = BOT_USERNAME,
    update_id: int | None = None,
    bot: Bot | None = None,
) -> Update:
    """``/command arg1 arg2`` with a bot_command entity. ``chat=None``: the user's private chat.
    ``mention_bot=True`` writes ``/command@bot_username`` (as clients do in groups)."""
    cmd = command if command.startswith("/") else f"/{command}"
    if mention_bot:
        cmd = f"{cmd}@{bot_username}"
    if isinstance(args, str):
        args = args.split()
    text = " ".join([cmd, *(args or [])])
    entity = {"type": "bot_command", "offset": 0, "length": len(cmd.encode("utf-16-le")) // 2}
    msg = message_dict(user, chat, text=text, entities=[entity])
    return build_update({"message": msg}, bot, update_id=update_id)


def contact(
    user: User,
    phone: str,
    *,
    first_name: str | None = None,
    own: bool = True,
    user_id: int | None = None,
    update_id: int | None = None,
    bot: Bot | None = None,
) -> Update:
    """The user shares a contact: by default their own (``user_id`` = user.id, as the
    request_contact keyboard button does); ``own=False`` for someone else's card."""
    card: dict[str, Any] = {"phone_number": phone, "first_name": first_name or user.first_name}
    if user_id is None and own:
        user_id = user.id
    if user_id is not None:
        card["user_id"] = user_id
    return build_update({"message": message_dict(user, contact=card)}, bot, update_id=update_id)


def voice(user: User, *, duration: int = 3, update_id: int | None = None, bot: Bot | None = None) -> Update:
    fid, uid = _file("voice")
    v = {"file_id": fid, "file_unique_id": uid, "duration": duration, "mime_type": "audio/ogg"}
    return build_update({"message": message_dict(user, voice=v)}, bot, update_id=update_id)


def photo(
    user: User,
    *,
    caption: str | None = None,
    chat: Chat | None = None,
    update_id: int | None = None,
    bot: Bot | None = None,
) -> Update:
    fid, uid = _file("photo")
    sizes = [
        {"file_id": f"{fid}-s", "file_unique_id": f"{uid}-s", "width": 90, "height": 90},
        {"file_id": fid, "file_unique_id": uid, "width": 1280, "height": 960},
    ]
    extra: dict[str, Any] = {"photo": sizes}
    if caption is not None:
        extra["caption"] = caption
    return build_update({"message": message_dict(user, chat, **extra)}, bot, update_id=update_id)


def location(user: User, lat: float, lon: float, *, update_id: int | None = None, bot: Bot | None = None) -> Update:
    loc = {"latitude": lat, "longitude": lon}
    return build_update({"message": message_dict(user, location=loc)}, bot, update_id=update_id)


def sticker(user: User, *, emoji: str = "👍", update_id: int | None = None, bot: Bot | None = None) -> Update:
    fid, uid = _file("sticker")
    st = {
        "file_id": fid,
        "file_unique_id": uid,
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
    }
    return build_update({"message": message_dict(user, sticker=st)}, bot, update_id=update_id)


def edited_message(
    user: User,
    text: str,
    *,
    chat: Chat | None = None,
    message_id: int | None = None,
    update_id: int | None = None,
    bot: Bot | None = None,
) -> Update:
    msg = message_dict(user, chat, text=text, message_id=message_id, edit_date=_now())
    return build_update({"edited_message": msg}, bot, update_id=update_id)


def channel_post(chat: Chat, text: str, *, update_id: int | None = None, bot: Bot | None = None) -> Update:
    """A post in a channel (no ``from``; ``sender_chat`` is the channel)."""
    if chat.type != Chat.CHANNEL:
        chat = Chat(id=chat.id, type=Chat.CHANNEL, title=chat.title, username=chat.username)
    msg = message_dict(None, chat, text=text, sender_chat=_dict(chat))
    return build_update({"channel_post": msg}, bot, update_id=update_id)


# ---------------------------------------------------------------------- other update types
def callback(
    user: User,
    message: Message | dict[str, Any] | None,
    data: str,
    *,
    chat_instance: str | None = None,
    update_id: int | None = None,
    bot: Bot | None = None,
) -> Update:
    """The user pressed an inline button with ``data`` on ``message`` (the Message the keyboard
    was on, e.g. ``fake.message(chat_id, message_id)`` or a recorded call's ``result``)."""
    query: dict[str, Any] = {"id": f"cbq-{next(_callback_ids)}", "from": _dict(user), "data": data}
    if message is not None:
        msg = _dict(message)
        query["message"] = msg
        query["chat_instance"] = chat_instance or f"ci{msg['chat']['id']}"
    else:
        query["chat_instance"] = chat_instance or f"ci{user.id}"
    return build_update({"callback_query": query}, bot, update_id=update_id)


def poll(poll_message: dict[str, Any], counts: list[int], *, update_id: int | None = None) -> Update:
    """Telegram's new state of the poll in ``poll_message`` (a sent message): these totals per option."""
    state = dict(poll_message["poll"])
    state["options"] = [{**option, "voter_count": n} for option, n in zip(state["options"], counts, strict=True)]
    state["total_voter_count"] = sum(counts)
    return build_update({"poll": state}, update_id=update_id)


def _member(user: User | dict[str, Any], status: str) -> dict[str, Any]:
    data: dict[str, Any] = {"status": status, "user": _dict(user)}
    if status == "administrator":
        data.update(ADMINISTRATOR_RIGHTS)
    elif status == "kicked":
        data["until_date"] = 0
    elif status == "creator":
        data["is_anonymous"] = False
    return data


def my_chat_member(
    user: User,
    chat: Chat,
    *,
    old_status: str = "left",
    new_status: str = "member",
    bot_user: User = BOT_USER,
    update_id: int | None = None,
    bot: Bot | None = None,
) -> Update:
    """The bot's membership in ``chat`` changed because of ``user``; default: added to a group.
    (Removed: ``old_status="member", new_status="left"``; promoted: ``new_status="administrator"``.)"""
    change = {
        "chat": _dict(chat),
        "from": _dict(user),
        "date": _now(),
        "old_chat_member": _member(bot_user, old_status),
        "new_chat_member": _member(bot_user, new_status),
    }
    return build_update({"my_chat_member": change}, bot, update_id=update_id)


def chat_join_request(
    user: User,
    chat: Chat,
    *,
    invite_link: dict[str, Any] | None = None,
    bio: str | None = None,
    update_id: int | None = None,
    bot: Bot | None = None,
) -> Update:
    """``user`` asks to join ``chat`` (e.g. via a creates_join_request invite link)."""
    request: dict[str, Any] = {
        "chat": _dict(chat),
        "from": _dict(user),
        "user_chat_id": user.id,
        "date": _now(),
    }
    if invite_link is not None:
        request["invite_link"] = invite_link
    if bio is not None:
        request["bio"] = bio
    return build_update({"chat_join_request": request}, bot, update_id=update_id)
