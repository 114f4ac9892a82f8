"""Coordinators choose where an unclaimed request goes next (PuntExtra's order)."""

from __future__ import annotations

from html import escape

from bot.buttons import Refer
from bot.flows.turn import Turn
from bot.render.referrals import PUNTEXTRA_LABELS
from bot.services.referrals import refer_request


def refer(turn: Turn, button: Refer) -> None:
    """A route button under an escalated request; authorised on every press."""
    _ = turn._
    done = refer_request(
        turn.session, request_id=button.request_id, coordinator_id=turn.user_id, route=button.route, now=turn.now
    )
    if not done:
        turn.answer(_("Dat kan niet (meer). Alleen een coördinator van deze gemeente kan dit doen."), alert=True)
        return
    label = _(PUNTEXTRA_LABELS[button.route])
    turn.edit(turn.message.text_html + "\n\n✅ " + _("Gekozen: {route}").format(route=escape(label)))
