"""`/activiteit`: a coordinator announces an activity, one question per message, then preview and publish."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.dates import local_today
from bot.flows.gates import refuse, require_coordinator
from bot.render.activities import announcement
from bot.render.keyboards import button_rows
from bot.services.activities.drafts import draft_of, start_draft, toggle_area, update_draft
from bot.services.activities.parsing import parse_amount, parse_moment
from bot.services.activities.publishing import publish_activity
from bot.services.places import areas_of, municipalities
from bot.services.views import ActivityView

ACT_MUNICIPALITY = "act_municipality"
ACT_TITLE = "act_title"
ACT_DESCRIPTION = "act_description"
ACT_WHEN = "act_when"
ACT_PLACE = "act_place"
ACT_AREA = "act_area"
ACT_CAPACITY = "act_capacity"
ACT_COST = "act_cost"
ACT_PREVIEW = "act_preview"
ACTIVITY = "activity_id"
MAX_TEXT = 500
# The next question of the conversation: it asks and returns its state.
Step = Callable[[Update, BotContext], Awaitable[str]]


def _today(context: BotContext) -> date:
    return local_today(context.runtime.clock.now(), context.runtime.settings.time_zone)


def _update(context: BotContext, user_id: int, **fields) -> ActivityView | None:
    with context.unit_of_work() as uow:
        activity = update_draft(
            uow.session, activity_id=context.user_data.get(ACTIVITY, 0), coordinator_id=user_id, **fields
        )
        uow.commit()
    return activity


async def _save_then(update: Update, context: BotContext, next_step: Step, **fields: Any) -> int | str:
    """Store an answer in the draft and ask the next question (or stop when the draft is gone)."""
    if _update(context, update.effective_user.id, **fields) is None:
        return await _lost(update, context)
    return await next_step(update, context)


async def _button_then(update: Update, context: BotContext, next_step: Step, **fields: Any) -> int | str:
    """A button instead of a typed answer: take the buttons away, then as `_save_then`."""
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    return await _save_then(update, context, next_step, **fields)


async def start_activity(update: Update, context: BotContext) -> int | str:
    """`/activiteit`: coordinators only; a coordinator of all municipalities first picks one."""
    scope = await require_coordinator(update, context)
    if scope is None:
        return ConversationHandler.END
    if scope.is_all:
        with context.unit_of_work() as uow:
            options = [(place.name, f"actmun:{place.slug}") for place in municipalities(uow.session)]
        await update.effective_chat.send_message(
            "📣 " + context._("In welke gemeente is het?"), reply_markup=button_rows(options, per_row=2)
        )
        return ACT_MUNICIPALITY
    return await _begin(update, context, scope.municipality_slug)


async def choose_municipality(update: Update, context: BotContext) -> int | str:
    """A coordinator of all municipalities picked one."""
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await _begin(update, context, query.data.removeprefix("actmun:"))


async def _begin(update: Update, context: BotContext, municipality_slug: str) -> int | str:
    with context.unit_of_work() as uow:
        activity = start_draft(
            uow.session,
            coordinator_id=update.effective_user.id,
            municipality_slug=municipality_slug,
            now=context.runtime.clock.now(),
        )
        uow.commit()
    if activity is None:
        await refuse(update, context)
        return ConversationHandler.END
    context.user_data[ACTIVITY] = activity.id
    await update.effective_chat.send_message(
        "📣 " + context._("Wat is de naam van de activiteit? Bijvoorbeeld: Samen eten.")
    )
    return ACT_TITLE


async def type_title(update: Update, context: BotContext) -> int | str:
    """The activity's name."""
    if _update(context, update.effective_user.id, title=update.effective_message.text.strip()[:100]) is None:
        return await _lost(update, context)
    await update.effective_chat.send_message("📝 " + context._("Vertel in een paar zinnen wat er te doen is."))
    return ACT_DESCRIPTION


async def type_description(update: Update, context: BotContext) -> int | str:
    """What there is to do, in a few sentences."""
    text = update.effective_message.text.strip()[:MAX_TEXT]
    if _update(context, update.effective_user.id, description=text) is None:
        return await _lost(update, context)
    await update.effective_chat.send_message(
        "📅 " + context._("Wanneer is het? Typ de dag en de tijd. Bijvoorbeeld: vrijdag 18:00.")
    )
    return ACT_WHEN


async def type_when(update: Update, context: BotContext) -> int | str:
    """The day and time; it must lie in the future."""
    runtime = context.runtime
    _ = context._
    moment = parse_moment(update.effective_message.text, _today(context), runtime.settings.time_zone, _.locale)
    if moment is None or moment <= runtime.clock.now():
        await update.effective_chat.send_message(
            _("Dat begrijp ik niet. Typ een dag en een tijd. Bijvoorbeeld: 24 november 14:30.")
        )
        return ACT_WHEN
    if _update(context, update.effective_user.id, starts_at=moment) is None:
        return await _lost(update, context)
    await update.effective_chat.send_message(
        "📅 " + _.moment(moment) + "\n\n📍 " + _("Waar is het? Bijvoorbeeld: Gemeenschapshuis, Hoofdstraat 1.")
    )
    return ACT_PLACE


async def type_place(update: Update, context: BotContext) -> int | str:
    """Where it is."""
    activity = _update(context, update.effective_user.id, place=update.effective_message.text.strip()[:200])
    if activity is None:
        return await _lost(update, context)
    return await _ask_area(update, context, activity)


