"""Activities in words: the announcement, the buttons under it, cancellations, reminders and attendee lists."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from bot.i18n import Translator
from bot.services.activities.rsvp import AttendeeList
from bot.services.views import ActivityView


def people_text(count: int, _: Translator) -> str:
    """ "1 persoon", "3 personen"."""
    return _.plural("{count} persoon", "{count} personen", count).format(count=_.number(count))


def announcement(activity: ActivityView, _: Translator) -> str:
    """The activity as residents and groups see it (HTML, user text escaped)."""
    lines = ["📣 <b>" + escape(activity.title) + "</b>"]
    if activity.description:
        lines.append(escape(activity.description))
    lines.append("")
    if activity.starts_at is not None:
        lines.append("📅 " + escape(_.moment(activity.starts_at)))
    where = ", ".join(part for part in (activity.place, activity.area_names) if part)
    lines.append("📍 " + escape(where))
    if activity.capacity:
        lines.append("👥 " + _("Plaats voor {people}").format(people=people_text(activity.capacity, _)))
    if activity.cost_cents:
        lines.append("💶 " + _("Kosten: {amount}").format(amount=_.money(Decimal(activity.cost_cents) / 100)))
    else:
        lines.append("💶 " + _("Gratis"))
    return "\n".join(lines)


def rsvp_markup(activity_id: int, _: Translator) -> dict[str, Any]:
    """The RSVP buttons: coming alone, with two, or not after all."""
    buttons = [
        ("🙋 " + _("Ik kom"), f"rsvp:{activity_id}:1"),
        ("👫 " + _("Ik kom met 2"), f"rsvp:{activity_id}:2"),
        ("❌ " + _("Ik kom toch niet"), f"rsvp:{activity_id}:0"),
    ]
    return {"inline_keyboard": [[{"text": label, "callback_data": data}] for label, data in buttons]}


def manage_markup(activity_id: int, _: Translator) -> dict[str, Any]:
    """The coordinator's buttons under a published activity."""
    return {
        "inline_keyboard": [
            [{"text": "👥 " + _("Deelnemers"), "callback_data": f"act:{activity_id}:people"}],
            [{"text": "🚫 " + _("Activiteit afzeggen"), "callback_data": f"act:{activity_id}:cancel"}],
        ]
    }


def cancelled_heading(activity: ActivityView, _: Translator) -> str:
    """What the coordinator's message says once an activity is off."""
    return "🚫 " + _("Afgezegd: {title}").format(title=escape(activity.title))


def cancellation_text(activity: ActivityView, _: Translator) -> str:
    """What the groups and everyone who answered hear when an activity is off."""
    return "🚫 " + _("Jammer: {title} op {moment} gaat niet door.").format(
        title="<b>" + escape(activity.title) + "</b>", moment=escape(_.moment(activity.starts_at))
    )


def reminder_text(activity: ActivityView, _: Translator) -> str:
    """The day-before reminder for everyone coming."""
    text = "⏰ " + _("Herinnering: morgen is {title}.").format(title="<b>" + escape(activity.title) + "</b>")
    text += "\n📅 " + escape(_.moment(activity.starts_at))
    if activity.place:
        text += "\n📍 " + escape(activity.place)
    return text + "\n\n" + _("Kunt u toch niet? Druk dan op de knop.")


def not_coming_markup(activity_id: int, _: Translator) -> dict[str, Any]:
    """The one button under a reminder."""
    return {"inline_keyboard": [[{"text": "❌ " + _("Ik kom toch niet"), "callback_data": f"rsvp:{activity_id}:0"}]]}


def attendee_text(attendees: AttendeeList, _: Translator) -> str:
    """Who comes (with how many) and who waits."""
    activity = attendees.activity
    lines = [
        "👥 <b>" + escape(activity.title) + "</b> · " + escape(_.moment(activity.starts_at)),
        _("Aangemeld: {people}").format(people=people_text(sum(a.people for a in attendees.going), _))
        + (" / " + _.number(activity.capacity) if activity.capacity else ""),
    ]
    lines += [f"• {escape(a.first_name or str(a.user_id))} ({a.people})" for a in attendees.going]
    if attendees.waiting:
        lines += ["", "⏳ " + _("Wachtlijst:")]
        lines += [f"• {escape(a.first_name or str(a.user_id))} ({a.people})" for a in attendees.waiting]
    return "\n".join(lines)
