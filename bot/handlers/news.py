"""Activity news: residents opt in once at `/start` and change it any time with `/nieuws`."""

from __future__ import annotations

from bot.buttons import News
from bot.flows.menu import news_question
from bot.flows.turn import Turn
from bot.flows.welcome import set_news


def news_command(turn: Turn) -> None:
    """`/nieuws`: say the current choice and offer to change it."""
    _ = turn._
    now = (
        _("U krijgt nu een bericht als er iets te doen is in uw buurt.")
        if turn.profile.activity_news
        else _("U krijgt nu geen bericht meer als er iets te doen is.")
    )
    text, markup = news_question(_)
    turn.say(now + "\n\n" + text, markup)


def choose_news(turn: Turn, button: News) -> None:
    """A news button: store the choice, confirm it (and show the menu after /start)."""
    set_news(turn, button.answer == "yes", then_menu=button.then == "menu")
