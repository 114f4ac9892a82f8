"""A fake Telegram Bot API server, plugged in at PTB's request layer.

``FakeBotAPI`` is a :class:`telegram.request.BaseRequest`. Hand it to a ``telegram.Bot`` /
``ExtBot`` / ``ApplicationBuilder`` (``.request(fake).get_updates_request(fake)``) and every Bot
API call is answered locally, as the real server would answer it, and recorded. Nothing touches
the network and nothing sleeps.

Errors are returned as real Bot API error JSON with the real HTTP status, so PTB raises its real
exceptions (``BadRequest``, ``Forbidden``, ``RetryAfter``, ``ChatMigrated``, ``NetworkError``);
``TimedOut`` and ``NetworkError`` faults are raised from :meth:`FakeBotAPI.do_request` the way
PTB's ``HTTPXRequest`` raises them.

Recording:

* ``calls``: successful calls, in order (what the "server" accepted);
* ``failed_calls``: calls that were answered with an error (or raised a timeout/network error);
* ``all_calls``: both, in chronological order.

A message send that was *delivered* but whose response was lost (``fail(..., "timeout",
deliver=True)``) is in ``calls`` (it was delivered) with ``error`` set.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import math
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from telegram import TelegramObject
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "MESSAGE_SEND_METHODS",
    "ApiCall",
    "FakeBotAPI",
    "UnknownMethodError",
]

BOT_ID = 999
BOT_USERNAME = "samenbot_test_bot"

#: Methods whose results are counted as "sent messages" by :meth:`FakeBotAPI.sent_messages`.
MESSAGE_SEND_METHODS: tuple[str, ...] = ("sendMessage", "sendPhoto", "sendDocument")

#: Methods that create a message in a chat (subject to flood limits and to blocked users).
_MESSAGE_CREATING = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVoice",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "copyMessage",
        "forwardMessage",
    }
)

# Parameters that hold JSON structures; decoded if they arrive as JSON strings.
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "media",
        "menu_button",
        "permissions",
    }
)

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_BLOCKED = "Forbidden: bot was blocked by the user"
_NEVER_STARTED = "Forbidden: bot can't initiate conversation with a user"

_FAULT_KINDS = frozenset({"retry_after", "server_error", "timeout", "network", "forbidden", "migrated", "bad_request"})


ADMINISTRATOR_RIGHTS: dict[str, bool] = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}
"""What a group administrator (the bot, by default) may do, as getChatMember answers it."""


class UnknownMethodError(TelegramError):
    """Raised (only with ``strict=True``) for a Bot API method the fake does not implement."""


class _ApiError(Exception):
    """Internal: a Bot API error answer (HTTP status + description + optional parameters)."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> bytes:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return json.dumps(body).encode()


@dataclass
class ApiCall:
    """One Bot API call as the fake server saw it."""

    method: str
    params: dict[str, Any]
    result: Any = None
    error: str | None = None
    status: int = 200
    note: str | None = None
    files: dict[str, str] = field(default_factory=dict)

    @property
    def chat_id(self) -> int | str | None:
        return _chat_key(self.params.get("chat_id"))

    @property
    def text(self) -> str | None:
        """``text`` or ``caption`` of the call (what the user would read)."""
        return self.params.get("text", self.params.get("caption"))

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        return self.params.get("reply_markup")

    @property
    def buttons(self) -> list[str]:
        """Texts of all buttons (inline or reply keyboard) of this call's reply_markup."""
        return _button_texts(self.reply_markup)

    @property
    def callback_data(self) -> list[str]:
        """callback_data of all inline buttons of this call's reply_markup."""
        markup = self.reply_markup or {}
        return [
            btn["callback_data"] for row in markup.get("inline_keyboard", []) for btn in row if "callback_data" in btn
        ]


@dataclass
class _Fault:
    method: str
    kind: str
    remaining: int
    chat_id: int | str | None
    retry_after: int
    description: str | None
    deliver: bool

    def matches(self, method: str, chat: int | str | None) -> bool:
        if self.remaining <= 0:
            return False
        if self.method not in ("*", method):
            return False
        return self.chat_id is None or self.chat_id == chat


