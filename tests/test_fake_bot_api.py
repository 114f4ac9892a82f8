"""Tests of the test-side fake Bot API, the update factories and the conversation harness."""

from __future__ import annotations

import asyncio
import datetime as dtm
import warnings

import pytest
from telegram import (
    Bot,
    ChatFullInfo,
    ChatMemberAdministrator,
    ChatMemberMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatJoinRequestHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.support import updates as upd
from tests.support.fake_bot_api import BOT_ID, BOT_USERNAME, FakeBotAPI, UnknownMethodError
from tests.support.harness import BotHarness

# RetryAfter itself reads its deprecated int-valued ``retry_after`` in __init__ (PTB v22.2+).
pytestmark = pytest.mark.filterwarnings("ignore:.*`retry_after`:DeprecationWarning")

TOKEN = "123456:TEST-TOKEN"
ANNA = upd.make_user(1001, "Anna", username="anna_h")
BERT = upd.make_user(1002, "Bert", language_code="en")
GROUP = upd.make_group(-1001234567890, "Buurtgroep Kerkrade")


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=f"cb:{t}") for t in labels]])


@pytest.fixture
def fake() -> FakeBotAPI:
    return FakeBotAPI()


@pytest.fixture
async def bot(fake: FakeBotAPI):
    async with Bot(TOKEN, request=fake, get_updates_request=fake) as b:
        yield b


# ---------------------------------------------------------------------- answers and recording
async def test_get_me_identity(bot: Bot, fake: FakeBotAPI) -> None:
    assert bot.id == BOT_ID
    assert bot.username == BOT_USERNAME
    assert bot.bot.can_join_groups is True
    assert fake.calls_to("getMe")


async def test_send_message_full_message_and_recording(bot: Bot, fake: FakeBotAPI) -> None:
    m1 = await bot.send_message(ANNA.id, "Hallo", reply_markup=keyboard("Ja", "Nee"))
    m2 = await bot.send_message(ANNA.id, "Nog eens")
    g1 = await bot.send_message(GROUP.id, "Groep")
    assert (m1.message_id, m2.message_id, g1.message_id) == (1, 2, 1)
    assert m1.chat.type == "private" and m1.chat.id == ANNA.id
    assert m1.from_user.id == BOT_ID and m1.text == "Hallo"
    assert m1.reply_markup == keyboard("Ja", "Nee")
    assert isinstance(m1.date, dtm.datetime)
    assert g1.chat.type == "supergroup" and g1.chat.title
    assert (await bot.send_message(-42, "basic")).chat.type == "group"

    assert [c.text for c in fake.sent_messages(ANNA.id)] == ["Hallo", "Nog eens"]
    assert len(fake.sent_messages()) == 4
    last = fake.last_message(ANNA.id)
    assert last is not None and last.text == "Nog eens" and last.result["message_id"] == 2
    assert fake.calls_to("sendMessage")[0].buttons == ["Ja", "Nee"]
    assert fake.calls_to("sendMessage")[0].callback_data == ["cb:Ja", "cb:Nee"]
    assert fake.calls_to("sendMessage")[0].reply_markup["inline_keyboard"][0][0]["text"] == "Ja"
    fake.clear()
    assert fake.calls == [] and fake.last_message(ANNA.id) is None
    assert fake.message(ANNA.id, 1)["text"] == "Hallo"  # server state survives clear()


async def test_reply_keyboard_not_echoed_but_remembered(bot: Bot, fake: FakeBotAPI) -> None:
    markup = ReplyKeyboardMarkup([[KeyboardButton("Deel nummer", request_contact=True)]])
    msg = await bot.send_message(ANNA.id, "Telefoon?", reply_markup=markup)
    assert msg.reply_markup is None  # Telegram only echoes inline keyboards
    assert fake.markup(ANNA.id, msg.message_id)["keyboard"][0][0]["request_contact"] is True


async def test_send_photo_and_document_uploads(bot: Bot, fake: FakeBotAPI) -> None:
    photo = await bot.send_photo(ANNA.id, b"\x89PNG fake", caption="Kaart")
    doc = await bot.send_document(ANNA.id, b"a,b\n1,2\n", filename="export.csv")
    assert photo.photo and photo.caption == "Kaart"
    assert doc.document.file_name == "export.csv"
    assert [c.method for c in fake.sent_messages(ANNA.id)] == ["sendPhoto", "sendDocument"]
    assert fake.calls_to("sendDocument")[0].files == {"document": "export.csv"}
    again = await bot.send_photo(ANNA.id, photo.photo[-1].file_id)
    assert again.photo[-1].file_id == photo.photo[-1].file_id


