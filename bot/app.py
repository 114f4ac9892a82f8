"""The composition root: builds the Application and registers every handler, in order."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.engine import Engine
from telegram import BotCommand
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
    Defaults,
    ExtBot,
    MessageHandler,
    PollHandler,
    filters,
)
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

from bot import buttons as b
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.context import BotContext
from bot.delivery import Limits, OutboxSender, Throttle
from bot.delivery.wake import listen_for_wakes
from bot.flows import (
    activity,
    call_back,
    conversation,
    help_request,
    my_requests,
    on_behalf,
    sign_up,
    steunpunt,
    survey,
    survey_builder,
    time_spent,
    welcome,
)
from bot.flows.expired import expired, only_in
from bot.flows.place_picker import show_areas
from bot.flows.states import State
from bot.flows.turn import Turn, turn_handler
from bot.handlers import (
    claims,
    desk_login,
    errors,
    groups,
    inbox,
    join_requests,
    language,
    lifecycle,
    monitoring,
    news,
    organisers,
    privacy,
    private_media,
    referrals,
    rsvp,
    surveys,
    volunteers,
)
from bot.handlers import coordinators as coordinator_commands
from bot.i18n import LOCALES, translator
from bot.logs import quiet_library_loggers
from bot.render.notices import telegram_renderer
from bot.services.desk_notices import with_call_backs_for_phone_only
from bot.services.erasure import schedule_retention
from bot.services.runtime import Runtime
from bot.services.timers import fire_due_timers
from bot.services.unit_of_work import WakeSenders
from bot.understanding import default_reader
from bot.update_processor import PerUserUpdateProcessor
from db.session import make_engine

log = logging.getLogger(__name__)
PRIVATE = filters.ChatType.PRIVATE
PRIVATE_TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND
MEDIA = filters.VOICE | filters.PHOTO | filters.VIDEO | filters.AUDIO | filters.Document.ALL | filters.VIDEO_NOTE
TIMER_INTERVAL = 30
UNLIMITED = Limits(overall_per_second=10**9, per_group_per_minute=10**9, per_chat_per_second=10**9)


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
    clock = clock or SystemClock()
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.time_zone))
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(PerUserUpdateProcessor())
        .post_init(_post_init)
        .post_stop(_post_stop)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    # One budget for every call to Telegram: the replies a turn sends after its commit and the outbox's passes.
    throttle = Throttle(Limits() if settings.throttle else UNLIMITED)
    sender = OutboxSender(engine, outbox_call(application.bot), clock, throttle=throttle)
    application.bot_data["sender"] = sender
    application.bot_data["runtime"] = build_runtime(settings, engine, clock, wake_senders=sender.wake)
    _register_handlers(application)
    return application


def build_runtime(
    settings: Settings, engine: Engine, clock: Clock, wake_senders: WakeSenders = lambda _chats: None
) -> Runtime:
    """The parts the bot and the desk share; notices become Telegram messages, or call-backs for a phone."""
    reader = default_reader()  # the language data, read once before the first update (not during it)
    return Runtime(
        settings=settings,
        engine=engine,
        clock=clock,
        categories=reader.categories,
        places=reader.places,
        render_notices=with_call_backs_for_phone_only(telegram_renderer(settings, clock)),
        wake_senders=wake_senders,
    )


def pressed(step: Callable[[Turn, Any], None]) -> Callable[[Turn], None]:
    """A button's step: it gets the typed button that was pressed."""

    def run(turn: Turn) -> None:
        if turn.button is None:  # PTB hands a press without data to every button route
            expired(turn)
        else:
            step(turn, turn.button)

    run.__name__ = run.__qualname__ = step.__name__
    run.__doc__ = step.__doc__
    return run


