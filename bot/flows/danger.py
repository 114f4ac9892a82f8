"""Words of danger are answered first, with the right number in plain words, and go to the coordinators."""

from __future__ import annotations

from html import escape

from bot.flows.turn import Turn
from bot.i18n import N_
from bot.services.danger import report_danger
from bot.understanding import DangerKind, Understanding

OPENINGS = {
    DangerKind.EMERGENCY: N_("Is het een noodgeval? Bel nu 112."),
    DangerKind.MEDICAL: N_("Is het een noodgeval? Bel nu 112."),
    DangerKind.FALL: N_("Bent u gevallen en komt u niet overeind? Bel nu 112."),
    DangerKind.FIRE: N_("Is er brand, rook of ruikt u gas? Ga naar buiten en bel 112."),
    DangerKind.VIOLENCE: N_("Bent u in gevaar? Bel nu 112."),
    DangerKind.SUICIDE: N_("Wat naar dat u zich zo voelt. U hoeft dit niet alleen te dragen."),
    DangerKind.ABUSE_NEGLECT: N_("Wat vervelend. Niemand hoort zo behandeld te worden."),
    DangerKind.CHILD: N_("Is een kind in gevaar? Gebeurt het nu? Bel dan 112."),
}


def respond(turn: Turn, meaning: Understanding) -> None:
    """Answer at once with the help lines, and put the message at the top of the coordinators' inbox."""
    _ = turn._
    lines = ["🚨 <b>" + escape(_(OPENINGS[meaning.danger])) + "</b>"]
    for line in meaning.help_lines:
        use = line.use.get(_.locale) or line.use.get("nl", "")
        lines.append("📞 " + escape(use))
    lines.append(_("Ik heb ook een coördinator gewaarschuwd. Die neemt zo snel mogelijk contact met u op."))
    turn.say("\n\n".join(lines))
    report_danger(
        turn.session,
        user_id=turn.user_id,
        text=turn.text,
        kinds=[str(kind) for kind in meaning.danger_kinds],
        now=turn.now,
    )
