"""`/taal`: the resident chooses the bot's language."""

from __future__ import annotations

from bot.buttons import Language
from bot.flows.turn import Turn
from bot.i18n import LOCALES, translator
from bot.render.keyboards import button_rows
from bot.services.people import set_locale

LANGUAGE_NAMES = {"nl": "🇳🇱 Nederlands", "en": "🇬🇧 English", "de": "🇩🇪 Deutsch"}


def choose_language(turn: Turn) -> None:
    turn.say(
        "🌍 " + turn._("In welke taal wilt u met mij praten?"),
        button_rows([(LANGUAGE_NAMES[code], Language(code)) for code in LOCALES]),
    )


def set_language(turn: Turn, button: Language) -> None:
    """Remember the choice and answer in the new language."""
    set_locale(turn.session, turn.user_id, button.code)
    turn._ = translator(button.code, turn.runtime.settings.time_zone)
    turn.edit("✅ " + turn._("Ik praat nu Nederlands met u."))
