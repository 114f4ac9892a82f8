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
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    ChatJoinRequestHandler,
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
from bot.context import BotContext
from bot.delivery import OutboxSender
from bot.flows import activity, call_back, help_request, menu, my_requests, on_behalf, sign_up, steunpunt, welcome
from bot.flows.place_picker import PLACE_CALLBACKS
from bot.flows.states import (
    ASK_CATEGORY,
    ASK_CONFIRM,
    ASK_DETAILS,
    ASK_PLACE,
    ASK_WHEN,
    BEHALF_CONSENT,
    BEHALF_NAME,
    CALLBACK_PHONE,
    CALLBACK_TIME,
    SIGN_UP_AVAILABILITY,
    SIGN_UP_CATEGORIES,
    SIGN_UP_CONSENT,
    SIGN_UP_PHONE,
    SIGN_UP_PLACES,
    SIGN_UP_REINTEGRATION,
    START_PLACE,
)
from bot.handlers import (
    claims,
    common,
    desk_login,
    errors,
    groups,
    inbox,
    join_requests,
    language,
    lifecycle,
    monitoring,
    news,
    privacy,
    private_media,
    referrals,
    rsvp,
    volunteers,
)
from bot.handlers import coordinators as coordinator_commands
from bot.i18n import LOCALES, translator
from bot.logs import quiet_library_loggers
from bot.matching import default_category_matcher, default_place_matcher
from bot.persistence import DatabasePersistence
from bot.rate_limit import OUTBOX, RetryingRateLimiter, sleep_for
from bot.render.notices import telegram_renderer
from bot.services.desk_notices import with_call_backs_for_phone_only
from bot.services.erasure import schedule_retention
from bot.services.runtime import Runtime
from bot.services.timers import fire_due_timers
from db.session import make_engine

log = logging.getLogger(__name__)
PRIVATE = filters.ChatType.PRIVATE
PRIVATE_TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND
MEDIA = filters.VOICE | filters.PHOTO | filters.VIDEO | filters.AUDIO | filters.Document.ALL | filters.VIDEO_NOTE
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
    quiet_library_loggers()
    engine = engine or make_engine(settings.database_url)
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token)
        .base_url(settings.api_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.time_zone))
        .context_types(ContextTypes(context=BotContext))
        .persistence(DatabasePersistence(engine))
        .post_init(_post_init)
        .post_stop(_post_stop)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    # RetryAfter is retried below the handlers; a test server (request given) is never throttled.
    throttle = request is None and settings.throttle
    builder = builder.rate_limiter(RetryingRateLimiter(throttle=throttle, sleep=sleep_for(clock)))
    application = builder.build()
    application.bot_data["runtime"] = build_runtime(settings, engine, clock or SystemClock())
    _register_handlers(application)
    return application


def build_runtime(settings: Settings, engine: Engine, clock: Clock) -> Runtime:
    """The parts the bot and the desk share; notices become Telegram messages, or call-backs for a phone."""
    return Runtime(
        settings=settings,
        engine=engine,
        clock=clock,
        categories=default_category_matcher(),
        places=default_place_matcher(),
        render_notices=with_call_backs_for_phone_only(telegram_renderer(settings, clock)),
    )


