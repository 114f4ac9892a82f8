"""Activity news: residents opt in once at `/start` and change it any time with `/nieuws` (`news:yes|no`)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.flows.keyboards import button_rows
from bot.i18n import Translator
from db.models import User

NEWS = r"^news:(yes|no)$"


def news_question(_: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """The opt-in question and its two buttons."""
    text = "📰 " + _("Wilt u horen wat er te doen is in uw buurt? Bijvoorbeeld samen eten.")
    options = [("👍 " + _("Graag"), "news:yes"), ("🙅 " + _("Liever niet"), "news:no")]
    return text, button_rows(options, per_row=2)


async def news_command(update: Update, context: BotContext) -> None:
    """`/nieuws`: say the current choice and offer to change it."""
    _ = context._
    with context.session() as session:
        user = session.get(User, update.effective_user.id)
        wanted = bool(user and user.activity_news)
    now = (
        _("U krijgt nu een bericht als er iets te doen is in uw buurt.")
        if wanted
        else _("U krijgt nu geen bericht meer als er iets te doen is.")
    )
    text, markup = news_question(_)
    await update.effective_chat.send_message(now + "\n\n" + text, reply_markup=markup)


async def choose_news(update: Update, context: BotContext) -> None:
    """A news button: store the choice, confirm it."""
    query = update.callback_query
    await query.answer()
    wanted = query.data == "news:yes"
    with context.session() as session:
        user = session.get(User, update.effective_user.id)
        if user is not None:
            user.activity_news = wanted
            session.add(user)
            session.commit()
    _ = context._
    text = (
        _("Goed. U krijgt berichten over activiteiten in uw buurt.")
        if wanted
        else _("Goed. U krijgt geen bericht als er iets te doen is.")
    )
    await query.edit_message_text("📰 " + text + " " + _("Wijzigen kan altijd met /nieuws."), reply_markup=None)
