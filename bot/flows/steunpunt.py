"""`/steunpunt` and "waar kan ik terecht?": the steunpunten near the resident."""

from __future__ import annotations

from collections.abc import Callable

from bot.flows.menu import call_me_markup
from bot.flows.turn import Turn
from bot.render.steunpunten import render_steunpunt
from bot.services.steunpunten import steunpunten_for

SHOWN = 4


def show(turn: Turn, ask_again: Callable[[Turn], None] | None = None) -> None:
    """The steunpunten of the resident's neighbourhood first, then the rest of the municipality.

    Without a known place, the open question is asked again below (the place question itself, mostly).
    """
    _ = turn._
    slug = turn.profile.neighbourhood_slug
    if slug is None and ask_again is not None:
        turn.preface("🧭 " + _("Ik weet nog niet waar u woont. Dan zoek ik een steunpunt bij u in de buurt."))
        ask_again(turn)
        return
    if slug is None:
        turn.say(_("Ik weet nog niet waar u woont. Typ /start en kies uw woonplaats."))
        return
    found = steunpunten_for(turn.session, slug, turn.runtime.settings.data_dir)
    if not found:
        turn.say(
            _("Ik ken nog geen steunpunt bij u in de buurt. Wilt u gebeld worden? Druk dan op de knop."),
            call_me_markup(_),
        )
        return
    parts = [render_steunpunt(steunpunt, _) for steunpunt in found[:SHOWN]]
    turn.say("🧭 " + _("Hier kunt u terecht:") + "\n\n" + "\n\n".join(parts))