def _register_handlers(application: Application) -> None:
    # Group -1 runs first for every update: idempotency, the user's record and language.
    application.add_handler(TypeHandler(Update, common.prepare_update), group=-1)

    application.add_handler(ChatMemberHandler(groups.bot_added, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(CommandHandler("koppel", groups.link_command, filters.ChatType.GROUPS))
    application.add_handler(CallbackQueryHandler(groups.link_callback, pattern=groups.LINK_CALLBACKS))
    application.add_handler(CallbackQueryHandler(claims.claim, pattern=claims.CLAIM))
    application.add_handler(CallbackQueryHandler(referrals.refer, pattern=referrals.REFER))
    # Volunteers and the life of a request: their buttons work at any moment (so before the conversation).
    application.add_handlers(_volunteers_and_lifecycle())
    # Privacy works at any moment, also in the middle of a question (so before the conversation).
    application.add_handler(CommandHandler("privacy", privacy.explain, PRIVATE))
    application.add_handler(CommandHandler("vergeetmij", privacy.ask_to_forget, PRIVATE))
    application.add_handler(CallbackQueryHandler(privacy.confirm_forget, pattern=privacy.FORGET_CALLBACK))
    # Coordinators (inbox, activities, figures) and the RSVP and news buttons work at any moment
    # (so before the coordinator conversation, whose fallbacks catch everything else).
    application.add_handlers(_coordinators_and_activities())
    application.add_handler(_coordinator_conversation())
    application.add_handler(_private_conversation())
    # Outside any conversation: /stop still answers, the same things work as inside one,
    # and old buttons say they no longer work.
    application.add_handler(CommandHandler(["stop", "annuleer"], welcome.stop, PRIVATE))
    application.add_handlers(_anywhere_in_private())
    application.add_handler(CallbackQueryHandler(welcome.nudge))

    application.add_error_handler(errors.on_error)


def _anywhere_in_private() -> list[BaseHandler]:
    """What works in a private chat at any moment, also in the middle of a question."""
    return [
        CommandHandler("taal", language.choose_language, PRIVATE),
        CallbackQueryHandler(language.set_language, pattern=language.LANGUAGE_CALLBACK),
        MessageHandler(PRIVATE & MEDIA, private_media.forward_media),
        MessageHandler(PRIVATE & filters.LOCATION, private_media.suggest_place),
        CallbackQueryHandler(private_media.confirm_place, pattern=private_media.LOCATION_CALLBACK),
        MessageHandler(PRIVATE & filters.Sticker.ALL, private_media.sticker),
    ]


def _volunteers_and_lifecycle() -> list[BaseHandler]:
    """Coordinators' approvals, join requests, /aanbod, /mijnvragen and the buttons after a claim."""
    return [
        ChatJoinRequestHandler(join_requests.join_request),
        CallbackQueryHandler(volunteers.decide, pattern=volunteers.DECIDE),
        CommandHandler("aanbod", volunteers.show_offer, PRIVATE),
        CallbackQueryHandler(volunteers.change_offer, pattern=volunteers.OFFER),
        CallbackQueryHandler(lifecycle.done, pattern=lifecycle.DONE),
        CallbackQueryHandler(lifecycle.minutes, pattern=lifecycle.MINUTES),
        CallbackQueryHandler(lifecycle.release, pattern=lifecycle.RELEASE),
        CallbackQueryHandler(lifecycle.feedback, pattern=lifecycle.FEEDBACK),
        CallbackQueryHandler(lifecycle.again, pattern=lifecycle.AGAIN),
        CallbackQueryHandler(lifecycle.pass_offer, pattern=lifecycle.PASS),
        CommandHandler("mijnvragen", my_requests.my_requests, PRIVATE),
        CallbackQueryHandler(my_requests.cancel, pattern=my_requests.CANCEL),
    ]


def _coordinators_and_activities() -> list[BaseHandler]:
    """Coordinators' commands and buttons (each checks the role), RSVPs, news, steunpunten, the desk's login link."""
    return [
        CommandHandler("coordinator", coordinator_commands.coordinator_command, PRIVATE),
        CommandHandler("inbox", inbox.show_inbox, PRIVATE),
        CallbackQueryHandler(inbox.inbox_action, pattern=inbox.INBOX_ACTION),
        CommandHandler("deelnemers", rsvp.list_attendees, PRIVATE),
        CallbackQueryHandler(rsvp.manage, pattern=rsvp.MANAGE),
        CallbackQueryHandler(rsvp.rsvp, pattern=rsvp.RSVP),
        CommandHandler("overzicht", monitoring.show_overview, PRIVATE),
        CommandHandler("export", monitoring.send_export, PRIVATE),
        CommandHandler("nieuws", news.news_command, PRIVATE),
        CallbackQueryHandler(news.choose_news, pattern=menu.NEWS),
        CommandHandler("steunpunt", steunpunt.show_steunpunten, PRIVATE),
        CommandHandler("balie", desk_login.send_login_link, PRIVATE),
    ]


def _coordinator_conversation() -> ConversationHandler:
    """A coordinator's short conversations: announcing an activity, a note on an inbox item."""
    text = MessageHandler(PRIVATE_TEXT, activity.type_title)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("activiteit", activity.start_activity, PRIVATE),
                CallbackQueryHandler(inbox.ask_note, pattern=inbox.INBOX_NOTE_BUTTON),
            ],
            states={
                activity.ACT_MUNICIPALITY: [
                    CallbackQueryHandler(activity.choose_municipality, pattern=r"^actmun:[a-z0-9-]{1,40}$")
                ],
                activity.ACT_TITLE: [text],
                activity.ACT_DESCRIPTION: [MessageHandler(PRIVATE_TEXT, activity.type_description)],
                activity.ACT_WHEN: [MessageHandler(PRIVATE_TEXT, activity.type_when)],
                activity.ACT_PLACE: [MessageHandler(PRIVATE_TEXT, activity.type_place)],
                activity.ACT_AREA: [CallbackQueryHandler(activity.choose_area, pattern=r"^actarea:[a-z0-9-]{1,40}$")],
                activity.ACT_CAPACITY: [
                    CallbackQueryHandler(activity.no_capacity, pattern=r"^actcap:none$"),
                    MessageHandler(PRIVATE_TEXT, activity.type_capacity),
                ],
                activity.ACT_COST: [
                    CallbackQueryHandler(activity.free_of_charge, pattern=r"^actcost:free$"),
                    MessageHandler(PRIVATE_TEXT, activity.type_cost),
                ],
                activity.ACT_PREVIEW: [CallbackQueryHandler(activity.publish, pattern=r"^actpub:(yes|no)$")],
                inbox.INBOX_NOTE: [MessageHandler(PRIVATE_TEXT, inbox.receive_note)],
            },
            fallbacks=[
                CommandHandler(["stop", "annuleer"], welcome.stop, PRIVATE),
                CommandHandler("activiteit", activity.start_activity, PRIVATE),
                # Anything else in the middle (text at a button step, an old button): say how to go on.
                MessageHandler(PRIVATE, welcome.nudge),
                CallbackQueryHandler(welcome.nudge),
            ],
            conversation_timeout=CONVERSATION_TIMEOUT,
            name="coordinator_chat",
            persistent=True,
        )


