"""A resident asks for help: what, where, when, anything else, confirm. One question per message."""

from __future__ import annotations

import re
from datetime import date
from html import escape

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.dates import WHEN_CHOICES, date_for_choice, local_today, parse_date
from bot.flows.call_back import ask_phone
from bot.flows.gates import over_daily_limit
from bot.flows.place_picker import ask_place, place_from_callback, place_from_text, remember_place
from bot.flows.states import ASK_CATEGORY, ASK_CONFIRM, ASK_DETAILS, ASK_PLACE, ASK_WHEN
from bot.flows.steunpunt import show_steunpunten
from bot.flows.welcome import nudge
from bot.matching import CONFIDENT
from bot.privacy import redact
from bot.render.keyboards import button_rows
from bot.render.requests import WHEN_LABELS, category_label, summary
from bot.services.catalogue import all_categories, category_of
from bot.services.people import Profile, profile_of
from bot.services.requests import create_request, preview_request
from bot.understanding import asks_for_steunpunt, is_dont_know, is_no, is_yes

DRAFT = "draft"
CLOSE_CALL_MARGIN = 15


def _draft(context: BotContext) -> dict:
    return context.user_data.setdefault(DRAFT, {})


def _profile(update: Update, context: BotContext) -> Profile | None:
    with context.unit_of_work() as uow:
        return profile_of(uow.session, update.effective_user.id, default_locale=context.runtime.settings.default_locale)


def _today(context: BotContext) -> date:
    return local_today(context.runtime.clock.now(), context.runtime.settings.time_zone)


async def ask_open_question(update: Update, context: BotContext) -> str:
    """No clear match: ask in the resident's own words and offer every category as a button."""
    _ = context._
    with context.unit_of_work() as uow:
        options = [(category_label(c, _), f"cat:{c.slug}") for c in all_categories(uow.session)]
    options.append(("🤷 " + _("Ik weet het niet"), "cat:unknown"))
    await update.effective_chat.send_message(
        "🙂 " + _("Waarmee kunnen wij u helpen? Vertel het in uw eigen woorden, of kies hieronder."),
        reply_markup=button_rows(options, per_row=2),
    )
    return ASK_CATEGORY


async def start_help(update: Update, context: BotContext) -> str:
    """`/hulp` or the "Ik zoek hulp" button: start a fresh request."""
    if update.callback_query:
        await update.callback_query.answer()
    context.user_data[DRAFT] = {}
    if await over_daily_limit(update, context):
        return ConversationHandler.END
    return await ask_open_question(update, context)


async def understand_text(update: Update, context: BotContext) -> str:
    """Free text: guess the category, confirm the guess or offer the close calls."""
    text = update.effective_message.text.strip()
    if is_dont_know(text):
        return await ask_phone(update, context)
    if asks_for_steunpunt(text):
        return await show_steunpunten(update, context)
    if await over_daily_limit(update, context):
        return ConversationHandler.END
    draft = context.user_data[DRAFT] = {"details": text}
    today = _today(context)
    found = parse_date_in_sentence(text, today, context._.locale)
    if found:
        kind = next((kind for kind in ("today", "tomorrow") if date_for_choice(kind, today) == found), "date")
        draft["when_kind"], draft["when_date"] = kind, found
    # Contact details say nothing about the need ("tel 06…" is not a question about a telephone).
    matches = context.runtime.categories.match(redact(text))
    if not matches:
        return await ask_open_question(update, context)
    _ = context._
    with context.unit_of_work() as uow:
        categories = {c.slug: c for c in all_categories(uow.session)}
    top_slug, top_score = matches[0]
    is_clear = top_score >= CONFIDENT and (len(matches) == 1 or matches[1][1] <= top_score - CLOSE_CALL_MARGIN)
    if is_clear:
        text = _("Ik denk dat u hulp zoekt bij: {category}. Klopt dat?").format(
            category=category_label(categories[top_slug], _)
        )
        options = [("✅ " + _("Ja"), f"cat:{top_slug}")]
    else:
        text = _("Waar zoekt u hulp bij? Kies wat het beste past.")
        options = [(category_label(categories[slug], _), f"cat:{slug}") for slug, _score in matches[:3]]
    if is_clear or len(matches) == 1:
        draft["suggested"] = top_slug  # what a typed "ja" means
    options += [("🔁 " + _("Iets anders"), "cat:other"), ("🤷 " + _("Ik weet het niet"), "cat:unknown")]
    await update.effective_chat.send_message("🤔 " + text, reply_markup=button_rows(options))
    return ASK_CATEGORY


def parse_date_in_sentence(text: str, today: date, language: str) -> date | None:
    """A day named in a request ("morgen", "vrijdag"); only whole words, never a guess from numbers."""
    for word in re.findall(r"[^\W\d_]+", text.lower()):
        word = DIALECT_DAYS.get(word, word)
        if word in DAY_WORDS:
            return parse_date(word, today, language)
    return None


DIALECT_DAYS = {"morge": "morgen", "mörge": "morgen", "euvermorge": "overmorgen", "vanaovend": "vandaag"}


