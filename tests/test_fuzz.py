"""Bad input: 10,000 random and malformed updates through the real Application, then a normal request.

A seeded generator (the same updates on every run) builds raw Bot API dicts, as Telegram would send them:
random Unicode, texts over 4,096 characters, HTML and Markdown injection, forged and oversized callback
data, unknown chat types, edited messages, channel posts, the bot added to random groups, other bots.
Every text the bot sends in HTML must be valid Telegram HTML in which no injected tag survives.
"""

from __future__ import annotations

import random
import string
from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select
from telegram.error import BadRequest

from db.models import Outbox, OutboxStatus
from db.session import make_engine
from tests.support.app import World, make_world
from tests.support.fake_bot_api import BOT_ID, BOT_USERNAME
from tests.support.scenarios import (
    ask_for_groceries,
)
from tests.support.updates import build_update

UPDATES = 10_000
SEED = 20241124
INJECTIONS = [
    "<b>INJ</b>",
    '<a href="http://evil.example/INJ">klik</a>',
    "<script>INJ()</script>",
    "<i>INJ",
    "</b></i>INJ",
    "&lt;b&gt;INJ &amp; &#60;b&#62;",
    "*INJ* _INJ_ [INJ](http://evil.example) `INJ` ~~INJ~~ ||INJ||",
    "<tg-spoiler>INJ</tg-spoiler>",
    '"><img src=x onerror=INJ>',
    "{INJ} {0} {name} %s %(name)s",
]
COMMANDS = [
    "/start",
    "/hulp",
    "/stop",
    "/annuleer",
    "/koppel",
    "/privacy",
    "/vergeetmij",
    "/taal",
    "/aanbod",
    "/mijnvragen",
    "/inbox",
    "/export",
    "/overzicht",
    "/activiteit",
    "/nieuws",
    "/steunpunt",
    "/coordinator",
    "/deelnemers",
    "/onbekend",
]
CALLBACKS = [
    "menu:help",
    "menu:callme",
    "menu:volunteer",
    "menu:place",
    "mun:voerendaal",
    "nb:klimmen",
    "mun:../../etc",
    "cat:boodschappen",
    "cat:unknown",
    "cat:other",
    "cat:zzz",
    "when:today",
    "when:any",
    "when:never",
    "details:skip",
    "send:yes",
    "send:no",
    "call:morning",
    "claim:1",
    "claim:2",
    "claim:99999999999",
    "claim:-1",
    "claim:",
    "px:1:woonservice",
    "px:1:../",
    "px:1:bellen",
    "lnk:klimmen",
    "lnkm:voerendaal",
    "lnk:../../",
    "forget:no",
    "done:1",
    "release:1",
    "cancel:1",
    "cancel:1:yes",
    "vol:202:ok",
    "ibx:1:close",
    "lang:en",
    "lang:xx",
    "rsvp:1:2",
    "news:yes",
    "x" * 200,
    "claim:" + "9" * 60,
    "",
]
CHAT_TYPES = ["private", "group", "supergroup", "channel", "sender", "weird-type"]
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler"}
ALLOWED_LINKS = ("tg://user?id=", "https://t.me/")