def _sign_up_states() -> dict[str, list[BaseHandler]]:
    """The volunteer sign-up inside the private conversation."""
    return {
        SIGN_UP_CATEGORIES: [CallbackQueryHandler(sign_up.toggle_category, pattern=sign_up.CATEGORY_CALLBACKS)],
        SIGN_UP_PLACES: [
            CallbackQueryHandler(sign_up.choose_place, pattern=PLACE_CALLBACKS),
            CallbackQueryHandler(sign_up.places_done, pattern=sign_up.PLACE_DONE_CALLBACKS),
            MessageHandler(PRIVATE_TEXT, sign_up.type_place),
        ],
        SIGN_UP_AVAILABILITY: [
            CallbackQueryHandler(sign_up.toggle_availability, pattern=sign_up.AVAILABILITY_CALLBACKS)
        ],
        SIGN_UP_PHONE: [MessageHandler(PRIVATE & (filters.CONTACT | PRIVATE_TEXT), sign_up.receive_phone)],
        SIGN_UP_REINTEGRATION: [
            CallbackQueryHandler(sign_up.choose_reintegration, pattern=sign_up.REINTEGRATION_CALLBACKS)
        ],
        SIGN_UP_CONSENT: [CallbackQueryHandler(sign_up.choose_consent, pattern=sign_up.CONSENT_CALLBACKS)],
    }


def _private_conversation() -> ConversationHandler:
    """Everything a resident does in a private chat: welcome, a help request, a call-back."""
    place_handlers = [CallbackQueryHandler(help_request.choose_place, pattern=PLACE_CALLBACKS)]
    callme = CallbackQueryHandler(call_back.ask_phone, pattern=r"^menu:callme$")
    restart = [
        CommandHandler("start", welcome.start, PRIVATE),
        CommandHandler("hulp", help_request.start_help, PRIVATE),
        CallbackQueryHandler(help_request.start_help, pattern=r"^menu:help$"),
        CommandHandler("aanbieden", sign_up.start_sign_up, PRIVATE),
        CallbackQueryHandler(sign_up.start_sign_up, pattern=r"^(menu:volunteer|offer:edit)$"),
        CallbackQueryHandler(welcome.ask_start_place, pattern=r"^menu:place$"),
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
                    CallbackQueryHandler(private_media.confirm_start_place, pattern=private_media.LOCATION_CALLBACK),
                    MessageHandler(PRIVATE_TEXT, welcome.type_start_place),
                ],
                ASK_CATEGORY: [
                    CallbackQueryHandler(help_request.choose_category, pattern=r"^cat:[a-z]{1,20}$"),
                    MessageHandler(PRIVATE_TEXT, help_request.answer_category),
                ],
                ASK_PLACE: [
                    *place_handlers,
                    CallbackQueryHandler(private_media.confirm_request_place, pattern=private_media.LOCATION_CALLBACK),
                    MessageHandler(PRIVATE_TEXT, help_request.type_place),
                ],
                ASK_WHEN: [
                    CallbackQueryHandler(help_request.choose_when, pattern=r"^when:[a-z]{1,10}$"),
                    MessageHandler(PRIVATE_TEXT, help_request.type_when),
                ],
                ASK_DETAILS: [
                    CallbackQueryHandler(help_request.skip_details, pattern=r"^details:skip$"),
                    MessageHandler(PRIVATE_TEXT, help_request.type_details),
                ],
                ASK_CONFIRM: [
                    CallbackQueryHandler(help_request.confirm, pattern=r"^send:(yes|no)$"),
                    CallbackQueryHandler(on_behalf.ask_name, pattern=on_behalf.START_CALLBACK),
                    MessageHandler(PRIVATE_TEXT, help_request.type_confirm),
                ],
                BEHALF_NAME: [MessageHandler(PRIVATE_TEXT, on_behalf.type_name)],
                BEHALF_CONSENT: [CallbackQueryHandler(on_behalf.choose_consent, pattern=on_behalf.CONSENT_CALLBACKS)],
                **_sign_up_states(),
                CALLBACK_PHONE: [
                    MessageHandler(PRIVATE & (filters.CONTACT | PRIVATE_TEXT), call_back.receive_phone),
                ],
                CALLBACK_TIME: [
                    CallbackQueryHandler(call_back.choose_time, pattern=r"^call:[a-z]{1,10}$"),
                    MessageHandler(PRIVATE_TEXT, call_back.type_time),
                ],
            },
            fallbacks=[
                CommandHandler(["stop", "annuleer"], welcome.stop, PRIVATE),
                *restart,
                *_anywhere_in_private(),
                MessageHandler(PRIVATE, welcome.nudge),
                CallbackQueryHandler(welcome.nudge),
            ],
            conversation_timeout=CONVERSATION_TIMEOUT,
            name="private_chat",
            persistent=True,
        )