async def test_validation_like_the_server(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(ANNA.id, "x" * 4097)
    bad = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="y" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ANNA.id, "hoi", reply_markup=bad)


async def test_edits_update_the_store(bot: Bot, fake: FakeBotAPI) -> None:
    msg = await bot.send_message(ANNA.id, "Kies", reply_markup=keyboard("A", "B"))
    edited = await bot.edit_message_text("Gekozen: A", chat_id=ANNA.id, message_id=msg.message_id)
    assert edited.text == "Gekozen: A" and edited.reply_markup is None  # markup removed
    assert edited.edit_date is not None
    assert fake.message(ANNA.id, msg.message_id)["text"] == "Gekozen: A"

    edited = await bot.edit_message_reply_markup(ANNA.id, msg.message_id, reply_markup=keyboard("C"))
    assert edited.reply_markup == keyboard("C")
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(ANNA.id, msg.message_id, reply_markup=keyboard("C"))
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Gekozen: A", chat_id=ANNA.id, message_id=msg.message_id, reply_markup=keyboard("C")
        )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=ANNA.id, message_id=999)
    assert len(fake.failed_calls) == 3

    photo = await bot.send_photo(ANNA.id, "PHOTO-ID", caption="oud")
    edited = await bot.edit_message_caption(ANNA.id, photo.message_id, caption="nieuw")
    assert edited.caption == "nieuw"
    with pytest.raises(BadRequest, match=r"(?i)no text in the message"):
        await bot.edit_message_text("x", chat_id=ANNA.id, message_id=photo.message_id)

    assert await bot.delete_message(ANNA.id, msg.message_id) is True
    assert fake.message(ANNA.id, msg.message_id) is None


async def test_true_methods(bot: Bot, fake: FakeBotAPI) -> None:
    assert await bot.answer_callback_query("cbq-1", text="ok") is True
    assert await bot.set_my_commands([("start", "Begin")], language_code="nl") is True
    assert await bot.set_my_description("d") is True
    assert await bot.set_my_short_description("s") is True
    assert await bot.delete_webhook() is True
    assert await bot.approve_chat_join_request(GROUP.id, ANNA.id) is True
    assert await bot.decline_chat_join_request(GROUP.id, BERT.id) is True
    assert await bot.set_chat_menu_button() is True
    assert await bot.leave_chat(GROUP.id) is True
    assert fake.commands("nl") == [{"command": "start", "description": "Begin"}]
    cmds = await bot.get_my_commands(language_code="nl")
    assert [c.command for c in cmds] == ["start"]
    assert fake.calls_to("answerCallbackQuery")[0].params == {"callback_query_id": "cbq-1", "text": "ok"}


async def test_chat_info_members_and_invite_links(bot: Bot, fake: FakeBotAPI) -> None:
    me = await bot.get_chat_member(GROUP.id, BOT_ID)
    assert isinstance(me, ChatMemberAdministrator)
    assert me.can_invite_users and me.can_restrict_members
    other = await bot.get_chat_member(GROUP.id, ANNA.id)
    assert isinstance(other, ChatMemberMember)
    fake.set_chat_member(GROUP.id, BOT_ID, "administrator", can_invite_users=False)
    assert (await bot.get_chat_member(GROUP.id, BOT_ID)).can_invite_users is False
    fake.set_chat_member(GROUP.id, ANNA.id, "left")
    assert (await bot.get_chat_member(GROUP.id, ANNA.id)).status == "left"
    fake.set_chat_member(GROUP.id, BERT.id, "restricted")
    assert (await bot.get_chat_member(GROUP.id, BERT.id)).status == "restricted"

    fake.set_chat(GROUP.id, title="Buurtgroep")
    info = await bot.get_chat(GROUP.id)
    assert isinstance(info, ChatFullInfo) and info.title == "Buurtgroep" and info.type == "supergroup"
    fake.register_user(ANNA)
    assert (await bot.get_chat(ANNA.id)).first_name == "Anna"

    link = await bot.create_chat_invite_link(GROUP.id, creates_join_request=True, name="wijk")
    assert link.creates_join_request is True and link.name == "wijk"
    assert link.invite_link.startswith("https://t.me/+")
    link2 = await bot.create_chat_invite_link(GROUP.id)
    assert link2.creates_join_request is False and link2.invite_link != link.invite_link
    revoked = await bot.revoke_chat_invite_link(GROUP.id, link.invite_link)
    assert revoked.is_revoked


