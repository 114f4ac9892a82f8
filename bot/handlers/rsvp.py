"""RSVP buttons under an activity (`rsvp:<activity id>:<people>`), and the coordinator's buttons (`act:<id>:...`)."""

from __future__ import annotations

import re

from telegram import Update

from bot.context import BotContext
from bot.flows.gates import refuse, require_coordinator
from bot.render.activities import attendee_text, cancelled_heading, people_text
from bot.render.keyboards import button_rows
from bot.services.activities.publishing import CancelOutcome, cancel_activity
from bot.services.activities.rsvp import RsvpOutcome, attendee_list, respond, upcoming_attendee_lists

RSVP = re.compile(r"^rsvp:(\d{1,12}):([0-2])$")
MANAGE = re.compile(r"^act:(\d{1,12}):(people|cancel)$")


async def rsvp(update: Update, context: BotContext) -> None:
    """Anyone may answer; the database keeps the head count within the capacity."""
    query = update.callback_query
    found = RSVP.match(query.data)
    activity_id, people = int(found.group(1)), int(found.group(2))
    _ = context._
    with context.unit_of_work() as uow:
        result = respond(
            uow.session,
            activity_id=activity_id,
            user_id=update.effective_user.id,
            people=people,
            now=context.runtime.clock.now(),
        )
        uow.commit()
    people = people_text(result.people, _)
    texts = {
        RsvpOutcome.GOING: "✅ " + _("U staat op de lijst ({people}). Tot dan!"),
        RsvpOutcome.WAITING: "⏳ " + _("Het is vol. U staat op de wachtlijst. U krijgt bericht als er plek is."),
        RsvpOutcome.CANCELLED: "👍 " + _("U bent afgemeld. Jammer dat u niet kunt."),
        RsvpOutcome.NOT_ON_LIST: _("U stond niet op de lijst."),
        RsvpOutcome.KEPT: _("Er is geen plek voor meer mensen. U blijft op de lijst met {people}."),
        RsvpOutcome.CLOSED: _("Deze activiteit gaat niet door of is al geweest."),
    }
    await query.answer(texts[result.outcome].format(people=people), show_alert=True)


async def manage(update: Update, context: BotContext) -> None:
    """The coordinator's buttons: the attendee list, or cancelling; authorised at every press."""
    query = update.callback_query
    found = MANAGE.match(query.data)
    activity_id, action = int(found.group(1)), found.group(2)
    user_id = update.effective_user.id
    _ = context._
    with context.unit_of_work() as uow:
        if action == "people":
            attendees = attendee_list(uow.session, activity_id=activity_id, coordinator_id=user_id)
        else:
            cancellation = cancel_activity(
                uow.session,
                activity_id=activity_id,
                coordinator_id=user_id,
                progress_chat_id=query.message.chat.id,
                progress_message_id=query.message.message_id,
                now=context.runtime.clock.now(),
            )
            uow.commit()
    if action == "people":
        if attendees is None:
            await refuse(update, context)
            return
        await query.answer()
        await update.effective_chat.send_message(attendee_text(attendees, _))
        return
    if cancellation.outcome is CancelOutcome.NOT_ALLOWED:
        await refuse(update, context)
        return
    if cancellation.outcome is CancelOutcome.NOT_PUBLISHED:
        await query.answer(_("Deze activiteit gaat al niet door."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(
        cancelled_heading(cancellation.activity, _) + "\n" + _("Iedereen krijgt bericht."), reply_markup=None
    )


async def list_attendees(update: Update, context: BotContext) -> None:
    """`/deelnemers`: the coming activities of the coordinator's municipality with their lists."""
    if await require_coordinator(update, context) is None:
        return
    _ = context._
    with context.unit_of_work() as uow:
        lists = upcoming_attendee_lists(
            uow.session, coordinator_id=update.effective_user.id, now=context.runtime.clock.now()
        )
    if not lists:
        await update.effective_chat.send_message(_("Er is nu niets gepland."))
        return
    for attendees in lists:
        markup = button_rows([("🚫 " + _("Activiteit afzeggen"), f"act:{attendees.activity.id}:cancel")])
        await update.effective_chat.send_message(attendee_text(attendees, _), reply_markup=markup)