DAY_WORDS = frozenset(
    [
        "vandaag",
        "morgen",
        "overmorgen",
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
        "today",
        "tomorrow",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "heute",
        "morgen",
        "übermorgen",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
    ]
)


async def answer_category(update: Update, context: BotContext) -> str:
    """Typed text while a category is asked: "ja"/"nee" to a suggestion, else read it as a new request."""
    text = update.effective_message.text
    suggested = _draft(context).get("suggested")
    if suggested and is_yes(text):
        return await take_category(update, context, suggested)
    if is_no(text):
        return await ask_open_question(update, context)
    if not context.runtime.categories.match(redact(text)):
        # Not a new description either ("ja" to a list of choices): keep what they wrote, ask more simply.
        await update.effective_chat.send_message(
            context._("Dat begrijp ik niet goed. Kies hieronder wat het beste past.")
        )
        return await ask_open_question(update, context)
    return await understand_text(update, context)


async def take_category(update: Update, context: BotContext, slug: str) -> str:
    with context.unit_of_work() as uow:
        category = category_of(uow.session, slug)
    if category is None:
        return await ask_open_question(update, context)
    _draft(context)["category"] = category.slug
    return await next_question(update, context)


async def choose_category(update: Update, context: BotContext) -> str:
    """A category button: take it, show all, or hand over to a call-back."""
    query = update.callback_query
    await query.answer()
    choice = query.data.removeprefix("cat:")
    if choice == "other":
        await query.edit_message_reply_markup(None)
        return await ask_open_question(update, context)
    if choice == "unknown":
        await query.edit_message_reply_markup(None)
        return await ask_phone(update, context)
    with context.unit_of_work() as uow:
        category = category_of(uow.session, choice)
    if category is None:
        return await ask_open_question(update, context)
    _draft(context)["category"] = category.slug
    await query.edit_message_text("✅ " + category_label(category, context._))
    return await next_question(update, context)


async def next_question(update: Update, context: BotContext) -> str:
    """Ask only what is still missing: where, when, details; then the summary."""
    draft = _draft(context)
    if "category" not in draft:  # the draft is gone (e.g. erased by /vergeetmij): start again
        return await ask_open_question(update, context)
    profile = _profile(update, context)
    if profile is None or profile.neighbourhood_slug is None:
        await ask_place(update, context)
        return ASK_PLACE
    if "when_kind" not in draft:
        return await ask_when(update, context)
    if "details_done" not in draft:
        return await ask_details(update, context)
    return await ask_confirm(update, context)


async def choose_place(update: Update, context: BotContext) -> str:
    """A municipality or neighbourhood button during a request."""
    slug = await place_from_callback(update, context)
    if slug is None or remember_place(context, update.effective_user.id, slug) is None:
        return ASK_PLACE
    await update.callback_query.edit_message_reply_markup(None)
    return await next_question(update, context)


async def type_place(update: Update, context: BotContext) -> str:
    """A typed neighbourhood name during a request; not knowing leads to a call-back."""
    if is_dont_know(update.effective_message.text):
        return await ask_phone(update, context)
    slug = place_from_text(context, update.effective_message.text)
    name = remember_place(context, update.effective_user.id, slug) if slug else None
    if name is None:
        await update.effective_chat.send_message(context._("Die plaats ken ik niet. Kies hieronder uw gemeente."))
        await ask_place(update, context)
        return ASK_PLACE
    await update.effective_chat.send_message("📍 " + name)
    return await next_question(update, context)


async def ask_when(update: Update, context: BotContext) -> str:
    _ = context._
    options = [
        (f"{emoji} {_(WHEN_LABELS[kind])}", f"when:{kind}")
        for emoji, kind in zip("📅📆🗓️🤷", WHEN_CHOICES, strict=False)
    ]
    await update.effective_chat.send_message(
        "📅 " + _("Wanneer heeft u hulp nodig? U mag ook een dag typen, bijvoorbeeld: vrijdag."),
        reply_markup=button_rows(options, per_row=2),
    )
    return ASK_WHEN


async def choose_when(update: Update, context: BotContext) -> str:
    query = update.callback_query
    await query.answer()
    kind = query.data.removeprefix("when:")
    if kind not in WHEN_CHOICES:
        return ASK_WHEN
    draft = _draft(context)
    draft["when_kind"], draft["when_date"] = kind, date_for_choice(kind, _today(context))
    await query.edit_message_text("📅 " + context._(WHEN_LABELS[kind]))
    return await next_question(update, context)


async def type_when(update: Update, context: BotContext) -> str:
    """A typed day: a date, or one of the button words; otherwise ask again, more simply."""
    text = update.effective_message.text.strip().lower()
    _ = context._
    for kind in WHEN_CHOICES:
        if text == _(WHEN_LABELS[kind]).lower():
            return await _set_when(update, context, kind, date_for_choice(kind, _today(context)))
    if is_dont_know(text) or any(word in text for word in ("egal", "maakt niet uit", "whenever")):
        return await _set_when(update, context, "any", None)
    found = parse_date(text, _today(context), _.locale)
    if found is None:
        await update.effective_chat.send_message(_("Dat begrijp ik niet. Druk op een van de knoppen."))
        return await ask_when(update, context)
    return await _set_when(update, context, "date", found)


