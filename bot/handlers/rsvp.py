"""RSVP buttons under an activity (`rsvp:<activity id>:<people>`), and the coordinator's buttons (`act:<id>:...`)."""

from __future__ import annotations

import re
from html import escape

from telegram import Update

from bot.context import BotContext
from bot.flows.keyboards import button_rows
from bot.handlers.coordinators import refuse, require_coordinator
from bot.i18n import Translator
from bot.services.activities import (
    GOING,
    RsvpOutcome,
    attendees,
    cancel_activity,
    may_manage,
    people_text,
    respond,
    upcoming_for,
)
from db.models import Activity

RSVP = re.compile(r"^rsvp:(\d{1,12}):([0-2])$")
MANAGE = re.compile(r"^act:(\d{1,12}):(people|cancel)$")


async def rsvp(update: Update, context: BotContext) -> None:
    """Anyone may answer; the database keeps the head count within the capacity."""
    query = update.callback_query
    found = RSVP.match(query.data)
    activity_id, people = int(found.group(1)), int(found.group(2))
    runtime = context.runtime
    _ = context._
    with context.session() as session:
        result = respond(
            session,
            activity_id=activity_id,
            user_id=update.effective_user.id,
            people=people,
            now=runtime.clock.now(),
            settings=runtime.settings,
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
    await query.answer(texts[result.outcome].format(people=people), show_alert=True)


async def manage(update: Update, context: BotContext) -> None:
    """The coordinator's buttons: the attendee list, or cancelling; authorised at every press."""
    query = update.callback_query
    found = MANAGE.match(query.data)
    activity_id, action = int(found.group(1)), found.group(2)
    runtime = context.runtime
    _ = context._
    with context.session() as session:
        activity = session.get(Activity, activity_id)
        if activity is None or not may_manage(session, update.effective_user.id, activity):
            await refuse(update, context)
            return
        if action == "people":
            text = attendee_list(session, activity, _)
        else:
            done = cancel_activity(
                session,
                activity_id=activity_id,
                coordinator_id=update.effective_user.id,
                progress_chat_id=query.message.chat.id,
                progress_message_id=query.message.message_id,
                now=runtime.clock.now(),
                settings=runtime.settings,
            )
            if not done:
                await query.answer(_("Deze activiteit gaat al niet door."), show_alert=True)
                return
    await query.answer()
    if action == "people":
        await update.effective_chat.send_message(text)
        return
    await query.edit_message_text(
        "🚫 " + _("Afgezegd: {title}").format(title=escape(activity.title)) + "\n" + _("Iedereen krijgt bericht."),
        reply_markup=None,
    )


def attendee_list(session, activity: Activity, _: Translator) -> str:
    """Who comes (with how many) and who waits."""
    rows = attendees(session, activity.id)
    going = [(user, answer) for user, answer in rows if answer.status == GOING]
    waiting = [(user, answer) for user, answer in rows if answer.status != GOING]
    lines = [
        "👥 <b>" + escape(activity.title) + "</b> · " + escape(_.moment(activity.starts_at)),
        _("Aangemeld: {people}").format(people=people_text(sum(a.people for _u, a in going), _))
        + (" / " + _.number(activity.capacity) if activity.capacity else ""),
    ]
    lines += [f"• {escape(user.first_name or str(user.id))} ({answer.people})" for user, answer in going]
    if waiting:
        lines += ["", "⏳ " + _("Wachtlijst:")]
        lines += [f"• {escape(user.first_name or str(user.id))} ({answer.people})" for user, answer in waiting]
    return "\n".join(lines)


async def list_attendees(update: Update, context: BotContext) -> None:
    """`/deelnemers`: the coming activities of the coordinator's municipality with their lists."""
    if await require_coordinator(update, context) is None:
        return
    _ = context._
    with context.session() as session:
        activities = upcoming_for(session, coordinator_id=update.effective_user.id, now=context.runtime.clock.now())
        texts = [(attendee_list(session, a, _), a.id) for a in activities[:10]]
    if not texts:
        await update.effective_chat.send_message(_("Er is nu niets gepland."))
        return
    for text, activity_id in texts:
        markup = button_rows([("🚫 " + _("Activiteit afzeggen"), f"act:{activity_id}:cancel")])
        await update.effective_chat.send_message(text, reply_markup=markup)