async def test_get_updates_honours_offset(bot: Bot, fake: FakeBotAPI) -> None:
    assert await bot.get_updates(timeout=0) == ()
    fake.queue_update(upd.private_text(ANNA, "een"))
    fake.queue_update({"update_id": 500, "message": upd.message_dict(BERT, text="twee")})
    got = await bot.get_updates(timeout=0)
    assert [u.message.text for u in got] == ["een", "twee"]
    assert all(isinstance(u, Update) for u in got)
    again = await bot.get_updates(offset=got[0].update_id + 1, timeout=0)  # confirms the first
    assert [u.update_id for u in again] == [500]
    assert await bot.get_updates(offset=501, timeout=0) == ()
    assert fake.pending_updates == []


async def test_unknown_methods(bot: Bot, fake: FakeBotAPI) -> None:
    assert await bot.do_api_request("brandNewMethod", api_kwargs={"chat_id": 1}) is True
    assert "unknown method" in fake.calls_to("brandNewMethod")[0].note
    strict = FakeBotAPI(strict=True)
    async with Bot(TOKEN, request=strict) as sbot:
        with pytest.raises(UnknownMethodError):
            await sbot.do_api_request("brandNewMethod")
    assert strict.failed_calls[0].method == "brandNewMethod"


# ---------------------------------------------------------------------- faults
@pytest.mark.parametrize(
    ("kind", "exc_type"),
    [
        ("retry_after", RetryAfter),
        ("server_error", NetworkError),
        ("timeout", TimedOut),
        ("network", NetworkError),
        ("forbidden", Forbidden),
        ("bad_request", BadRequest),
    ],
)
async def test_fault_kinds_then_success(bot: Bot, fake: FakeBotAPI, kind: str, exc_type: type) -> None:
    fake.fail("sendMessage", kind, times=2, retry_after=7)
    for _ in range(2):
        with pytest.raises(exc_type) as info:
            await bot.send_message(ANNA.id, "hoi")
        if kind == "retry_after":
            assert retry_seconds(info.value) == 7
        if kind in ("server_error", "network"):
            assert not isinstance(info.value, TimedOut)
    assert (await bot.send_message(ANNA.id, "hoi")).text == "hoi"
    assert len(fake.failed_calls) == 2 and len(fake.sent_messages()) == 1
    assert all(c.error for c in fake.failed_calls)
    assert [c.method for c in fake.all_calls[-3:]] == ["sendMessage"] * 3


async def test_fault_filters_by_method_and_chat(bot: Bot, fake: FakeBotAPI) -> None:
    fake.fail("sendMessage", "forbidden", chat_id=BERT.id)
    await bot.send_message(ANNA.id, "ok")
    await bot.send_photo(BERT.id, "PHOTO")
    with pytest.raises(Forbidden):
        await bot.send_message(BERT.id, "nee")
    await bot.send_message(BERT.id, "nu wel")
    fake.fail("*", "server_error")
    with pytest.raises(NetworkError):
        await bot.get_chat(GROUP.id)


async def test_timeout_after_delivery_is_a_delivered_message(bot: Bot, fake: FakeBotAPI) -> None:
    fake.fail("sendMessage", "timeout", deliver=True)
    with pytest.raises(TimedOut):
        await bot.send_message(ANNA.id, "misschien")
    assert [c.text for c in fake.sent_messages()] == ["misschien"]
    assert fake.sent_messages()[0].error and fake.failed_calls == []


async def test_migrated_group(bot: Bot, fake: FakeBotAPI) -> None:
    old = -4242
    fake.fail("sendMessage", "migrated", chat_id=old, migrate_to=-1004242)
    for _ in range(2):
        with pytest.raises(ChatMigrated) as info:
            await bot.send_message(old, "hoi")
        assert info.value.new_chat_id == -1004242
    msg = await bot.send_message(info.value.new_chat_id, "hoi")
    assert msg.chat.id == -1004242 and msg.chat.type == "supergroup"
    assert len(fake.sent_messages()) == 1 and len(fake.failed_calls) == 2
    assert fake.migrate_chat(-77) == -10077


