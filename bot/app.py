"""The composition root: builds the Application and registers every handler, in order."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.engine import Engine
from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    Defaults,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.context import BotContext, Runtime
from bot.delivery import OutboxSender
from bot.flows import call_back, help_request, welcome
from bot.flows.place_picker import PLACE_CALLBACKS
from bot.flows.states import (
    ASK_CATEGORY,
    ASK_CONFIRM,
    ASK_DETAILS,
    ASK_PLACE,
    ASK_WHEN,
    CALLBACK_PHONE,
    CALLBACK_TIME,
    START_PLACE,
)
from bot.handlers import claims, common, errors, groups, referrals
from bot.i18n import LOCALES, translator
from bot.matching import default_category_matcher, default_place_matcher
from bot.services.timers import fire_due_timers
from db.session import make_engine

log = logging.getLogger(__name__)
PRIVATE = filters.ChatType.PRIVATE
PRIVATE_TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND
CONVERSATION_TIMEOUT = 60 * 60
TIMER_INTERVAL = 30


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    engine: Engine | None = None,
    clock: Clock | None = None,
) -> Application:
    """Build the bot: one place where everything is wired together."""
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token)
        .base_url(settings.api_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.time_zone))
        .context_types(ContextTypes(context=BotContext))
        .post_init(_post_init)
        .post_stop(_post_stop)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    application = builder.build()
    application.bot_data["runtime"] = Runtime(
        settings=settings,
        engine=engine or make_engine(settings.database_url),
        clock=clock or SystemClock(),
        categories=default_category_matcher(),
        places=default_place_matcher(),
    )
    _register_handlers(application)
    return application


def _register_handlers(application: Application) -> None:
    # Group -1 runs first for every update: idempotency, the user's record and language.
    application.add_handler(TypeHandler(Update, common.prepare_update), group=-1)

    application.add_handler(ChatMemberHandler(groups.bot_added, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(CommandHandler("koppel", groups.link_command, filters.ChatType.GROUPS))
    application.add_handler(CallbackQueryHandler(groups.link_callback, pattern=groups.LINK_CALLBACKS))
    application.add_handler(CallbackQueryHandler(claims.claim, pattern=claims.CLAIM))
    application.add_handler(CallbackQueryHandler(referrals.refer, pattern=referrals.REFER))
    application.add_handler(_private_conversation())
    # Outside any conversation, /stop still answers, and old buttons say they no longer work.
    application.add_handler(CommandHandler(["stop", "annuleer"], welcome.stop, PRIVATE))
    application.add_handler(CallbackQueryHandler(welcome.nudge))

    application.add_error_handler(errors.on_error)


def _private_conversation() -> ConversationHandler:
    """Everything a resident does in a private chat: welcome, a help request, a call-back."""
    place_handlers = [CallbackQueryHandler(help_request.choose_place, pattern=PLACE_CALLBACKS)]
    callme = CallbackQueryHandler(call_back.ask_phone, pattern=r"^menu:callme$")
    restart = [
        CommandHandler("start", welcome.start, PRIVATE),
        CommandHandler("hulp", help_request.start_help, PRIVATE),
        CallbackQueryHandler(help_request.start_help, pattern=r"^menu:help$"),
        CallbackQueryHandler(welcome.offer_volunteering, pattern=r"^menu:volunteer$"),
        callme,
    ]
    with warnings.catch_warnings():
        # Our buttons are routed by their data, not by message; PTB warns about that combination.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[*restart, MessageHandler(PRIVATE_TEXT, help_request.understand_text)],
            states={
                START_PLACE: [
                    CallbackQueryHandler(welcome.choose_start_place, pattern=PLACE_CALLBACKS),
                    MessageHandler(PRIVATE_TEXT, welcome.type_start_place),
                ],
                ASK_CATEGORY: [
                    CallbackQueryHandler(help_request.choose_category, pattern=r"^cat:[a-z]{1,20}$"),
                    MessageHandler(PRIVATE_TEXT, help_request.understand_text),
                ],
                ASK_PLACE: [*place_handlers, MessageHandler(PRIVATE_TEXT, help_request.type_place)],
                ASK_WHEN: [
                    CallbackQueryHandler(help_request.choose_when, pattern=r"^when:[a-z]{1,10}$"),
                    MessageHandler(PRIVATE_TEXT, help_request.type_when),
                ],
                ASK_DETAILS: [
                    CallbackQueryHandler(help_request.skip_details, pattern=r"^details:skip$"),
                    MessageHandler(PRIVATE_TEXT, help_request.type_details),
                ],
                ASK_CONFIRM: [CallbackQueryHandler(help_request.confirm, pattern=r"^send:(yes|no)$")],
                CALLBACK_PHONE: [
                    MessageHandler(PRIVATE & (filters.CONTACT | PRIVATE_TEXT), call_back.receive_phone),
                ],
                CALLBACK_TIME: [CallbackQueryHandler(call_back.choose_time, pattern=r"^call:[a-z]{1,10}$")],
            },
            fallbacks=[
                CommandHandler(["stop", "annuleer"], welcome.stop, PRIVATE),
                *restart,
                MessageHandler(PRIVATE, welcome.nudge),
                CallbackQueryHandler(welcome.nudge),
            ],
            conversation_timeout=CONVERSATION_TIMEOUT,
            name="private_chat",
        )


def command_menu(locale: str) -> list[BotCommand]:
    """The command menu in one language."""
    _ = translator(locale)
    return [
        BotCommand("start", _("Begin hier")),
        BotCommand("hulp", _("Ik zoek hulp")),
        BotCommand("stop", _("Stoppen met de vraag")),
    ]


async def _post_init(application: Application) -> None:
    """Start-up of a running bot: command menus (never fatal), the outbox sender and the timers."""
    for locale in LOCALES:
        try:
            await application.bot.set_my_commands(command_menu(locale), language_code=locale)
        except Exception as error:
            log.warning("could not set the %s command menu: %s", locale, type(error).__name__)
    runtime: Runtime = application.bot_data["runtime"]
    sender = OutboxSender(runtime.engine, outbox_call(application.bot), runtime.clock)
    stop = asyncio.Event()
    application.bot_data["sender_stop"] = stop
    application.bot_data["sender_task"] = asyncio.create_task(sender.run(stop), name="outbox-sender")
    application.job_queue.run_repeating(_fire_timers, interval=TIMER_INTERVAL, first=1, name="timers")


def outbox_call(bot: ExtBot) -> Callable[[str, dict], Awaitable[Any]]:
    """How the sender makes a stored Bot API call: by method name, with the stored parameters."""

    async def call(method: str, params: dict) -> Any:
        with warnings.catch_warnings():
            # PTB suggests the typed method; the outbox stores calls by their Bot API name on purpose.
            warnings.simplefilter("ignore", PTBUserWarning)
            return await bot.do_api_request(method, api_kwargs=params)

    return call


async def _post_stop(application: Application) -> None:
    """Let the sender finish its current pass."""
    stop: asyncio.Event | None = application.bot_data.get("sender_stop")
    if stop is not None:
        stop.set()
        await application.bot_data["sender_task"]


async def _fire_timers(context: BotContext) -> None:
    runtime = context.runtime
    with context.session() as session:
        fire_due_timers(session, now=runtime.clock.now(), settings=runtime.settings)
