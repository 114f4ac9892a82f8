"""What a resident can do next, and the one-time question about activity news."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.i18n import Translator
from bot.render.keyboards import button_rows

NEWS = r"^news:(yes|no)(:menu)?$"


async def show_menu(update: Update, context: BotContext) -> None:
    """What the resident can do next, as big buttons."""
    _ = context._
    options = [
        ("🙋 " + _("Ik zoek hulp"), "menu:help"),
        ("🤝 " + _("Ik wil helpen"), "menu:volunteer"),
        ("📞 " + _("Bel mij terug"), "menu:callme"),
    ]
    await update.effective_chat.send_message(
        _("Typ gewoon wat u nodig heeft. Bijvoorbeeld: 'Kan iemand morgen mijn boodschappen doen?'"),
        reply_markup=button_rows(options),
    )


def news_question(_: Translator, *, then_menu: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    """The opt-in question and its two buttons; `then_menu` shows the menu after the answer."""
    text = "📰 " + _("Wilt u horen wat er te doen is in uw buurt? Bijvoorbeeld samen eten.")
    suffix = ":menu" if then_menu else ""
    options = [("👍 " + _("Graag"), f"news:yes{suffix}"), ("🙅 " + _("Liever niet"), f"news:no{suffix}")]
    return text, button_rows(options, per_row=2)


async def ask_news_then_menu(update: Update, context: BotContext) -> None:
    """After the neighbourhood at /start: one question about activity news; its answer brings the menu."""
    text, markup = news_question(context._, then_menu=True)
    await update.effective_chat.send_message(text, reply_markup=markup)