async def test_blocked_and_never_started(bot: Bot, fake: FakeBotAPI) -> None:
    fake.blocked(ANNA.id)
    fake.never_started(BERT.id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ANNA.id, "hoi")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(BERT.id, "hoi")
    await bot.send_message(GROUP.id, "groep werkt")
    fake.unblock(ANNA.id)
    await bot.send_message(ANNA.id, "weer welkom")
    assert [c.text for c in fake.sent_messages()] == ["groep werkt", "weer welkom"]


def test_bad_fault_kind_rejected(fake: FakeBotAPI) -> None:
    with pytest.raises(ValueError):
        fake.fail("sendMessage", "meteor")
    with pytest.raises(ValueError):
        fake.fail("sendMessage", "migrated")


# ---------------------------------------------------------------------- flood limits
class VirtualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_limit_per_chat_per_second(bot: Bot, fake: FakeBotAPI) -> None:
    clock = VirtualClock()
    fake.enforce_limits(clock)
    await bot.send_message(ANNA.id, "1")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(ANNA.id, "2")
    assert retry_seconds(info.value) == 1
    await bot.send_message(BERT.id, "andere chat mag")
    clock.now += 1
    await bot.send_message(ANNA.id, "2")
    assert len(fake.sent_messages()) == 3 and len(fake.failed_calls) == 1


async def test_limit_global_30_per_second(bot: Bot, fake: FakeBotAPI) -> None:
    clock = VirtualClock()
    fake.enforce_limits(clock)
    for i in range(30):
        await bot.send_message(10_000 + i, "x")
    with pytest.raises(RetryAfter):
        await bot.send_message(20_000, "x")
    clock.now += 0.5
    with pytest.raises(RetryAfter):
        await bot.send_message(20_000, "x")
    clock.now += 0.5
    await bot.send_message(20_000, "x")


async def test_limit_group_20_per_minute(bot: Bot, fake: FakeBotAPI) -> None:
    clock = VirtualClock()
    fake.enforce_limits(clock)
    for _ in range(20):
        await bot.send_message(GROUP.id, "x")
        clock.now += 1
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(GROUP.id, "x")
    assert retry_seconds(info.value) == 40  # the first send leaves the window at t0 + 60
    clock.now += retry_seconds(info.value)
    await bot.send_message(GROUP.id, "x")
    fake.disable_limits()
    await bot.send_message(GROUP.id, "y")
    await bot.send_message(GROUP.id, "z")


