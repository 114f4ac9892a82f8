"""An activity's buttons: residents' RSVPs (`Rsvp`, private or in a group), the coordinator's `ManageActivity`,
and `/deelnemers`."""

from __future__ import annotations

from bot.buttons import ManageActivity, Rsvp
from bot.flows.gates import refuse
from bot.flows.turn import Turn
from bot.render.activities import (
    announcement,
    attendee_text,
    cancelled_heading,
    people_text,
    rsvp_markup,
    rsvp_result_text,
    seats_text,
)
from bot.render.keyboards import button_rows
from bot.services.access import organised_kern, scope_of
from bot.services.activities.publishing import CancelOutcome, cancel_activity
from bot.services.activities.rsvp import RsvpOutcome, attendee_list, respond, upcoming_attendee_lists

SHOWN = (RsvpOutcome.GOING, RsvpOutcome.WAITING, RsvpOutcome.CANCELLED)


def rsvp(turn: Turn, button: Rsvp) -> None:
    """Anyone may answer; the database keeps the head count within the capacity.

    The answer shows in a box, and stays in sight: in a private chat the announcement says "U komt" or
    "Wachtlijst", in a group it says how many places are left, or "Vol".
    """
    _ = turn._
    result = respond(
        turn.session, activity_id=button.activity_id, user_id=turn.user_id, people=button.people, now=turn.now
    )
    people = people_text(result.people, _)
    texts = {
        RsvpOutcome.GOING: "✅ " + _("U staat op de lijst ({people}). Tot dan!"),
        RsvpOutcome.WAITING: "⏳ " + _("Het is vol. U staat op de wachtlijst. U krijgt bericht als er plek is."),
        RsvpOutcome.CANCELLED: "👍 " + _("U bent afgemeld. Jammer dat u niet kunt."),
        RsvpOutcome.NOT_ON_LIST: _("U stond niet op de lijst."),
        RsvpOutcome.KEPT: _("Er is geen plek voor meer mensen. U blijft op de lijst met {people}."),
        RsvpOutcome.CLOSED: _("Deze activiteit gaat niet door of is al geweest."),
    }
    turn.answer(texts[result.outcome].format(people=people), alert=True)
    activity = result.activity
    if activity is None or result.outcome not in SHOWN:
        return
    if turn.in_private:
        status = rsvp_result_text(result.outcome, result.people, _)
        turn.edit(announcement(activity, _) + "\n\n" + status, rsvp_markup(activity.id, _))
    else:
        group_ = turn.group_translator()
        card = announcement(activity, group_) + "\n\n" + seats_text(activity, group_)
        turn.edit(card, rsvp_markup(activity.id, group_))


def manage(turn: Turn, button: ManageActivity) -> None:
    """The coordinator's buttons: the attendee list, or cancelling; authorised at every press."""
    _ = turn._
    if button.action == "people":
        attendees = attendee_list(turn.session, activity_id=button.activity_id, coordinator_id=turn.user_id)
        if attendees is None:
            refuse(turn)
            return
        turn.say(attendee_text(attendees, _))
        return
    cancellation = cancel_activity(
        turn.session,
        activity_id=button.activity_id,
        coordinator_id=turn.user_id,
        progress_chat_id=turn.chat_id,
        progress_message_id=turn.message.message_id,
        now=turn.now,
    )
    if cancellation.outcome is CancelOutcome.NOT_ALLOWED:
        refuse(turn)
    elif cancellation.outcome is CancelOutcome.NOT_PUBLISHED:
        turn.answer(_("Deze activiteit gaat al niet door."), alert=True)
    else:
        turn.edit(cancelled_heading(cancellation.activity, _) + "\n" + _("Iedereen krijgt bericht."))


def list_attendees(turn: Turn) -> None:
    """`/deelnemers`: the coming activities a coordinator (or an organiser) manages, with their lists."""
    if scope_of(turn.session, turn.user_id) is None and organised_kern(turn.session, turn.user_id) is None:
        refuse(turn)
        return
    _ = turn._
    lists = upcoming_attendee_lists(turn.session, coordinator_id=turn.user_id, now=turn.now)
    if not lists:
        turn.say(_("Er is nu niets gepland."))
        return
    for attendees in lists:
        markup = button_rows([("🚫 " + _("Activiteit afzeggen"), ManageActivity(attendees.activity.id, "cancel"))])
        turn.say(attendee_text(attendees, _), markup)