def command_menu(locale: str) -> list[BotCommand]:
    """The command menu in one language."""
    _ = translator(locale)
    return [
        BotCommand("start", _("Begin hier")),
        BotCommand("hulp", _("Ik zoek hulp")),
        BotCommand("mijnvragen", _("Mijn vragen")),
        BotCommand("aanbieden", _("Ik wil helpen")),
        BotCommand("steunpunt", _("Waar kan ik terecht?")),
        BotCommand("nieuws", _("Berichten over activiteiten")),
        BotCommand("taal", _("Kies uw taal")),
        BotCommand("stop", _("Stop met deze vraag")),
        BotCommand("privacy", _("Uw privacy")),
    ]


async def set_public_profile(bot: ExtBot) -> None:
    """Command menus and descriptions in every language; each is nice to have, none is fatal."""
    for locale in LOCALES:
        _ = translator(locale)
        calls = (
            bot.set_my_commands(command_menu(locale), language_code=locale),
            bot.set_my_short_description(_("Buren helpen buren in Parkstad."), language_code=locale),
            bot.set_my_description(
                _("Zoekt u hulp? Of wilt u helpen? Typ gewoon wat u nodig heeft."), language_code=locale
            ),
        )
        for call in calls:
            try:
                await call
            except Exception as error:  # a menu or a description is not essential
                log.warning("could not set the %s profile: %s", locale, type(error).__name__)


async def _post_init(application: Application) -> None:
    """Start-up of a running bot: menus and descriptions, the outbox sender and the timers."""
    await set_public_profile(application.bot)
    runtime: Runtime = application.bot_data["runtime"]
    sender = OutboxSender(runtime.engine, outbox_call(application.bot), runtime.clock)
    stop = asyncio.Event()
    application.bot_data["sender_stop"] = stop
    application.bot_data["sender_task"] = asyncio.create_task(sender.run(stop), name="outbox-sender")
    with runtime.unit_of_work() as uow:
        schedule_retention(uow.session, now=runtime.clock.now(), settings=runtime.settings)
        uow.commit()
    application.job_queue.run_repeating(_fire_timers, interval=TIMER_INTERVAL, first=1, name="timers")


def outbox_call(bot: ExtBot) -> Callable[[str, dict], Awaitable[Any]]:
    """How the sender makes a stored Bot API call: by method name, with the stored parameters."""

    async def call(method: str, params: dict) -> Any:
        with warnings.catch_warnings():
            # PTB suggests the typed method; the outbox stores calls by their Bot API name on purpose.
            warnings.simplefilter("ignore", PTBUserWarning)
            return await bot.do_api_request(method, api_kwargs=params, rate_limit_args=OUTBOX)

    return call


async def _post_stop(application: Application) -> None:
    """Let the sender finish its current pass."""
    stop: asyncio.Event | None = application.bot_data.get("sender_stop")
    if stop is not None:
        stop.set()
        await application.bot_data["sender_task"]


async def _fire_timers(context: BotContext) -> None:
    runtime = context.runtime
    with runtime.unit_of_work() as uow:
        fire_due_timers(uow.session, now=runtime.clock.now(), settings=runtime.settings)
        uow.commit()
