"""Activities in words: the announcement, the buttons under it, cancellations, reminders and attendee lists."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from telegram import InlineKeyboardMarkup

from bot.buttons import ManageActivity, Rsvp
from bot.i18n import Translator
from bot.render.keyboards import button_rows
from bot.services.activities.rsvp import AttendeeList, RsvpOutcome
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


def rsvp_markup(activity_id: int, _: Translator) -> InlineKeyboardMarkup:
    """The RSVP buttons: coming alone, as two, or not after all."""
    return button_rows(
        [
            ("🙋 " + _("Ik kom"), Rsvp(activity_id, 1)),
            ("👫 " + _("Wij komen met z'n tweeën"), Rsvp(activity_id, 2)),
            ("❌ " + _("Ik kom toch niet"), Rsvp(activity_id, 0)),
        ]
    )


def rsvp_result_text(outcome: RsvpOutcome, people: int, _: Translator) -> str:
    """The line under the resident's own announcement: coming, waiting or not."""
    if outcome is RsvpOutcome.GOING:
        return "✅ " + _("U komt ({people}).").format(people=people_text(people, _))
    if outcome is RsvpOutcome.WAITING:
        return "⏳ " + _("Wachtlijst: het is vol. U krijgt bericht als er plek is.")
    return "👍 " + _("U komt niet.")


def seats_text(activity: ActivityView, _: Translator) -> str:
    """The line under a group's announcement: how many come, how many places are left, or full."""
    if not activity.capacity:
        return "👥 " + _("Aangemeld: {people}").format(people=people_text(activity.seats_taken, _))
    left = activity.capacity - activity.seats_taken
    if left <= 0:
        return "🈵 " + _("Vol. Wie zich nu aanmeldt, komt op de wachtlijst.")
    return "👥 " + _.plural("Nog {count} plek vrij.", "Nog {count} plekken vrij.", left).format(count=_.number(left))


def manage_markup(activity_id: int, _: Translator) -> InlineKeyboardMarkup:
    """The coordinator's buttons under a published activity."""
    return button_rows(
        [
            ("👥 " + _("Deelnemers"), ManageActivity(activity_id, "people")),
            ("🚫 " + _("Activiteit afzeggen"), ManageActivity(activity_id, "cancel")),
        ]
    )


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


def not_coming_markup(activity_id: int, _: Translator) -> InlineKeyboardMarkup:
    """The one button under a reminder and under "Er is plek!"."""
    return button_rows([("❌ " + _("Ik kom toch niet"), Rsvp(activity_id, 0))])


def seat_available_text(activity: ActivityView, people: int, _: Translator) -> str:
    """Moved up from the waiting list: for what, when and where, and how to say no after all."""
    text = "🎉 " + _("Er is plek! U staat nu op de lijst voor: {title}.").format(
        title="<b>" + escape(activity.title) + "</b>"
    )
    text += "\n👥 " + people_text(people, _)
    if activity.starts_at is not None:
        text += "\n📅 " + escape(_.moment(activity.starts_at))
    where = ", ".join(part for part in (activity.place, activity.area_names) if part)
    if where:
        text += "\n📍 " + escape(where)
    return text + "\n\n" + _("Kunt u toch niet? Druk dan op de knop.")


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