async def _ask_area(update: Update, context: BotContext, activity: ActivityView, edit: bool = False) -> str:
    _ = context._
    chosen = set(activity.neighbourhoods)
    with context.unit_of_work() as uow:
        areas = areas_of(uow.session, activity.municipality_slug)
    options = [("✅ " + area.name if area.slug in chosen else area.name, f"actarea:{area.slug}") for area in areas]
    options.append(("🏘️ " + _("Hele gemeente"), "actarea:all"))
    if chosen:
        options.append(("➡️ " + _("Klaar"), "actarea:done"))
    markup = button_rows(options, per_row=2)
    if edit:
        await update.callback_query.edit_message_reply_markup(markup)
    else:
        await update.effective_chat.send_message(
            "🏘️ " + _("Voor welke wijken of kernen? Kies er een of meer, of de hele gemeente."), reply_markup=markup
        )
    return ACT_AREA


async def choose_area(update: Update, context: BotContext) -> int | str:
    """Toggle a neighbourhood, or take the whole municipality, or go on."""
    query = update.callback_query
    await query.answer()
    choice = query.data.removeprefix("actarea:")
    activity_id, user_id = context.user_data.get(ACTIVITY, 0), update.effective_user.id
    with context.unit_of_work() as uow:
        draft = draft_of(uow.session, activity_id=activity_id, coordinator_id=user_id)
        toggled = None
        if draft is not None and choice not in ("all", "done"):
            toggled = toggle_area(uow.session, activity_id=activity_id, coordinator_id=user_id, area_slug=choice)
            uow.commit()
    if draft is None:
        return await _lost(update, context)
    if choice in ("all", "done"):
        if choice == "all":
            _update(context, user_id, neighbourhoods=[])
        await query.edit_message_reply_markup(None)
        return await _ask_capacity(update, context)
    if toggled is None:  # not a kern or wijk of this municipality
        return ACT_AREA
    return await _ask_area(update, context, toggled, edit=True)


async def _ask_capacity(update: Update, context: BotContext) -> str:
    _ = context._
    await update.effective_chat.send_message(
        "👥 " + _("Hoeveel mensen kunnen er komen? Typ een getal."),
        reply_markup=button_rows([("♾️ " + _("Geen maximum"), "actcap:none")]),
    )
    return ACT_CAPACITY


async def type_capacity(update: Update, context: BotContext) -> int | str:
    """How many people can come."""
    text = update.effective_message.text.strip()
    if not text.isdigit() or not 0 < int(text) <= 100_000:
        await update.effective_chat.send_message(context._("Typ alleen een getal. Bijvoorbeeld: 20."))
        return ACT_CAPACITY
    return await _save_then(update, context, _ask_cost, capacity=int(text))


async def no_capacity(update: Update, context: BotContext) -> int | str:
    """The "Geen maximum" button."""
    return await _button_then(update, context, _ask_cost, capacity=0)


async def _ask_cost(update: Update, context: BotContext) -> str:
    _ = context._
    await update.effective_chat.send_message(
        "💶 " + _("Kost het iets? Typ het bedrag in euro. Bijvoorbeeld: 5."),
        reply_markup=button_rows([("🆓 " + _("Gratis"), "actcost:free")]),
    )
    return ACT_COST


async def type_cost(update: Update, context: BotContext) -> int | str:
    """What it costs, in euro."""
    cents = parse_amount(update.effective_message.text)
    if cents is None:
        await update.effective_chat.send_message(context._("Typ alleen een bedrag. Bijvoorbeeld: 5 of 7,50."))
        return ACT_COST
    return await _save_then(update, context, _preview, cost_cents=cents or None)


async def free_of_charge(update: Update, context: BotContext) -> int | str:
    """The "Gratis" button."""
    return await _button_then(update, context, _preview, cost_cents=None)


async def _preview(update: Update, context: BotContext) -> str:
    _ = context._
    with context.unit_of_work() as uow:
        activity = draft_of(
            uow.session, activity_id=context.user_data[ACTIVITY], coordinator_id=update.effective_user.id
        )
    if activity is None:
        return await _lost(update, context)
    text = announcement(activity, _)
    options = [("✅ " + _("Publiceren"), "actpub:yes"), ("❌ " + _("Niet versturen"), "actpub:no")]
    await update.effective_chat.send_message(
        _("Zo ziet de activiteit eruit:") + "\n\n" + text + "\n\n" + _("Versturen naar de groepen en de bewoners?"),
        reply_markup=button_rows(options),
    )
    return ACT_PREVIEW


async def publish(update: Update, context: BotContext) -> int:
    """Publish: this message becomes the progress message of the send."""
    query = update.callback_query
    await query.answer()
    _ = context._
    activity_id = context.user_data.pop(ACTIVITY, None)
    if query.data != "actpub:yes" or activity_id is None:
        await query.edit_message_text(_("De activiteit is niet verstuurd."), reply_markup=None)
        return ConversationHandler.END
    with context.unit_of_work() as uow:
        published = publish_activity(
            uow.session,
            activity_id=activity_id,
            coordinator_id=update.effective_user.id,
            progress_chat_id=query.message.chat.id,
            progress_message_id=query.message.message_id,
            now=context.runtime.clock.now(),
        )
        uow.commit()
    if published is None:
        await refuse(update, context)
        return ConversationHandler.END
    line = "📤 " + _("Verstuurd: {done} van {total}").format(done=_.number(0), total=_.number(published.total))
    await query.edit_message_text(announcement(published.activity, _) + "\n\n" + line, reply_markup=None)
    return ConversationHandler.END


async def _lost(update: Update, context: BotContext) -> int:
    context.user_data.pop(ACTIVITY, None)
    await update.effective_chat.send_message(context._("Er ging iets mis. Begin opnieuw met /activiteit."))
    return ConversationHandler.END