# ---------------------------------------------------------------------- update factories
def test_update_factories_parse() -> None:
    assert upd.private_text(ANNA, "hoi").message.chat.type == "private"
    ids = [upd.private_text(ANNA, "x").update_id for _ in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3
    cmd = upd.command(ANNA, GROUP, "/start", ["abc", "def"], mention_bot=True)
    assert cmd.message.text == f"/start@{BOT_USERNAME} abc def"
    assert cmd.message.entities[0].type == "bot_command"
    assert upd.contact(ANNA, "+31612345678").message.contact.user_id == ANNA.id
    assert upd.voice(ANNA).message.voice.file_id
    assert upd.photo(ANNA, caption="c").message.photo[-1].width == 1280
    assert upd.location(ANNA, 50.86, 6.06).message.location.latitude == 50.86
    assert upd.sticker(ANNA).message.sticker.emoji == "👍"
    added = upd.my_chat_member(ANNA, GROUP)
    assert added.my_chat_member.new_chat_member.status == "member"
    assert added.my_chat_member.new_chat_member.user.id == BOT_ID
    req = upd.chat_join_request(BERT, GROUP)
    assert req.chat_join_request.user_chat_id == BERT.id
    assert upd.edited_message(ANNA, "fix").edited_message.text == "fix"
    post = upd.channel_post(upd.make_group(-1009, "Kanaal"), "nieuws")
    assert post.channel_post.chat.type == "channel" and post.effective_user is None
    cb = upd.callback(ANNA, {"message_id": 3, "date": 0, "chat": {"id": ANNA.id, "type": "private"}}, "d")
    assert cb.callback_query.data == "d" and cb.callback_query.chat_instance
    assert upd.make_group(-5, "klein").type == "group"


# ---------------------------------------------------------------------- harness
def build_app(fake: FakeBotAPI):
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        who = " ".join(context.args) or update.effective_user.first_name
        await update.effective_message.reply_text(f"Hallo {who}! Wil je helpen?", reply_markup=keyboard("Ja", "Nee"))

    async def choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer()
        await query.edit_message_text(f"Je koos: {query.data.removeprefix('cb:')}")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message.text == "boem":
            raise RuntimeError("kapot")
        await update.message.reply_text(update.message.text.upper())

    async def phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"Nummer {update.message.contact.phone_number}")

    async def joined(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.chat_join_request.approve()

    async def added(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await context.bot.send_message(update.effective_chat.id, "Dank voor het toevoegen")

    app = ApplicationBuilder().token(TOKEN).request(fake).get_updates_request(fake).updater(None).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(choice))
    app.add_handler(MessageHandler(filters.CONTACT, phone))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(ChatJoinRequestHandler(joined))
    app.add_handler(ChatMemberHandler(added, ChatMemberHandler.MY_CHAT_MEMBER))
    return app


async def test_harness_end_to_end(fake: FakeBotAPI) -> None:
    async with BotHarness(build_app(fake), fake) as h:
        sent = await h.command(ANNA, "/start")
        assert [c.text for c in sent] == ["Hallo Anna! Wil je helpen?"]
        assert h.buttons(ANNA) == ["Ja", "Nee"]
        await h.command(ANNA, "/start Bert en Co")
        assert h.last_text(ANNA.id) == "Hallo Bert en Co! Wil je helpen?"

        sent = await h.press(ANNA, "Ja")
        assert sent == []  # no new messages, an edit instead
        assert [c.method for c in h.last_calls] == ["answerCallbackQuery", "editMessageText"]
        assert h.last_text(ANNA.id) == "Je koos: Ja"
        assert h.last_calls[1].params["message_id"] == 2  # the newest message with the button
        await h.press(ANNA, "Nee")  # the first message still has its keyboard
        assert h.texts(ANNA) == ["Je koos: Nee", "Je koos: Ja"]
        with pytest.raises(AssertionError, match="no inline button"):
            await h.press(ANNA, "Misschien")

        sent = await h.send(BERT, "hoi")
        assert [(c.chat_id, c.text) for c in sent] == [(BERT.id, "HOI")]
        assert (await h.share_contact(BERT, "+31611111111"))[0].text == "Nummer +31611111111"
        await h.send(BERT, "groepsbericht", chat=GROUP)
        assert h.last_text(GROUP.id) == "GROEPSBERICHT"

        await h.process(upd.chat_join_request(BERT, GROUP))
        assert h.last_calls[0].method == "approveChatJoinRequest"
        await h.process(upd.my_chat_member(ANNA, upd.make_group(-777, "Nieuw")))
        assert h.last_text(-777) == "Dank voor het toevoegen"

        with pytest.raises(RuntimeError, match="kapot"):
            await h.send(ANNA, "boem")
        assert len(h.errors) == 1


async def test_harness_can_leave_errors_to_the_app(fake: FakeBotAPI) -> None:
    app = build_app(fake)
    seen: list[BaseException] = []

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(context.error)

    app.add_error_handler(on_error)
    async with BotHarness(app, fake, raise_errors=False) as h:
        await h.send(ANNA, "boem")
        assert len(seen) == 1 and len(h.errors) == 1


async def test_harness_with_blocked_user_surfaces_forbidden(fake: FakeBotAPI) -> None:
    fake.blocked(ANNA.id)
    async with BotHarness(build_app(fake), fake) as h:
        with pytest.raises(Forbidden):
            await h.command(ANNA, "/start")
        assert fake.sent_messages() == [] and len(fake.failed_calls) == 1


async def test_real_updater_polling_against_the_fake(fake: FakeBotAPI) -> None:
    """Not how conversation tests run (they use BotHarness), but the fake serves the Updater too."""
    app = build_app(fake)
    app_with_updater = ApplicationBuilder().token(TOKEN).request(fake).get_updates_request(fake).build()
    for handler in app.handlers[0]:
        app_with_updater.add_handler(handler)
    async with app_with_updater:
        await app_with_updater.start()
        await app_with_updater.updater.start_polling(poll_interval=0, timeout=0)
        fake.queue_update(upd.command(ANNA, None, "/start"))
        for _ in range(1000):
            await asyncio.sleep(0)
            if fake.sent_messages():
                break
        await app_with_updater.updater.stop()
        await app_with_updater.stop()
    assert [c.text for c in fake.sent_messages()] == ["Hallo Anna! Wil je helpen?"]
    assert fake.pending_updates == []  # confirmed via offset on stop
