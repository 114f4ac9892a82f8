"""Privacy (AVG): `/privacy` says what we keep and why; `/vergeetmij` erases it, after one confirmation."""

from __future__ import annotations

import logging

from bot.buttons import Forget
from bot.flows.turn import Turn
from bot.render.keyboards import button_rows
from bot.services.erasure import forget_user

log = logging.getLogger(__name__)
DAYS_PER_MONTH = 30.44


def explain(turn: Turn) -> None:
    """`/privacy`: what is stored, why, who sees it, for how long, and how to erase it."""
    _ = turn._
    days = turn.runtime.settings.retention_days
    if days >= 60:
        months = round(days / DAYS_PER_MONTH)
        period = _.plural("{count} maand", "{count} maanden", months).format(count=months)
    else:
        period = _.plural("{count} dag", "{count} dagen", days).format(count=days)
    paragraphs = [
        "🔒 <b>" + _("Uw privacy") + "</b>",
        _("Wat bewaren wij? Uw voornaam, uw Telegram-naam, uw buurt en uw vragen.")
        + " "
        + _("Uw telefoonnummer alleen als u het zelf deelt."),
        _("Waarom? Zo kunnen wij u helpen. En zo vindt u snel een buur die helpt."),
        _("Wie ziet het? De groep ziet uw vraag zonder naam, nummer of adres.")
        + " "
        + _("Alleen de vrijwilliger die helpt krijgt uw naam en nummer."),
        _("Hoe lang? Na {period} maken wij een afgeronde vraag anoniem.").format(period=period)
        + " "
        + _("Dan weet niemand meer dat de vraag van u was."),
        _("Wij geven uw gegevens aan niemand anders."),
        _("Wilt u dat wij alles over u wissen? Typ /vergeetmij."),
    ]
    turn.say("\n\n".join(paragraphs))


def ask_to_forget(turn: Turn) -> None:
    """`/vergeetmij`: say what will happen and ask once to confirm."""
    _ = turn._
    text = "\n\n".join(
        [
            "🗑️ " + _("Wilt u dat wij alles over u wissen?"),
            _("Uw naam, nummer en buurt gaan weg. Open vragen stoppen wij.")
            + " "
            + _("Dit kunnen wij niet terugdraaien."),
        ]
    )
    options = [("🗑️ " + _("Ja, wis alles"), Forget("yes")), ("↩️ " + _("Nee, niet wissen"), Forget("no"))]
    turn.say(text, button_rows(options))


def confirm_forget(turn: Turn, button: Forget) -> None:
    """The answer to `/vergeetmij`: a person can only ever erase themselves."""
    _ = turn._
    if button.answer != "yes":
        turn.edit("👍 " + _("Goed. Wij hebben niets gewist."))
        return
    cancelled = forget_user(turn.session, user_id=turn.user_id, now=turn.now, settings=turn.runtime.settings)
    turn.end()
    log.info("user %s was forgotten; %s open requests cancelled", turn.user_id, cancelled)
    text = "✅ " + _("Klaar. Wij hebben uw gegevens gewist.")
    if cancelled:
        text += " " + _.plural("Uw open vraag is gestopt.", "Uw {count} open vragen zijn gestopt.", cancelled).format(
            count=cancelled
        )
    text += " " + _("U kunt altijd opnieuw beginnen met /start.")
    turn.edit(text)
