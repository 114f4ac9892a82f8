"""Coordinators choose where an unclaimed request goes next: PuntExtra's routes, or an organisation on the map."""

from __future__ import annotations

from html import escape

from bot.buttons import Refer, ReferOrganisation
from bot.flows.turn import Turn
from bot.render.referrals import PUNTEXTRA_LABELS
from bot.services.providers import organisation_by_slug
from bot.services.referrals import refer_request
from bot.services.referrals import refer_to_organisation as refer_to


def refer(turn: Turn, button: Refer) -> None:
    """A route button under an escalated request; authorised on every press."""
    done = refer_request(
        turn.session, request_id=button.request_id, coordinator_id=turn.user_id, route=button.route, now=turn.now
    )
    _chosen(turn, turn._(PUNTEXTRA_LABELS[button.route]) if done else None)


def refer_to_organisation(turn: Turn, button: ReferOrganisation) -> None:
    """An organisation of the sociale kaart under an escalated request; authorised on every press."""
    organisation = organisation_by_slug(turn.runtime.settings.data_dir, button.organisation)
    done = organisation is not None and refer_to(
        turn.session, request_id=button.request_id, coordinator_id=turn.user_id, organisation=organisation, now=turn.now
    )
    _chosen(turn, organisation.name if done else None)


def _chosen(turn: Turn, label: str | None) -> None:
    """The choice under the message, or (None) a polite refusal."""
    _ = turn._
    if label is None:
        turn.answer(_("Dat kan niet (meer). Alleen een coördinator van deze gemeente kan dit doen."), alert=True)
        return
    turn.edit(turn.message.text_html + "\n\n✅ " + _("Gekozen: {route}").format(route=escape(label)))