# Every button kind and the step it runs; a kind missing here is a test failure (tests/test_buttons.py).
RESIDENT_BUTTONS: dict[type[b.Button], Callable[[Turn, Any], None]] = {
    b.Menu: conversation.menu_choice,
    b.News: news.choose_news,
    b.PickMunicipality: show_areas,
    b.PickPlace: conversation.pick_place,
    b.ConfirmLocation: conversation.pick_place,
    b.ChooseCategory: only_in(State.ASK_CATEGORY)(help_request.choose_category),
    b.ChooseWhen: only_in(State.ASK_WHEN)(help_request.choose_when),
    b.SkipDetails: only_in(State.ASK_DETAILS)(help_request.skip_details),
    b.ConfirmRequest: only_in(State.ASK_CONFIRM)(help_request.confirm),
    b.OnBehalf: only_in(State.ASK_CONFIRM, State.BEHALF_CONSENT)(on_behalf.choose),
    b.SecondNeed: only_in(State.SECOND_NEED)(help_request.choose_second_need),
    b.CallTime: call_back.choose_time,
    b.CancelRequest: my_requests.cancel,
    b.Language: language.set_language,
    b.Forget: privacy.confirm_forget,
    b.SurveyStep: survey.step,
    b.SurveyNext: only_in(State.SURVEY_ANSWER)(survey.next_question),
    b.SurveyMark: only_in(State.SURVEY_ANSWER)(survey.mark),
}
# The coordinators' (and organisers') buttons (each step checks the role again), and the answers to an activity.
COORDINATOR_BUTTONS: dict[type[b.Button], Callable[[Turn, Any], None]] = {
    b.LinkMunicipality: groups.choose_municipality,
    b.LinkPlace: groups.link_place,
    b.InboxAction: inbox.inbox_action,
    b.Refer: referrals.refer,
    b.ReferOrganisation: referrals.refer_to_organisation,
    b.ActivityMunicipality: only_in(State.ACT_MUNICIPALITY)(activity.choose_municipality),
    b.ActivityArea: only_in(State.ACT_AREA)(activity.choose_area),
    b.ActivityNoLimit: only_in(State.ACT_CAPACITY)(activity.no_limit),
    b.ActivityFree: only_in(State.ACT_COST)(activity.free_of_charge),
    b.PublishActivity: only_in(State.ACT_PREVIEW)(activity.publish),
    b.ManageActivity: rsvp.manage,
    b.Rsvp: rsvp.rsvp,
    b.SurveyMunicipality: only_in(State.SURVEY_MUNICIPALITY)(survey_builder.choose_municipality),
    b.SurveyArea: only_in(State.SURVEY_AREA)(survey_builder.choose_area),
    b.SurveyToday: only_in(State.SURVEY_START)(survey_builder.start_today),
    b.SurveyKind: only_in(State.SURVEY_KIND)(survey_builder.choose_kind),
    b.PublishSurvey: only_in(State.SURVEY_PREVIEW)(survey_builder.publish),
}
# Buttons whose step makes a file off the event loop after its turn: the handler runs the turn itself.
FILE_BUTTONS = {b.SurveyResults: surveys.show_results}


VOLUNTEER_BUTTONS: dict[type[b.Button], Callable[[Turn, Any], None]] = {
    b.SignUpCategory: only_in(State.SIGN_UP_CATEGORIES)(sign_up.toggle_category),
    b.SignUpPlaces: only_in(State.SIGN_UP_PLACES)(sign_up.places_done),
    b.SignUpAvailability: only_in(State.SIGN_UP_AVAILABILITY)(sign_up.toggle_availability),
    b.SignUpReintegration: only_in(State.SIGN_UP_REINTEGRATION)(sign_up.choose_reintegration),
    b.SignUpConsent: only_in(State.SIGN_UP_CONSENT)(sign_up.choose_consent),
    b.DecideVolunteer: volunteers.decide,
    b.ChangeOffer: volunteers.change_offer,
    b.Claim: claims.claim,
    b.TakeOffer: claims.claim,
    b.PassOffer: lifecycle.pass_offer,
    b.Done: lifecycle.done,
    b.Minutes: time_spent.choose,
    b.Release: lifecycle.release,
    b.Feedback: lifecycle.feedback,
    b.Again: lifecycle.again,
}
# Steps that need an answer from Telegram first: it is fetched before their transaction opens.
PREPARED = {b.DecideVolunteer: volunteers.make_invitations}


def _register_handlers(application: Application) -> None:
    """Every handler, in order: the first that matches an update handles it."""
    # Groups: the bot added, /koppel and its buttons, "Ik help" on a card.
    application.add_handlers(_group_handlers())
    # Commands in a private chat work at any moment, also in the middle of a question.
    application.add_handlers(_private_commands())
    # Buttons: one route per kind, from the registry in bot/buttons.py; any other press has expired.
    for kind, step in RESIDENT_BUTTONS.items():
        application.add_handler(CallbackQueryHandler(turn_handler(pressed(step)), pattern=kind.pattern))
    application.add_handlers(_volunteer_handlers())
    application.add_handlers(_coordinator_handlers())
    application.add_handler(CallbackQueryHandler(turn_handler(expired)))
    # Messages in a private chat: typed text (the conversation), a shared contact or location, media, stickers.
    application.add_handler(MessageHandler(PRIVATE_TEXT, turn_handler(conversation.on_text)))
    application.add_handler(MessageHandler(PRIVATE & filters.CONTACT, turn_handler(call_back.receive_contact)))
    application.add_handler(MessageHandler(PRIVATE & filters.LOCATION, turn_handler(private_media.suggest_place)))
    application.add_handler(MessageHandler(PRIVATE & MEDIA, turn_handler(private_media.forward_media)))
    application.add_handler(MessageHandler(PRIVATE & filters.Sticker.ALL, turn_handler(private_media.sticker)))
    # The totals of a survey's anonymous polls (no person, no chat: not a turn).
    application.add_handler(PollHandler(surveys.poll_totals))
    application.add_error_handler(errors.on_error)


