"""Choosing a neighbourhood: municipality, then kern or wijk, or a typed name."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.render.keyboards import button_rows
from bot.services.people import set_neighbourhood
from bot.services.places import areas_of, municipalities

PLACE_CALLBACKS = r"^(mun|nb):[a-z0-9-]+$"


def municipality_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    with context.unit_of_work() as uow:
        options = [(place.name, f"mun:{place.slug}") for place in municipalities(uow.session)]
    return button_rows(options, per_row=2)


async def ask_place(update: Update, context: BotContext) -> None:
    """Ask in which municipality the user lives."""
    _ = context._
    await update.effective_chat.send_message(
        "🏘️ " + _("In welke gemeente woont u? Kies hieronder, of typ de naam van uw wijk of dorp."),
        reply_markup=municipality_keyboard(context),
    )


async def place_from_callback(update: Update, context: BotContext) -> str | None:
    """Follow a municipality button to its kernen; return the slug once a kern or wijk is chosen."""
    query = update.callback_query
    await query.answer()
    kind, slug = query.data.split(":", 1)
    _ = context._
    if kind == "nb":
        return slug
    with context.unit_of_work() as uow:
        options = [(area.name, f"nb:{area.slug}") for area in areas_of(uow.session, slug)]
    if not options:
        return None
    await query.edit_message_text("🏘️ " + _("In welke wijk of welk dorp woont u?"), reply_markup=button_rows(options, 2))
    return None


def place_from_text(context: BotContext, text: str) -> str | None:
    """The neighbourhood a typed name most likely means, if the match is clear."""
    matches = context.runtime.places.match(text)
    return matches[0][0] if matches else None


def remember_place(context: BotContext, user_id: int, slug: str) -> str | None:
    """Store the user's neighbourhood; returns its name (None for an unknown slug)."""
    with context.unit_of_work() as uow:
        name = set_neighbourhood(uow.session, user_id, slug)
        uow.commit()
    return name