class TelegramHtml(HTMLParser):
    """Checks a text as Telegram parses HTML: known tags only, properly nested, only our own links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        if tag == "a" and not any(name == "href" and (value or "").startswith(ALLOWED_LINKS) for name, value in attrs):
            self.problems.append(f"link {attrs}")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")

    def check(self, text: str) -> list[str]:
        self.feed(text)
        self.close()
        if self.open:
            self.problems.append(f"unclosed {self.open}")
        return self.problems


def shown_length(text: str) -> int:
    """The length Telegram counts (UTF-16 code units of the text without tags)."""
    parts: list[str] = []
    parser = HTMLParser(convert_charrefs=True)
    parser.handle_data = parts.append
    parser.feed(text)
    parser.close()
    return len("".join(parts).encode("utf-16-le")) // 2


def html_problems(text: str) -> list[str]:
    problems = TelegramHtml().check(text)
    if "<b>INJ" in text or "<i>INJ" in text or "<script" in text or ("evil.example" in text and 'href="http' in text):
        problems.append("injected markup survived")
    return problems


class Fuzzer:
    """Builds one random, often malformed, update dict at a time."""

    def __init__(self, world: World, seed: int) -> None:
        self.random = random.Random(seed)
        self.world = world
        self.message_ids = iter(range(5_000_000, 10_000_000))
        self._shown: dict[int, list[dict[str, Any]]] = {}
        self.users = [self._user(user_id) for user_id in range(3000, 3060)]
        self.users += [self._user(user_id, is_bot=True) for user_id in range(3900, 3905)]
        self.users += [world.volunteer.to_dict(), world.coordinator.to_dict()]
        self.groups = [self._chat(-(5000 + n), self.random.choice(["group", "supergroup"])) for n in range(8)]
        self.groups.append(self._chat(world.group_id, "supergroup"))

    def _user(self, user_id: int, *, is_bot: bool = False) -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": is_bot,
            "first_name": self.text(64) or "x",  # Telegram allows 64 characters
            "username": self.random.choice([None, "u" + str(user_id), "<b>INJ</b>"]),
            "language_code": self.random.choice([None, "nl", "en", "de", "fr", "zz-ZZ", "", "nl-BE"]),
        }

    def _chat(self, chat_id: int, kind: str) -> dict[str, Any]:
        return {"id": chat_id, "type": kind, "title": self.random.choice(INJECTIONS)}

    def text(self, limit: int = 300) -> str:
        """A random text of at most `limit` characters, or (now and then, for messages) far over 4,096."""
        pick = self.random.random()
        if pick < 0.25:
            text = self.random.choice(INJECTIONS)
        elif pick < 0.55:
            # Any Unicode scalar value (lone surrogates are not valid UTF-8, so Telegram never sends them).
            text = "".join(map(chr, self.scalars(self.random.randint(0, limit))))
        elif pick < 0.85:
            words = ["boodschappen", "morgen", "hond", "uitlaten", "vrijdag", "Klimmen", "ja", "nee", "weet niet"]
            words += ["06-12345678", "Hoofdstraat 12", *INJECTIONS]
            text = " ".join(self.random.choice(words) for _ in range(self.random.randint(1, 12)))
        elif pick < 0.9:
            text = ""
        elif pick < 0.95:
            text = self.random.choice(INJECTIONS) * self.random.randint(1, 600)
        else:
            text = "".join(self.random.choices(string.printable, k=self.random.randint(4090, 4200)))
        return text if limit >= 300 else text[:limit]

    def shown(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in a chat (looked up again now and then: the lookup is slow)."""
        if chat_id not in self._shown or self.random.random() < 0.05:
            self._shown[chat_id] = self.world.api.messages(chat_id)[-20:]
        return self._shown[chat_id]

    def scalars(self, count: int) -> list[int]:
        codes = self.random.choices(range(1, 0x30000), k=count)
        return [code if not 0xD800 <= code <= 0xDFFF else 0xFFFD for code in codes]

    def chat_for(self, user: dict[str, Any]) -> dict[str, Any]:
        pick = self.random.random()
        if pick < 0.6:
            return {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        if pick < 0.9:
            return self.random.choice(self.groups)
        return self._chat(-self.random.randint(1, 10**13), self.random.choice(CHAT_TYPES))

    def message(self, user: dict[str, Any] | None, chat: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {"message_id": next(self.message_ids), "date": 1_700_000_000, "chat": chat}
        if user is not None:
            data["from"] = user
        pick = self.random.random()
        if pick < 0.55:
            data["text"] = self.text()
        elif pick < 0.75:
            command = self.random.choice(COMMANDS)
            if self.random.random() < 0.2:
                command += "@" + BOT_USERNAME
            data["text"] = command + (" " + self.text(60) if self.random.random() < 0.4 else "")
            data["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        elif pick < 0.8:
            data["contact"] = {
                "phone_number": self.text(20) or "0",
                "first_name": "x",
                "user_id": (user or {}).get("id"),
            }
        elif pick < 0.84:
            data["location"] = {"latitude": self.random.uniform(-90, 90), "longitude": self.random.uniform(-180, 180)}
        elif pick < 0.88:
            data["new_chat_members"] = [self.random.choice(self.users)]
        elif pick < 0.92:
            data["sticker"] = {
                "file_id": "s",
                "file_unique_id": "s",
                "type": "regular",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
            }
        else:
            data["caption"] = self.text()[:1024]  # Telegram's limit for captions
            data["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
        return data

    def update(self) -> dict[str, Any]:
        user = self.random.choice(self.users)
        pick = self.random.random()
        if pick < 0.5:
            return {"message": self.message(user, self.chat_for(user))}
        if pick < 0.75:
            # Telegram only sends presses on messages that exist: a real message of the bot, with forged data.
            chat = self.chat_for(user)
            shown = self.shown(chat["id"])
            data = self.random.choice(CALLBACKS)
            if self.random.random() < 0.2:
                data = data.replace("1", str(self.random.randint(-5, 10**12)))
            query = {"id": str(self.random.random()), "from": user, "chat_instance": "ci", "data": data}
            if shown:
                query["message"] = self.random.choice(shown)
            return {"callback_query": query}
        if pick < 0.83:
            return {"edited_message": {**self.message(user, self.chat_for(user)), "edit_date": 1_700_000_001}}
        if pick < 0.88:
            channel = self._chat(-(10**12) - self.random.randint(1, 99), "channel")
            return {"channel_post": {**self.message(None, channel), "sender_chat": channel}}
        statuses = ["member", "administrator", "left", "kicked", "creator"]
        old, new = self.random.choice(statuses), self.random.choice(statuses)
        chat = self.random.choice([*self.groups, self._chat(-self.random.randint(1, 10**13), "group")])
        bot = {"id": BOT_ID, "is_bot": True, "first_name": "bot", "username": BOT_USERNAME}
        return {
            "my_chat_member": {
                "chat": chat,
                "from": user,
                "date": 1_700_000_000,
                "old_chat_member": _member(bot, old),
                "new_chat_member": _member(bot, new),
            }
        }


def _member(user: dict[str, Any], status: str) -> dict[str, Any]:
    data: dict[str, Any] = {"status": status, "user": user}
    if status == "kicked":
        data["until_date"] = 0
    if status == "creator":
        data["is_anonymous"] = False
    if status == "administrator":
        flags = ["can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages", "can_invite_users"]
        flags += ["can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info"]
        flags += ["can_post_stories", "can_edit_stories", "can_delete_stories"]
        data.update(dict.fromkeys(flags, False))
    return data


def harmless(error: BaseException, failed_calls: list) -> bool:
    """Errors that are no fault of the bot: an edit to what a message already says (the app ignores it),
    and "too long" for a text Telegram would accept (the fake measures raw HTML, Telegram the shown text)."""
    if isinstance(error, BadRequest) and "not modified" in str(error):
        return True
    if isinstance(error, BadRequest) and "too long" in str(error).lower():
        return all(shown_length(call.params.get("text", "")) <= 4096 for call in failed_calls)
    return False


@pytest.fixture
def fast_engine(seeded_sqlite_file):
    """SQLite without waiting for the disk: ten thousand commits, and nothing to survive a crash."""
    engine = make_engine(f"sqlite:///{seeded_sqlite_file}")
    event.listen(engine, "connect", lambda connection, _record: connection.execute("PRAGMA synchronous=OFF"))
    yield engine
    engine.dispose()


@pytest.fixture
async def world(fast_engine, clock, settings):
    # Limits high enough that most updates get through to the handlers behind the anti-spam check.
    world = make_world(fast_engine, clock, replace(settings, messages_per_minute=60, requests_per_day=1000))
    world.harness.raise_errors = False
    async with world.harness:
        yield world


@pytest.mark.slow
async def test_ten_thousand_malformed_updates_then_a_normal_request(world: World) -> None:
    fuzzer = Fuzzer(world, SEED)
    h = world.harness
    for number in range(UPDATES):
        data = fuzzer.update()
        update = build_update(data, h.bot)
        if update.effective_user is not None:
            world.api.register_user(update.effective_user)
        before, failed_before = len(world.api.calls), len(world.api.failed_calls)
        await h.app.process_update(update)  # straight in: the harness would copy every update once more
        unexpected = [error for error in h.errors if not harmless(error, world.api.failed_calls[failed_before:])]
        assert not unexpected, f"update {number} raised {unexpected[0]!r}: {data!r:.600}"
        h.errors.clear()
        for call in world.api.calls[before:]:
            if call.method in ("sendMessage", "editMessageText") and call.params.get("parse_mode", "HTML") == "HTML":
                problems = html_problems(call.params.get("text", ""))
                assert not problems, f"update {number}: {problems} in {call.params.get('text')!r:.400}"
        if number % 50 == 0:
            world.clock.advance(timedelta(seconds=20))
        if number % 500 == 0:
            await world.deliver()
    await world.deliver()
    with world.session() as session:
        failed = session.exec(select(Outbox).where(Outbox.status == OutboxStatus.FAILED)).all()
        # The fake measures the raw HTML; Telegram measures the text as shown (an escaped "<" counts once).
        lost = [
            row for row in failed if shown_length(row.params.get("text", "")) > 4096 or "too long" not in row.last_error
        ]
        assert [(row.method, row.last_error, row.params.get("text", "")[:300]) for row in lost] == []
    for call in world.api.calls:
        if call.method in ("sendMessage", "editMessageText") and call.params.get("parse_mode", "HTML") == "HTML":
            assert not html_problems(call.params.get("text", "")), call.params.get("text")

    # The bot still serves a normal request, the whole loop.
    world.clock.advance(timedelta(days=1))
    await ask_for_groceries(world)
    await world.deliver()
    assert "Boodschappen" in h.last_text(world.group_id)
    await h.press(world.volunteer, "Ik help", chat_id=world.group_id)
    await world.deliver()
    assert "Piet helpt u" in h.last_text(world.resident)