def _private_commands() -> list[BaseHandler]:
    """The commands of the menu, and the coordinators' and volunteers' own."""
    commands: dict[str | tuple[str, ...], Callable[[Turn], None]] = {
        "start": welcome.start,
        "hulp": help_request.start,
        ("stop", "annuleer"): welcome.stop,
        "mijnvragen": my_requests.show,
        "steunpunt": steunpunt.show,
        "nieuws": news.news_command,
        "taal": language.choose_language,
        "privacy": privacy.explain,
        "vergeetmij": privacy.ask_to_forget,
        "aanbieden": sign_up.start,
        "aanbod": volunteers.show_offer,
        "balie": desk_login.send_login_link,
    }
    return [
        CommandHandler(list(names) if isinstance(names, tuple) else names, turn_handler(step), PRIVATE)
        for names, step in commands.items()
    ]


def _group_handlers() -> list[BaseHandler]:
    """The bot in groups: introduced once, linked with /koppel (the cards' "Ik help": `VOLUNTEER_BUTTONS`)."""
    return [
        ChatMemberHandler(turn_handler(groups.bot_added), ChatMemberHandler.MY_CHAT_MEMBER),
        CommandHandler("koppel", turn_handler(groups.link_command), filters.ChatType.GROUPS),
    ]


def _volunteer_handlers() -> list[BaseHandler]:
    """Join requests, and the volunteers' buttons (sign-up, approvals, /aanbod, the claim and after it)."""
    handlers: list[BaseHandler] = [ChatJoinRequestHandler(turn_handler(join_requests.join_request))]
    for kind, step in VOLUNTEER_BUTTONS.items():
        handler = turn_handler(pressed(step), prepare=PREPARED.get(kind))
        handlers.append(CallbackQueryHandler(handler, pattern=kind.pattern))
    return handlers


def _coordinator_handlers() -> list[BaseHandler]:
    """Coordinators' commands and buttons (each checks the role), and the residents' RSVPs."""
    commands: dict[str, Callable[[Turn], None]] = {
        "coordinator": coordinator_commands.coordinator_command,
        "inbox": inbox.show_inbox,
        "activiteit": activity.start,
        "deelnemers": rsvp.list_attendees,
        "enquete": survey_builder.start,
        "organisator": organisers.organiser_command,
    }
    handlers: list[BaseHandler] = [CommandHandler(name, turn_handler(step), PRIVATE) for name, step in commands.items()]
    # The chart and the CSV are made after the turn's commit, off the event loop: these run their turn themselves.
    handlers += [
        CommandHandler("overzicht", monitoring.show_overview, PRIVATE),
        CommandHandler("export", monitoring.send_export, PRIVATE),
    ]
    handlers += [
        CallbackQueryHandler(turn_handler(pressed(step)), pattern=kind.pattern)
        for kind, step in COORDINATOR_BUTTONS.items()
    ]
    handlers += [CallbackQueryHandler(handle, pattern=kind.pattern) for kind, handle in FILE_BUTTONS.items()]
    return handlers


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
    """Command menus and descriptions in every language, at once; each is nice to have, none is fatal."""

    async def attempt(locale: str, call: Awaitable[Any]) -> None:
        try:
            await call
        except Exception as error:  # a menu or a description is not essential
            log.warning("could not set the %s profile: %s", locale, type(error).__name__)

    calls = []
    for locale in LOCALES:
        _ = translator(locale)
        calls += [
            attempt(locale, bot.set_my_commands(command_menu(locale), language_code=locale)),
            attempt(locale, bot.set_my_short_description(_("Buren helpen buren in Parkstad."), language_code=locale)),
            attempt(
                locale,
                bot.set_my_description(
                    _("Zoekt u hulp? Of wilt u helpen? Typ gewoon wat u nodig heeft."), language_code=locale
                ),
            ),
        ]
    await asyncio.gather(*calls)


async def _post_init(application: Application) -> None:
    """Start-up of a running bot: menus and descriptions, the outbox sender, its wake-ups and the timers."""
    await set_public_profile(application.bot)
    runtime: Runtime = application.bot_data["runtime"]
    sender: OutboxSender = application.bot_data["sender"]
    stop = asyncio.Event()
    application.bot_data["sender_stop"] = stop
    application.bot_data["background"] = [
        asyncio.create_task(sender.run(stop), name="outbox-sender"),
        asyncio.create_task(listen_for_wakes(runtime.engine, sender.wake, stop), name="outbox-listener"),
    ]
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
            return await bot.do_api_request(method, api_kwargs=params)

    return call


async def _post_stop(application: Application) -> None:
    """Let the sender finish its current pass and the listener close its connection."""
    stop: asyncio.Event | None = application.bot_data.get("sender_stop")
    if stop is not None:
        stop.set()
        await asyncio.gather(*application.bot_data["background"])


async def _fire_timers(context: BotContext) -> None:
    runtime = context.runtime
    with runtime.unit_of_work() as uow:
        fire_due_timers(uow.session, now=runtime.clock.now(), settings=runtime.settings)
        uow.commit()
