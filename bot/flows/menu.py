"""What a resident can do next, and the one-time question about activity news."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.buttons import Menu, News
from bot.flows.turn import Turn
from bot.i18n import Translator
from bot.render.keyboards import button_rows


def menu_markup(_: Translator) -> InlineKeyboardMarkup:
    """The three big choices: ask for help, offer help, be called back."""
    return button_rows(
        [
            ("🙋 " + _("Ik zoek hulp"), Menu("help")),
            ("🤝 " + _("Ik wil helpen"), Menu("volunteer")),
            ("📞 " + _("Bel mij terug"), Menu("callme")),
        ]
    )


def call_me_markup(_: Translator) -> InlineKeyboardMarkup:
    """One button: be called back."""
    return button_rows([("📞 " + _("Bel mij terug"), Menu("callme"))])


def show_menu(turn: Turn) -> None:
    """What the resident can do next, as big buttons."""
    _ = turn._
    turn.say(
        _("Typ gewoon wat u nodig heeft. Bijvoorbeeld: 'Kan iemand morgen mijn boodschappen doen?'"),
        menu_markup(_),
    )


def news_question(_: Translator, *, then_menu: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    """The opt-in question and its two buttons; `then_menu` shows the menu after the answer."""
    text = "📰 " + _("Wilt u horen wat er te doen is in uw buurt? Bijvoorbeeld samen eten.")
    then = "menu" if then_menu else None
    options = [("👍 " + _("Graag"), News("yes", then)), ("🙅 " + _("Liever niet"), News("no", then))]
    return text, button_rows(options, per_row=2)