def _chat_key(value: Any) -> int | str | None:
    """Normalise a chat_id parameter: ints (also numeric strings) to int, '@name' stays str."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        return str(value)


def _button_texts(markup: dict[str, Any] | None) -> list[str]:
    if not markup:
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    texts: list[str] = []
    for row in rows:
        for btn in row:
            texts.append(btn if isinstance(btn, str) else btn.get("text", ""))
    return texts


def _inline_only(markup: Any) -> dict[str, Any] | None:
    """The part of a reply_markup that Telegram echoes in a Message (inline keyboards only)."""
    if isinstance(markup, dict) and markup.get("inline_keyboard"):
        return markup
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, TelegramObject):
        return value.to_dict()
    return json.loads(json.dumps(value, default=str))


class FakeBotAPI(BaseRequest):
    """Answers Bot API requests like Telegram would, records every call, injects faults.

    Args:
        strict: raise :class:`UnknownMethodError` for methods the fake does not know (default:
            record them and answer ``true``, with a note on the call).
        clock: seconds since the epoch used for message ``date`` fields (default ``time.time``).
        bot_id / bot_username / bot_first_name: identity returned by ``getMe``.
    """

    def __init__(
        self,
        *,
        strict: bool = False,
        clock: Callable[[], float] | None = None,
        bot_id: int = BOT_ID,
        bot_username: str = BOT_USERNAME,
        bot_first_name: str = "Samen voor Elkaar (test)",
    ) -> None:
        self.strict = strict
        self._clock = clock or time.time
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.initialized = False
        self.calls: list[ApiCall] = []
        self.failed_calls: list[ApiCall] = []
        self.all_calls: list[ApiCall] = []
        self._messages: dict[tuple[int | str, int], dict[str, Any]] = {}
        # The same messages by chat, so that looking up one chat does not scan them all.
        self._chat_messages: defaultdict[int | str, dict[int, dict[str, Any]]] = defaultdict(dict)
        self._parse_modes: dict[tuple[int | str, int], str | None] = {}
        self._markups: dict[tuple[int | str, int], dict[str, Any] | None] = {}
        self._message_ids: defaultdict[int | str, int] = defaultdict(int)
        self._users: dict[int, dict[str, Any]] = {}
        self._chats: dict[int | str, dict[str, Any]] = {}
        self._chat_members: dict[tuple[int | str, int], dict[str, Any]] = {}
        self._blocked: set[int] = set()
        self._never_started: set[int] = set()
        self._migrated: dict[int | str, int] = {}
        self._faults: list[_Fault] = []
        self._updates: list[dict[str, Any]] = []
        self._update_counter = itertools.count(1)
        self._file_counter = itertools.count(1)
        self._link_counter = itertools.count(1)
        self._commands: dict[str, list[dict[str, Any]]] = {}
        self.invite_links: list[dict[str, Any]] = []
        self._limits: dict[str, int] | None = None
        self._limit_clock: Callable[[], float] | None = None
        self._limit_windows: defaultdict[tuple[Any, ...], deque[float]] = defaultdict(deque)

    # ------------------------------------------------------------------ BaseRequest API
    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        self.initialized = True

    async def shutdown(self) -> None:
        self.initialized = False

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if method == "GET":  # Bot.get_file(...).download_*: file contents
            return 200, b"fake file content"
        endpoint = url.rstrip("/").rsplit("/", 1)[-1]
        params, files = self._decode(request_data)
        call = ApiCall(endpoint, params, files=files)
        self.all_calls.append(call)
        try:
            deliver_then_raise = self._check_faults(call)
            result = self._dispatch(call)
        except _ApiError as exc:
            call.status, call.error = exc.status, exc.description
            self.failed_calls.append(call)
            return exc.status, exc.payload()
        except TelegramError as exc:  # injected before anything was delivered
            call.status, call.error = 0, f"{type(exc).__name__}: {exc.message}"
            self.failed_calls.append(call)
            raise
        call.result = copy.deepcopy(result)
        self.calls.append(call)
        if endpoint == "getUpdates" and not result:
            await asyncio.sleep(0)  # an idle poller must not starve the event loop
        if deliver_then_raise is not None:
            call.error = f"{type(deliver_then_raise).__name__}: {deliver_then_raise.message}"
            call.note = "delivered, but the response was lost"
            raise deliver_then_raise
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # ------------------------------------------------------------------ recording helpers
    def calls_to(self, method: str) -> list[ApiCall]:
        """Successful calls to ``method``."""
        return [c for c in self.calls if c.method == method]

    def sent_messages(
        self, chat_id: int | str | None = None, *, methods: Iterable[str] = MESSAGE_SEND_METHODS
    ) -> list[ApiCall]:
        """Successful sendMessage/sendPhoto/sendDocument calls (optionally to one chat)."""
        wanted = set(methods)
        key = _chat_key(chat_id)
        return [c for c in self.calls if c.method in wanted and (key is None or c.chat_id == key)]

    def last_message(self, chat_id: int | str) -> ApiCall | None:
        """The most recent successful send to ``chat_id`` (None if there is none)."""
        sent = self.sent_messages(chat_id)
        return sent[-1] if sent else None

    def clear(self) -> None:
        """Forget the recorded calls (server state such as stored messages is kept)."""
        self.calls.clear()
        self.failed_calls.clear()
        self.all_calls.clear()

    # ------------------------------------------------------------------ server state
    def message(self, chat_id: int | str, message_id: int) -> dict[str, Any] | None:
        """Current state (after edits) of a message the bot sent, as a Bot API Message dict."""
        return self._messages.get((_chat_key(chat_id), message_id))  # type: ignore[arg-type]

    def messages(self, chat_id: int | str) -> list[dict[str, Any]]:
        """Current state of all (non-deleted) bot messages in a chat, oldest first."""
        found = self._chat_messages.get(_chat_key(chat_id), {}).values()  # type: ignore[arg-type]
        return sorted(found, key=lambda m: m["message_id"])

    def markup(self, chat_id: int | str, message_id: int) -> dict[str, Any] | None:
        """The reply_markup last sent/edited for a message, including reply keyboards (which
        Telegram does not echo in the Message object)."""
        return self._markups.get((_chat_key(chat_id), message_id))  # type: ignore[arg-type]

    def register_user(self, user: Any) -> dict[str, Any]:
        """Make a user known (telegram.User or dict): used for private chats and getChatMember."""
        data = _plain(user)
        self._users[int(data["id"])] = data
        return data

    def set_chat(self, chat_id: int, **fields: Any) -> None:
        """Configure what the server knows about a chat (``title``, ``type``, ``username``...)."""
        self._chats.setdefault(chat_id, {}).update(fields)

    def set_chat_member(self, chat_id: int, user_id: int, status: str = "member", **fields: Any) -> None:
        """Configure getChatMember(chat_id, user_id). ``fields`` override the defaults for the
        status, e.g. ``set_chat_member(-100, BOT_ID, "administrator", can_invite_users=False)``."""
        self._chat_members[(chat_id, user_id)] = {"status": status, **fields}

    def blocked(self, user_id: int) -> None:
        """Sends to this user's private chat answer 403 'bot was blocked by the user'."""
        self._blocked.add(user_id)

    def never_started(self, user_id: int) -> None:
        """Sends to this user's private chat answer 403 "bot can't initiate conversation"."""
        self._never_started.add(user_id)

    def unblock(self, user_id: int) -> None:
        self._blocked.discard(user_id)
        self._never_started.discard(user_id)

    def migrate_chat(self, old_chat_id: int, new_chat_id: int | None = None) -> int:
        """Migrate a group to a supergroup: from now on every call with chat_id=old answers 400
        with ``parameters.migrate_to_chat_id``; the new id works. Returns the new id."""
        new = new_chat_id if new_chat_id is not None else int(f"-100{abs(old_chat_id)}")
        self._migrated[old_chat_id] = new
        old_info = self._chats.get(old_chat_id, {})
        self._chats.setdefault(new, {}).update(
            {"type": "supergroup", "title": old_info.get("title", f"Test group {new}")}
        )
        return new

    def commands(self, language_code: str = "", scope: dict[str, Any] | None = None) -> list[dict]:
        """Commands set with setMyCommands for that language/scope."""
        return self._commands.get(self._commands_key(language_code, scope), [])

    # ------------------------------------------------------------------ updates (getUpdates)
    def queue_update(self, update: Any) -> dict[str, Any]:
        """Queue an update (dict or telegram.Update) for getUpdates; assigns update_id if absent.

        Like the real server, getUpdates returns queued updates with id >= offset, and an
        update is forgotten once a later getUpdates call passes an offset above its id."""
        data = _plain(update)
        if "update_id" not in data:
            data["update_id"] = next(self._update_counter)
        self._updates.append(data)
        return data

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self._updates)

    # ------------------------------------------------------------------ fault injection
    def fail(
        self,
        method: str,
        kind: str,
        *,
        times: int = 1,
        chat_id: int | str | None = None,
        retry_after: int = 1,
        migrate_to: int | None = None,
        description: str | None = None,
        deliver: bool = False,
    ) -> None:
        """Make the next ``times`` calls to ``method`` (``"*"``: any method; optionally only those
        for ``chat_id``) fail with ``kind``:

        * ``"retry_after"``: 429, ``parameters.retry_after`` -> ``RetryAfter``
        * ``"server_error"``: 500 -> ``NetworkError``
        * ``"timeout"``: ``TimedOut`` raised from do_request; with ``deliver=True`` the call is
          executed (message delivered, recorded in ``calls``) and only the response is lost
        * ``"network"``: ``NetworkError`` raised from do_request (``deliver`` works as above)
        * ``"forbidden"``: 403 'bot was blocked by the user' -> ``Forbidden``
        * ``"bad_request"``: 400 with ``description`` -> ``BadRequest``
        * ``"migrated"``: permanent; needs ``chat_id``; see :meth:`migrate_chat` (``method`` and
          ``times`` are ignored: every call to the old id fails from now on).
        """
        if kind not in _FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(_FAULT_KINDS)}")
        if kind == "migrated":
            if not isinstance(chat_id, int):
                raise ValueError("fail(..., 'migrated') needs the old group's chat_id")
            self.migrate_chat(chat_id, migrate_to)
            return
        self._faults.append(_Fault(method, kind, times, _chat_key(chat_id), retry_after, description, deliver))

    def clear_faults(self) -> None:
        self._faults.clear()

    # ------------------------------------------------------------------ flood limits
    def enforce_limits(
        self,
        clock: Callable[[], float],
        *,
        global_per_second: int = 30,
        group_per_minute: int = 20,
        chat_per_second: int = 1,
    ) -> None:
        """Enforce Telegram's flood limits on message sends, in the virtual time of ``clock``
        (sliding windows): at most ``global_per_second`` sends per second overall,
        ``chat_per_second`` per second per chat and ``group_per_minute`` per minute per group
        (chat_id < 0). A send over a limit answers 429 with the seconds until it would fit."""
        self._limit_clock = clock
        self._limits = {
            "global": global_per_second,
            "group": group_per_minute,
            "chat": chat_per_second,
        }
        self._limit_windows.clear()

    def disable_limits(self) -> None:
        self._limits = None
        self._limit_clock = None
        self._limit_windows.clear()

    # ------------------------------------------------------------------ internals
    def _decode(self, request_data: RequestData | None) -> tuple[dict[str, Any], dict[str, str]]:
        if request_data is None:
            return {}, {}
        params: dict[str, Any] = _plain(request_data.parameters)
        for key in _JSON_PARAMS & params.keys():
            value = params[key]
            if isinstance(value, str) and value[:1] in "{[":
                params[key] = json.loads(value)
        files: dict[str, str] = {}
        if request_data.contains_files:
            for part, spec in request_data.multipart_data.items():
                filename = spec[0] if isinstance(spec, tuple) else str(part)
                files[part] = str(filename)
                params.setdefault(part, f"<uploaded file {filename!s}>")
        return params, files

    def _check_faults(self, call: ApiCall) -> TelegramError | None:
        """Raise the error this call must get (or return an exception to raise after delivery)."""
        chat = call.chat_id
        if chat is not None and chat in self._migrated:
            raise _ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat]},
            )
        for fault in self._faults:
            if not fault.matches(call.method, chat):
                continue
            fault.remaining -= 1
            call.note = f"injected fault: {fault.kind}"
            if fault.kind == "retry_after":
                raise _ApiError(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    {"retry_after": fault.retry_after},
                )
            if fault.kind == "server_error":
                raise _ApiError(500, "Internal Server Error")
            if fault.kind == "forbidden":
                raise _ApiError(403, fault.description or _BLOCKED)
            if fault.kind == "bad_request":
                raise _ApiError(400, fault.description or "Bad Request: injected fault")
            exc: TelegramError = (
                TimedOut("Timed out (injected)")
                if fault.kind == "timeout"
                else NetworkError("httpx.ConnectError: injected network failure")
            )
            if fault.deliver:
                return exc
            raise exc
        creates = call.method in _MESSAGE_CREATING
        if (creates or call.method.startswith("edit")) and isinstance(chat, int) and chat > 0:
            if chat in self._blocked:
                raise _ApiError(403, _BLOCKED)
            if chat in self._never_started:
                raise _ApiError(403, _NEVER_STARTED)
        if creates and self._limits is not None and chat is not None:
            self._check_limits(chat)
        return None

    def _check_limits(self, chat: int | str) -> None:
        assert self._limits is not None and self._limit_clock is not None
        now = self._limit_clock()
        windows: list[tuple[tuple[Any, ...], float, int]] = [
            (("global",), 1.0, self._limits["global"]),
            (("chat", chat), 1.0, self._limits["chat"]),
        ]
        if isinstance(chat, int) and chat < 0:
            windows.append((("group", chat), 60.0, self._limits["group"]))
        wait = 0.0
        for key, span, limit in windows:
            stamps = self._limit_windows[key]
            while stamps and stamps[0] <= now - span + 1e-9:  # virtual times are floats: allow rounding
                stamps.popleft()
            if len(stamps) >= limit:
                # the send fits once enough of the oldest stamps have left the window
                wait = max(wait, stamps[len(stamps) - limit] + span - now)
        if wait > 0:
            retry = max(1, math.ceil(wait - 1e-9))
            raise _ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
        for key, _, _ in windows:
            self._limit_windows[key].append(now)

    def _dispatch(self, call: ApiCall) -> Any:
        handler = getattr(self, f"_api_{call.method}", None)
        if handler is not None:
            return handler(call.params)
        if call.method in _TRUE_METHODS:
            return True
        if self.strict:
            raise UnknownMethodError(f"FakeBotAPI does not implement {call.method!r}")
        call.note = f"unknown method {call.method!r}: answered true"
        return True

    # -- identities
    def _user(self, user_id: int) -> dict[str, Any]:
        if user_id == self.bot_user["id"]:
            return {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        return self._users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}

    def _chat(self, chat: int | str) -> dict[str, Any]:
        info = self._chats.get(chat, {})
        if isinstance(chat, str):  # @channelusername
            return {"id": -1009999999999, "type": "channel", "title": chat, "username": chat[1:], **info}
        if chat > 0:
            user = self._user(chat)
            data = {"id": chat, "type": "private", "first_name": user.get("first_name", "")}
            for key in ("last_name", "username"):
                if user.get(key):
                    data[key] = user[key]
            return {**data, **info}
        kind = "supergroup" if chat <= -1000000000000 else "group"
        return {"id": chat, "type": kind, "title": f"Test group {chat}", **info}

    # -- messages
    def _new_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = _chat_key(params.get("chat_id"))
        if chat is None:
            raise _ApiError(400, "Bad Request: chat_id is empty")
        self._message_ids[chat] += 1
        mid = self._message_ids[chat]
        msg: dict[str, Any] = {
            "message_id": mid,
            "date": int(self._clock()),
            "chat": self._chat(chat),
        }
        if msg["chat"]["type"] == "channel":
            msg["sender_chat"] = msg["chat"]
        else:
            msg["from"] = self._user(self.bot_user["id"])
        if "message_thread_id" in params:
            msg["message_thread_id"] = params["message_thread_id"]
        reply_to = (params.get("reply_parameters") or {}).get("message_id")
        if reply_to and (chat, reply_to) in self._messages:
            msg["reply_to_message"] = dict(self._messages[(chat, reply_to)])
        self._validate_markup(params.get("reply_markup"))
        inline = _inline_only(params.get("reply_markup"))
        if inline:
            msg["reply_markup"] = inline
        self._messages[(chat, mid)] = msg
        self._chat_messages[chat][mid] = msg
        self._markups[(chat, mid)] = params.get("reply_markup")
        return msg

    @staticmethod
    def _validate_markup(markup: Any) -> None:
        if not isinstance(markup, dict):
            return
        for row in markup.get("inline_keyboard", []):
            for btn in row:
                data = btn.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    @staticmethod
    def _set_caption(msg: dict[str, Any], params: dict[str, Any]) -> None:
        caption = params.get("caption")
        if caption:
            if len(caption) > 1024:
                raise _ApiError(400, "Bad Request: message caption is too long")
            msg["caption"] = caption
            if params.get("caption_entities"):
                msg["caption_entities"] = params["caption_entities"]

    def _file_ids(self, value: Any, kind: str) -> tuple[str, str]:
        n = next(self._file_counter)
        if isinstance(value, str) and not value.startswith(("<uploaded", "http://", "https://", "attach://")):
            return value, f"U-{value[-12:]}"
        return f"FAKE-{kind.upper()}-{n}", f"FAKEU-{kind}-{n}"

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        text = params.get("text") or ""
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        msg = self._new_message(params)
        msg["text"] = text
        if params.get("entities"):
            msg["entities"] = params["entities"]
        self._parse_modes[(msg["chat"]["id"], msg["message_id"])] = params.get("parse_mode")
        return msg

    def _api_sendPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        question = params.get("question") or ""
        options = [o.get("text", "") if isinstance(o, dict) else str(o) for o in params.get("options") or []]
        if not 1 <= len(question) <= 300:
            raise _ApiError(400, "Bad Request: poll question length must not exceed 300")
        if not 2 <= len(options) <= 10 or not all(1 <= len(option) <= 100 for option in options):
            raise _ApiError(400, "Bad Request: poll must have 2-10 options of 1-100 characters")
        msg = self._new_message(params)
        msg["poll"] = {
            "id": f"poll-{next(self._file_counter)}",
            "question": question,
            "options": [
                {"text": option, "voter_count": 0, "persistent_id": f"o{index}"} for index, option in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": params.get("is_anonymous", True),
            "type": params.get("type", "regular"),
            "allows_multiple_answers": bool(params.get("allows_multiple_answers", False)),
            "allows_revoting": True,
            "members_only": False,
        }
        return msg

    def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        fid, uid = self._file_ids(params.get("photo"), "photo")
        if params.get("caption") and len(params["caption"]) > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        msg = self._new_message(params)
        msg["photo"] = [
            {"file_id": f"{fid}-s", "file_unique_id": f"{uid}-s", "width": 90, "height": 90},
            {"file_id": fid, "file_unique_id": uid, "width": 800, "height": 800},
        ]
        self._set_caption(msg, params)
        return msg

    def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        fid, uid = self._file_ids(params.get("document"), "document")
        if params.get("caption") and len(params["caption"]) > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        msg = self._new_message(params)
        doc = {"file_id": fid, "file_unique_id": uid}
        value = params.get("document")
        if isinstance(value, str) and value.startswith("<uploaded file "):
            doc["file_name"] = value[len("<uploaded file ") : -1]
        msg["document"] = doc
        self._set_caption(msg, params)
        return msg

    def _api_sendVoice(self, params: dict[str, Any]) -> dict[str, Any]:
        fid, uid = self._file_ids(params.get("voice"), "voice")
        msg = self._new_message(params)
        msg["voice"] = {"file_id": fid, "file_unique_id": uid, "duration": params.get("duration", 1)}
        self._set_caption(msg, params)
        return msg

    def _api_sendSticker(self, params: dict[str, Any]) -> dict[str, Any]:
        fid, uid = self._file_ids(params.get("sticker"), "sticker")
        msg = self._new_message(params)
        msg["sticker"] = {
            "file_id": fid,
            "file_unique_id": uid,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return msg

    def _api_sendLocation(self, params: dict[str, Any]) -> dict[str, Any]:
        msg = self._new_message(params)
        msg["location"] = {"latitude": params["latitude"], "longitude": params["longitude"]}
        return msg

    def _api_sendContact(self, params: dict[str, Any]) -> dict[str, Any]:
        msg = self._new_message(params)
        msg["contact"] = {k: params[k] for k in ("phone_number", "first_name", "last_name", "vcard") if k in params}
        return msg

    def _api_copyMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        msg = self._new_message(params)
        source = self._messages.get((_chat_key(params.get("from_chat_id")), params.get("message_id")))
        for key in ("text", "entities", "photo", "document", "caption"):
            if source and key in source:
                msg[key] = source[key]
        msg.setdefault("text", "(copied message)")
        return {"message_id": msg["message_id"]}

    def _api_forwardMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        msg = self._new_message(params)
        source = self._messages.get((_chat_key(params.get("from_chat_id")), params.get("message_id")))
        for key in ("text", "entities", "photo", "document", "caption"):
            if source and key in source:
                msg[key] = source[key]
        msg.setdefault("text", "(forwarded message)")
        return msg

    def _api_deleteMessage(self, params: dict[str, Any]) -> bool:
        key = (_chat_key(params.get("chat_id")), params.get("message_id"))
        self._messages.pop(key, None)  # type: ignore[arg-type]
        self._chat_messages.get(key[0], {}).pop(key[1], None)  # type: ignore[arg-type]
        self._markups.pop(key, None)  # type: ignore[arg-type]
        return True

    # -- edits
    def _edit_target(self, params: dict[str, Any]) -> tuple[Any, dict[str, Any] | None]:
        if params.get("inline_message_id"):
            return None, None
        key = (_chat_key(params.get("chat_id")), params.get("message_id"))
        msg = self._messages.get(key)  # type: ignore[arg-type]
        if msg is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        return key, msg

    def _apply_markup(self, key: Any, msg: dict[str, Any], params: dict[str, Any]) -> None:
        self._validate_markup(params.get("reply_markup"))
        inline = _inline_only(params.get("reply_markup"))
        if inline:
            msg["reply_markup"] = inline
        else:
            msg.pop("reply_markup", None)
        self._markups[key] = inline
        msg["edit_date"] = int(self._clock())

    def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        key, msg = self._edit_target(params)
        text = params.get("text") or ""
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        if msg is None:
            return True
        if "text" not in msg:
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        new_markup = _inline_only(params.get("reply_markup"))
        same = (
            msg.get("text") == text
            and msg.get("entities") == params.get("entities")
            and self._parse_modes.get(key) == params.get("parse_mode")
            and msg.get("reply_markup") == new_markup
        )
        if same:
            raise _ApiError(400, _NOT_MODIFIED)
        msg["text"] = text
        self._parse_modes[key] = params.get("parse_mode")
        msg.pop("entities", None)
        if params.get("entities"):
            msg["entities"] = params["entities"]
        self._apply_markup(key, msg, params)
        return self._public(msg)

    def _api_editMessageCaption(self, params: dict[str, Any]) -> Any:
        key, msg = self._edit_target(params)
        if msg is None:
            return True
        if not any(k in msg for k in ("photo", "document", "voice")):
            raise _ApiError(400, "Bad Request: there is no caption in the message to edit")
        new_markup = _inline_only(params.get("reply_markup"))
        if msg.get("caption") == params.get("caption") and msg.get("reply_markup") == new_markup:
            raise _ApiError(400, _NOT_MODIFIED)
        msg.pop("caption", None)
        msg.pop("caption_entities", None)
        self._set_caption(msg, params)
        self._apply_markup(key, msg, params)
        return self._public(msg)

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        key, msg = self._edit_target(params)
        if msg is None:
            return True
        if msg.get("reply_markup") == _inline_only(params.get("reply_markup")):
            raise _ApiError(400, _NOT_MODIFIED)
        self._apply_markup(key, msg, params)
        return self._public(msg)

    @staticmethod
    def _public(msg: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in msg.items() if not k.startswith("_")}

    # -- bot / chat info
    def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return dict(self.bot_user)

    def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id") or "")
        if not file_id:
            raise _ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"U-{file_id[-12:]}",
            "file_size": 17,
            "file_path": f"files/{file_id}",
        }

    def _api_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = _chat_key(params.get("chat_id"))
        if chat is None:
            raise _ApiError(400, "Bad Request: chat not found")
        return {
            **self._chat(chat),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _member(self, chat: Any, user_id: int) -> dict[str, Any]:
        config = self._chat_members.get((chat, user_id))
        if config is None:
            if user_id == self.bot_user["id"] and not (isinstance(chat, int) and chat > 0):
                config = {"status": "administrator"}
            else:
                config = {"status": "member"}
        status = config["status"]
        base: dict[str, Any] = {"user": self._user(user_id)}
        if status == "administrator":
            base.update(ADMINISTRATOR_RIGHTS)
        elif status == "creator":
            base.update(is_anonymous=False)
        elif status == "restricted":
            perms = [
                "can_change_info",
                "can_invite_users",
                "can_pin_messages",
                "can_send_messages",
                "can_send_polls",
                "can_send_other_messages",
                "can_add_web_page_previews",
                "can_manage_topics",
                "can_send_audios",
                "can_send_documents",
                "can_send_photos",
                "can_send_videos",
                "can_send_video_notes",
                "can_send_voice_notes",
                "can_edit_tag",
                "can_react_to_messages",
            ]
            base.update(dict.fromkeys(perms, False), is_member=True, until_date=0)
        elif status == "kicked":
            base.update(until_date=0)
        return {**base, **config}

    def _api_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._member(_chat_key(params.get("chat_id")), int(params["user_id"]))

    def _api_getChatAdministrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat = _chat_key(params.get("chat_id"))
        ids = [self.bot_user["id"]] + [
            uid
            for (c, uid), conf in self._chat_members.items()
            if c == chat and uid != self.bot_user["id"] and conf["status"] in ("administrator", "creator")
        ]
        admins = [self._member(chat, uid) for uid in ids]
        return [a for a in admins if a["status"] in ("administrator", "creator")]

    def _api_getChatMemberCount(self, params: dict[str, Any]) -> int:
        chat = _chat_key(params.get("chat_id"))
        return int(self._chats.get(chat, {}).get("member_count", 2))  # type: ignore[arg-type]

    def _api_createChatInviteLink(self, params: dict[str, Any]) -> dict[str, Any]:
        n = next(self._link_counter)
        link: dict[str, Any] = {
            "invite_link": f"https://t.me/+FakeInvite{n:06d}",
            "creator": self._user(self.bot_user["id"]),
            "creates_join_request": bool(params.get("creates_join_request", False)),
            "is_primary": False,
            "is_revoked": False,
        }
        for key in ("name", "expire_date", "member_limit"):
            if key in params:
                link[key] = params[key]
        link["_chat_id"] = _chat_key(params.get("chat_id"))
        self.invite_links.append(link)
        return self._public(link)

    def _api_revokeChatInviteLink(self, params: dict[str, Any]) -> dict[str, Any]:
        for link in self.invite_links:
            if link["invite_link"] == params.get("invite_link"):
                link["is_revoked"] = True
                return self._public(link)
        raise _ApiError(400, "Bad Request: INVITE_HASH_INVALID")

    def _api_exportChatInviteLink(self, params: dict[str, Any]) -> str:
        return f"https://t.me/+FakePrimary{abs(int(params['chat_id']))}"

    def _commands_key(self, language_code: str | None, scope: Any) -> str:
        return json.dumps([language_code or "", scope or {"type": "default"}], sort_keys=True)

    def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        key = self._commands_key(params.get("language_code"), params.get("scope"))
        self._commands[key] = list(params.get("commands", []))
        return True

    def _api_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(self._commands_key(params.get("language_code"), params.get("scope")), None)
        return True

    def _api_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self._commands.get(self._commands_key(params.get("language_code"), params.get("scope")), [])

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        return [dict(u) for u in self._updates[:limit]]


_TRUE_METHODS = frozenset(
    {
        "answerCallbackQuery",
        "setMyCommands",
        "setMyDescription",
        "setMyShortDescription",
        "setMyName",
        "deleteWebhook",
        "setWebhook",
        "approveChatJoinRequest",
        "declineChatJoinRequest",
        "setChatMenuButton",
        "leaveChat",
        "sendChatAction",
        "banChatMember",
        "unbanChatMember",
        "restrictChatMember",
        "pinChatMessage",
        "unpinChatMessage",
        "close",
        "logOut",
    }
)
