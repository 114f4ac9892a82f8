"""Coordinators approve or reject volunteers; volunteers see, change, pause or stop their offer (`/aanbod`)."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.buttons import ChangeOffer, DecideVolunteer
from bot.context import BotContext
from bot.flows import sign_up
from bot.flows.turn import Turn
from bot.i18n import N_
from bot.invitations import Invitations, invite_to_groups
from bot.render.keyboards import button_rows
from bot.render.volunteers import offer_text
from bot.services.volunteers import (
    Decision,
    decide_volunteer,
    offer_of,
    pending_volunteer,
    set_paused,
    stop_volunteering,
)
from db.models import VolunteerStatus

STATUS_LABELS = {
    VolunteerStatus.PENDING: N_("Wacht op een coördinator"),
    VolunteerStatus.APPROVED: N_("Actief"),
    VolunteerStatus.PAUSED: N_("Gepauzeerd"),
    VolunteerStatus.REJECTED: N_("Niet goedgekeurd"),
    VolunteerStatus.STOPPED: N_("Gestopt"),
}


async def make_invitations(update: Update, context: BotContext) -> Invitations:
    """Before an approval's turn: a join-request link per group of the volunteer's neighbourhoods.

    Only for a coordinator who may decide on a volunteer still waiting (a repeated press makes none).
    """
    button = DecideVolunteer.parse(update.callback_query.data)
    if button is None or button.decision != "ok":
        return Invitations()
    with context.unit_of_work() as uow:
        pending = pending_volunteer(uow.session, volunteer_id=button.user_id, coordinator_id=update.effective_user.id)
    if pending.decision is not Decision.DECIDED:
        return Invitations()
    return await invite_to_groups(context.bot, volunteer_id=button.user_id, chat_ids=pending.group_chat_ids)


def decide(turn: Turn, button: DecideVolunteer) -> None:
    """Approve or reject a sign-up, once, as a coordinator of one of its municipalities; the volunteer is told."""
    _ = turn._
    approve = button.decision == "ok"
    invitations = turn.prepared if isinstance(turn.prepared, Invitations) else Invitations()
    decided = decide_volunteer(
        turn.session,
        volunteer_id=button.user_id,
        coordinator_id=turn.user_id,
        approve=approve,
        invite_links=list(invitations.links),
        now=turn.now,
    )
    if decided is Decision.NOT_ALLOWED:
        turn.answer(_("Sorry, dat mag u niet. Dat doet de coördinator van deze gemeente."), alert=True)
        return
    if decided is not Decision.DECIDED:
        turn.answer(_("Dit is al beslist."), alert=True)
        return
    outcome = "✅ " + _("Goedgekeurd door {name}") if approve else "❌ " + _("Afgewezen door {name}")
    text = turn.message.text_html + "\n\n" + outcome.format(name=escape(turn.update.effective_user.first_name))
    if invitations.failed:
        text += "\n⚠️ " + _(
            "Ik kon geen uitnodiging maken. Maak mij beheerder van de groep, met het recht om leden uit te nodigen."
        )
    turn.edit(text)


def show_offer(turn: Turn) -> None:
    """`/aanbod`: what the volunteer offers, with buttons to change, pause or stop."""
    _ = turn._
    offer = offer_of(turn.session, turn.user_id)
    if offer is None or offer.status in (VolunteerStatus.STOPPED, VolunteerStatus.REJECTED):
        turn.say(_("U bent nog geen vrijwilliger. Wilt u helpen? Typ dan /aanbieden."))
        return
    text = "\n".join(["🤝 <b>" + _("Uw aanbod") + "</b> · " + _(STATUS_LABELS[offer.status]), offer_text(offer, _)])
    options = [("✏️ " + _("Wijzigen"), ChangeOffer("edit"))]
    if offer.status == VolunteerStatus.APPROVED:
        options.append(("⏸️ " + _("Even pauzeren"), ChangeOffer("pause")))
    if offer.status == VolunteerStatus.PAUSED:
        options.append(("▶️ " + _("Weer beschikbaar"), ChangeOffer("resume")))
    options.append(("🛑 " + _("Stoppen als vrijwilliger"), ChangeOffer("stop")))
    turn.say(text, button_rows(options))


def change_offer(turn: Turn, button: ChangeOffer) -> None:
    """Change (the sign-up again, filled in), pause, resume or stop (stopping asks once more)."""
    _ = turn._
    if button.action == "edit":
        sign_up.start(turn)
        return
    if button.action == "stop":
        options = [("🛑 " + _("Ja, ik stop"), ChangeOffer("stopyes"))]
        turn.edit(_("Weet u het zeker? U krijgt dan geen vragen meer."), button_rows(options))
        return
    if button.action == "stopyes":
        done = stop_volunteering(turn.session, user_id=turn.user_id, now=turn.now, settings=turn.runtime.settings)
        text = _("U bent gestopt als vrijwilliger. Dank u wel voor al uw hulp!")
    else:
        done = set_paused(turn.session, user_id=turn.user_id, paused=button.action == "pause")
        text = (
            _("Uw aanbod staat op pauze. U kunt nu geen vragen aannemen. Weer beginnen? Typ /aanbod.")
            if button.action == "pause"
            else _("Welkom terug! U kunt weer vragen aannemen.")
        )
    if not done:
        turn.answer(_("Dat kan nu niet."), alert=True)
        return
    turn.edit("👍 " + text)