async def _set_when(update: Update, context: BotContext, kind: str, day: date | None) -> str:
    draft = _draft(context)
    draft["when_kind"], draft["when_date"] = kind, day
    return await next_question(update, context)


async def ask_details(update: Update, context: BotContext) -> str:
    _ = context._
    if _draft(context).get("details"):
        question = _("Wilt u nog iets vertellen? Bijvoorbeeld hoe laat. Typ het hier.")
        button = "➡️ " + _("Nee, verder")
    else:
        question = _("Vertel kort wat u nodig heeft. Typ het hier.")
        button = "➡️ " + _("Overslaan")
    await update.effective_chat.send_message("💬 " + question, reply_markup=button_rows([(button, "details:skip")]))
    return ASK_DETAILS


async def type_details(update: Update, context: BotContext) -> str:
    draft = _draft(context)
    extra = update.effective_message.text.strip()
    if is_yes(extra):
        # "Ja" to "Wilt u nog iets vertellen?": they still have to type it.
        await update.effective_chat.send_message("💬 " + context._("Typ het maar."))
        return ASK_DETAILS
    if not (is_dont_know(extra) or is_no(extra)):
        draft["details"] = "\n".join(part for part in (draft.get("details", ""), extra) if part)
    draft["details_done"] = True
    return await next_question(update, context)


async def skip_details(update: Update, context: BotContext) -> str:
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    _draft(context)["details_done"] = True
    return await next_question(update, context)


async def ask_confirm(update: Update, context: BotContext) -> str:
    """Show what will be sent and ask to confirm."""
    _ = context._
    draft = _draft(context)
    with context.unit_of_work() as uow:
        profile = profile_of(
            uow.session, update.effective_user.id, default_locale=context.runtime.settings.default_locale
        )
        preview = preview_request(
            uow.session,
            category_slug=draft["category"],
            neighbourhood_slug=profile.neighbourhood_slug,
            when_kind=draft["when_kind"],
            when_date=draft.get("when_date"),
            details=draft.get("details", ""),
        )
    options = [("✅ " + _("Ja, versturen"), "send:yes"), ("❌ " + _("Nee, stoppen"), "send:no")]
    options.append(("👪 " + _("Voor iemand anders"), "behalf:start"))
    behalf = draft.get("on_behalf_name")
    for_whom = "\n👪 " + _("Voor: {name}").format(name=escape(behalf)) if behalf else ""
    await update.effective_chat.send_message(
        _("Dit is uw vraag:") + "\n\n" + summary(preview, _) + for_whom + "\n\n" + _("Klopt dit?"),
        reply_markup=button_rows(options),
    )
    return ASK_CONFIRM


async def confirm(update: Update, context: BotContext) -> int:
    """The "Ja, versturen" or "Nee, stoppen" button under the summary."""
    query = update.callback_query
    await query.answer()
    return await _send_or_drop(update, context, wanted=query.data == "send:yes")


async def type_confirm(update: Update, context: BotContext) -> int | str:
    """A typed yes or no to "Klopt dit?" works like the buttons; anything else gets a nudge."""
    text = update.effective_message.text
    if is_yes(text):
        return await _send_or_drop(update, context, wanted=True)
    if is_no(text):
        return await _send_or_drop(update, context, wanted=False)
    await nudge(update, context)
    return ASK_CONFIRM


async def _send_or_drop(update: Update, context: BotContext, *, wanted: bool) -> int:
    """Store the request and say where it went (or say it was not sent)."""
    query = update.callback_query
    _ = context._

    async def say(text: str) -> None:
        if query:
            await query.edit_message_text(text)
        else:
            await update.effective_chat.send_message(text)

    draft = context.user_data.pop(DRAFT, {})
    if not wanted or "category" not in draft:
        await say(_("Uw vraag is niet verstuurd. Typ gerust een nieuwe vraag."))
        return ConversationHandler.END
    if await over_daily_limit(update, context):
        if query:
            await query.edit_message_reply_markup(None)
        return ConversationHandler.END
    runtime = context.runtime
    with context.unit_of_work() as uow:
        profile = profile_of(uow.session, update.effective_user.id, default_locale=runtime.settings.default_locale)
        placement = create_request(
            uow.session,
            resident_id=update.effective_user.id,
            category_slug=draft["category"],
            neighbourhood_slug=profile.neighbourhood_slug,
            when_kind=draft["when_kind"],
            when_date=draft.get("when_date"),
            details=draft.get("details", ""),
            now=runtime.clock.now(),
            settings=runtime.settings,
            on_behalf_name=draft.get("on_behalf_name"),
        )
        uow.commit()
    if placement.to_group:
        text = _("Dank u wel. Uw vraag staat klaar voor de vrijwilligers in {place}.").format(
            place=placement.place_name
        )
        text += " " + _("U krijgt een bericht als iemand helpt.")
    else:
        text = _("Dank u wel. Uw vraag is naar de coördinator gestuurd. Die neemt contact met u op.")
    await say("✅ " + text)
    return ConversationHandler.END
