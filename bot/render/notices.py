"""Notices as Telegram messages: each recipient's text, buttons and language, written to the outbox.

The unit of work calls `render_notices` just before it commits, so the rows commit with what caused them.
Groups read the default language; people read their own (`bot.services.people.locale_of`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape
from typing import Any

from sqlmodel import Session

from bot.buttons import DecideVolunteer, Feedback, PassOffer, Refer, ReferOrganisation, TakeOffer
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translator, translator
from bot.render.activities import (
    announcement,
    cancellation_text,
    cancelled_heading,
    manage_markup,
    not_coming_markup,
    reminder_text,
    rsvp_markup,
    seat_available_text,
)
from bot.render.call_backs import call_moment
from bot.render.danger import danger_kinds_text
from bot.render.keyboards import button_rows
from bot.render.providers import proposal_text
from bot.render.referrals import PUNTEXTRA_LABELS, REFERRAL_LABELS, RESIDENT_NEWS, organisation_news
from bot.render.requests import (
    category_label,
    claim_keyboard,
    contact_html,
    helper_name,
    lifecycle_keyboard,
    request_card,
    summary,
    when_text,
    withdrawn_card,
)
from bot.render.surveys import invitation
from bot.render.volunteers import offer_text
from bot.services import notices as n
from bot.services.broadcasts import send_in_batch, set_progress_heading
from bot.services.outbox import enqueue, enqueue_card_edit, enqueue_message
from bot.services.people import locale_of
from bot.services.referrals import ROUTES as PUNTEXTRA_ROUTES
from bot.services.unit_of_work import NoticeRenderer
from bot.services.views import RequestView

MEDIA_EMOJI = {"voice": "🎤", "photo": "📷", "video": "🎬", "document": "📄", "audio": "🎧"}


class _Writer:
    """What every notice's renderer needs: the session, the moment, and a translator per reader."""

    def __init__(self, session: Session, settings: Settings, now: datetime) -> None:
        self.session, self.settings, self.now = session, settings, now

    def reader(self, user_id: int) -> Translator:
        """The translator of a person we write to outside of an update."""
        locale = locale_of(self.session, user_id, default_locale=self.settings.default_locale)
        return translator(locale, self.settings.time_zone)

    def group(self) -> Translator:
        """Groups read the bot in the default language."""
        return translator(self.settings.default_locale, self.settings.time_zone)

    def send(self, chat_id: int, text: str, markup: Any = None, **reference: Any) -> None:
        """Queue a message; `markup` is a keyboard object or a dict."""
        as_dict = markup.to_dict() if hasattr(markup, "to_dict") else markup
        enqueue_message(self.session, chat_id=chat_id, text=text, reply_markup=as_dict, now=self.now, **reference)

    def edit_card(self, request: RequestView, chat_id: int, text: str, markup: Any = None) -> None:
        """Queue an edit of a request's group card."""
        as_dict = markup.to_dict() if markup is not None else None
        enqueue_card_edit(
            self.session, request_id=request.id, chat_id=chat_id, text=text, now=self.now, reply_markup=as_dict
        )

    def to_coordinators(
        self,
        coordinator_ids: Sequence[int],
        compose: Callable[[Translator], str],
        *,
        item_id: int | None = None,
        markup: Callable[[Translator], Any] | None = None,
    ) -> None:
        """The same message to each coordinator, each in their own language."""
        for coordinator_id in coordinator_ids:
            _ = self.reader(coordinator_id)
            reference = {"ref_kind": "inbox", "ref_id": item_id} if item_id is not None else {}
            self.send(coordinator_id, compose(_), markup(_) if markup else None, **reference)


# ------------------------------------------------------------------ cards in groups


def _card_posted(w: _Writer, notice: n.CardPosted) -> None:
    text, markup = request_card(notice.request, w.group())
    w.send(notice.chat_id, text, markup, ref_kind="card", ref_id=notice.request.id)


def _card_reopened(w: _Writer, notice: n.CardReopened) -> None:
    text, markup = request_card(notice.request, w.group())
    w.edit_card(notice.request, notice.chat_id, text, markup)


def _card_taken(w: _Writer, notice: n.CardTaken) -> None:
    _ = w.group()
    text, markup = request_card(notice.request, _, helper=helper_name(notice.helper_name, _))
    w.edit_card(notice.request, notice.chat_id, text, markup)


def _card_withdrawn(w: _Writer, notice: n.CardWithdrawn) -> None:
    w.edit_card(notice.request, notice.chat_id, withdrawn_card(notice.request, w.group(), bare=notice.bare))


def _request_bumped(w: _Writer, notice: n.RequestBumped) -> None:
    _ = w.group()
    request = notice.request
    text = "🔔 " + _("Deze vraag zoekt nog een helper: {category} in {place}, {when}.").format(
        category=escape(category_label(request.category, _)),
        place=escape(request.place_name),
        when=escape(when_text(request, _)),
    )
    w.send(notice.chat_id, text, claim_keyboard(request.id, _))


# ------------------------------------------------------------------ the resident


def _helper_found(w: _Writer, notice: n.HelperFound) -> None:
    _ = w.reader(notice.resident_id)
    text = _("Goed nieuws! {name} helpt u met uw vraag. {name} neemt contact met u op.").format(
        name=escape(helper_name(notice.helper_name, _))
    )
    w.send(notice.resident_id, "🤝 " + text)


def _helper_gave_back(w: _Writer, notice: n.HelperGaveBack) -> None:
    _ = w.reader(notice.resident_id)
    text = _("De vrijwilliger kan toch niet helpen. Geen zorg: wij zoeken iemand anders.")
    w.send(notice.resident_id, "🔄 " + text)


def _ask_if_done(w: _Writer, notice: n.AskIfDone) -> None:
    _ = w.reader(notice.resident_id)
    request = notice.request
    text = "\n\n".join(["🙂 <b>" + _("Is het gelukt?") + "</b>", summary(request, _)])
    buttons = [("👍 " + _("Ja, gelukt"), Feedback(request.id, "up")), ("👎 " + _("Nee"), Feedback(request.id, "down"))]
    w.send(notice.resident_id, text, button_rows(buttons, 2))


def _no_volunteer_yet(w: _Writer, notice: n.NoVolunteerYet) -> None:
    _ = w.reader(notice.resident_id)
    text = _("Er heeft zich nog geen vrijwilliger gemeld voor uw vraag. Een coördinator zoekt nu een andere oplossing.")
    w.send(notice.resident_id, "⏳ " + text + " " + _("Wij houden u op de hoogte."))


def _request_referred(w: _Writer, notice: n.RequestReferred) -> None:
    _ = w.reader(notice.resident_id)
    text = _("Uw vraag is doorgegeven aan: {route}. Zij nemen contact met u op.").format(
        route=escape(_(REFERRAL_LABELS[notice.route]))
    )
    w.send(notice.resident_id, "📨 " + text)


def _route_chosen(w: _Writer, notice: n.RouteChosen) -> None:
    _ = w.reader(notice.resident_id)
    if notice.organisation is not None:
        w.send(notice.resident_id, "ℹ️ " + organisation_news(notice.organisation, notice.phone, _))
    else:
        w.send(notice.resident_id, "ℹ️ " + _(RESIDENT_NEWS[notice.route]))


# ------------------------------------------------------------------ the helper


def _thanks_to_helper(w: _Writer, notice: n.ThanksToHelper) -> None:
    _ = w.reader(notice.helper_id)
    text = _("{name} laat weten: het is gelukt. Heel erg bedankt voor uw hulp!").format(
        name=escape(notice.resident_name or _("De bewoner"))
    )
    w.send(notice.helper_id, "💐 " + text)


def _request_withdrawn(w: _Writer, notice: n.RequestWithdrawn) -> None:
    _ = w.reader(notice.helper_id)
    if notice.forgotten:
        text = "ℹ️ " + _("De bewoner heeft vraag #{number} ingetrokken. U hoeft niet meer te helpen.").format(
            number=notice.request.id
        )
        text += " " + _("Wis de gegevens van de bewoner die u van mij kreeg.")
    else:
        text = "\n\n".join(
            [
                "ℹ️ " + _("Deze vraag is ingetrokken. U hoeft niet meer te helpen. Dank u wel!"),
                summary(notice.request, _),
            ]
        )
    w.send(notice.helper_id, text)


def _weekly_offer(w: _Writer, notice: n.WeeklyOffer) -> None:
    _ = w.reader(notice.helper_id)
    request = notice.request
    text = "\n\n".join(
        [
            "🔁 "
            + _("{name} wil graag elke week hulp. Kunt u de volgende keer weer helpen?").format(
                name=escape(notice.resident_name or _("De bewoner"))
            ),
            summary(request, _),
        ]
    )
    buttons = [("🙋 " + _("Ik help"), TakeOffer(request.id)), ("🙅 " + _("Nee, deze keer niet"), PassOffer(request.id))]
    w.send(notice.helper_id, text, button_rows(buttons))


def _helper_reminder(w: _Writer, notice: n.HelperReminder) -> None:
    _ = w.reader(notice.helper_id)
    lines = ["⏰ <b>" + _("Herinnering: morgen helpt u met deze vraag.") + "</b>", summary(notice.request, _)]
    if notice.resident is not None:
        lines.append(_("Neem contact op met:") + " " + contact_html(notice.resident, _))
    w.send(notice.helper_id, "\n\n".join(lines), lifecycle_keyboard(notice.request.id, _))


def _assigned_by_coordinator(w: _Writer, notice: n.AssignedByCoordinator) -> None:
    _ = w.reader(notice.volunteer_id)
    resident = notice.resident
    lines = [
        "🤝 <b>" + _("Een coördinator vraagt u te helpen met deze vraag:") + "</b>",
        summary(notice.request, _),
        _("Neem contact op met:") + " " + (contact_html(resident, _) if resident else _("(onbekend)")),
    ]
    w.send(notice.volunteer_id, "\n\n".join(lines), lifecycle_keyboard(notice.request.id, _))


# ------------------------------------------------------------------ the coordinators


def _request_for_coordinators(w: _Writer, notice: n.RequestForCoordinators) -> None:
    def compose(_: Translator) -> str:
        heading = (
            _("Een vraag voor het wijkteam:")
            if not notice.request.category.for_volunteers
            else _("Een vraag zonder groep van vrijwilligers:")
        )
        return "\n".join(
            [
                f"📥 <b>{heading}</b> #{notice.request.id}",
                summary(notice.request, _),
                contact_html(notice.resident, _),
            ]
        )

    w.to_coordinators(notice.coordinator_ids, compose, item_id=notice.item_id)


def _no_volunteer_found(w: _Writer, notice: n.NoVolunteerFound) -> None:
    request = notice.request

    def compose(_: Translator) -> str:
        lines = ["⏰ <b>" + _("Geen vrijwilliger gevonden") + f"</b> #{request.id}", summary(request, _)]
        if notice.resident is not None:
            lines.append(contact_html(notice.resident, _))
        if notice.proposal is not None:
            lines.append(proposal_text(notice.proposal, _))
        lines.append(_("Wat is de volgende stap?"))
        return "\n".join(lines)

    def routes(_: Translator) -> Any:
        organisations = notice.proposal.organisations if notice.proposal else ()
        options = [("➡️ " + o.name, ReferOrganisation(request.id, o.slug)) for o in organisations]
        options += [(_(PUNTEXTRA_LABELS[route]), Refer(request.id, route)) for route in PUNTEXTRA_ROUTES]
        return button_rows(options)

    w.to_coordinators(notice.coordinator_ids, compose, markup=routes)


def _complaint(w: _Writer, notice: n.Complaint) -> None:
    def compose(_: Translator) -> str:
        lines = [
            "👎 <b>" + _("Niet gelukt volgens de bewoner") + f"</b> #{notice.request.id}",
            summary(notice.request, _),
            _("Bewoner:") + " " + contact_html(notice.resident, _),
        ]
        if notice.helper is not None:
            lines.append(_("Vrijwilliger:") + " " + contact_html(notice.helper, _))
        lines.append(_("Neem contact op met de bewoner."))
        return "\n".join(lines)

    w.to_coordinators(notice.coordinator_ids, compose, item_id=notice.item_id)


def _resident_stopped(w: _Writer, notice: n.ResidentStopped) -> None:
    w.to_coordinators(
        notice.coordinator_ids,
        lambda _: "ℹ️ " + _("De bewoner is gestopt met vraag #{id}.").format(id=notice.request_id),
    )


def _call_back_requested(w: _Writer, notice: n.CallBackRequested) -> None:
    def compose(_: Translator) -> str:
        lines = [
            "📞 <b>" + _("Bel terug") + f"</b> #{notice.item_id}",
            contact_html(notice.resident, _),
            "📅 " + escape(call_moment(notice.day, notice.part, _)),
        ]
        if notice.place_name:
            lines.append("📍 " + escape(notice.place_name))
        if notice.reason:
            lines.append("💬 " + escape(notice.reason))
        return "\n".join(lines)

    w.to_coordinators(notice.coordinator_ids, compose, item_id=notice.item_id)


def _danger_reported(w: _Writer, notice: n.DangerReported) -> None:
    def compose(_: Translator) -> str:
        lines = [
            "🚨 <b>" + _("Dringend: woorden van gevaar") + f"</b> #{notice.item_id}",
            "⚠️ " + escape(danger_kinds_text(notice.kinds, _)),
            contact_html(notice.resident, _),
        ]
        if notice.place_name:
            lines.append("📍 " + escape(notice.place_name))
        lines.append("💬 " + escape(notice.text))
        lines.append(_("De bewoner kreeg de noodnummers. Neem zo snel mogelijk contact op."))
        return "\n".join(lines)

    w.to_coordinators(notice.coordinator_ids, compose, item_id=notice.item_id)


def _media_received(w: _Writer, notice: n.MediaReceived) -> None:
    for coordinator_id in notice.coordinator_ids:
        _ = w.reader(coordinator_id)
        heading = (
            MEDIA_EMOJI.get(notice.media, "📎") + " <b>" + _("Bericht van een bewoner") + f"</b> #{notice.item_id}"
        )
        lines = [heading, contact_html(notice.resident, _)]
        if notice.caption:
            lines.append("💬 " + escape(notice.caption))
        text = "\n".join([*lines, _("Bel of schrijf deze bewoner terug.")])
        w.send(coordinator_id, text, ref_kind="inbox", ref_id=notice.item_id)
        params = {"from_chat_id": notice.chat_id, "message_id": notice.message_id}
        enqueue(w.session, chat_id=coordinator_id, method="copyMessage", params=params, now=w.now)


def _new_volunteer(w: _Writer, notice: n.NewVolunteer) -> None:
    volunteer_id = notice.offer.volunteer_id
    for coordinator_id in notice.coordinator_ids:
        _ = w.reader(coordinator_id)
        lines = [
            "🆕 <b>" + _("Nieuwe vrijwilliger") + "</b>",
            contact_html(notice.volunteer, _) if notice.volunteer else str(volunteer_id),
            offer_text(notice.offer, _),
            _("Goedkeuren?"),
        ]
        buttons = [
            ("✅ " + _("Goedkeuren"), DecideVolunteer(volunteer_id, "ok")),
            ("❌ " + _("Afwijzen"), DecideVolunteer(volunteer_id, "no")),
        ]
        markup = button_rows(buttons, per_row=2)
        w.send(coordinator_id, "\n".join(lines), markup, ref_kind="volunteer", ref_id=volunteer_id)


def _volunteer_stopped(w: _Writer, notice: n.VolunteerStopped) -> None:
    def compose(_: Translator) -> str:
        who = contact_html(notice.volunteer, _) if notice.volunteer else str(notice.volunteer_id)
        return "👋 " + _("Deze vrijwilliger stopt:") + " " + who

    w.to_coordinators(notice.coordinator_ids, compose)


# ------------------------------------------------------------------ volunteers and activities


def _volunteer_decided(w: _Writer, notice: n.VolunteerDecided) -> None:
    _ = w.reader(notice.volunteer_id)
    if notice.approved:
        lines = ["🎉 " + _("U bent goedgekeurd als vrijwilliger. Dank u wel!")]
        if notice.invite_links:
            lines.append(_("Word lid van de groep van uw buurt. Druk op de link:"))
            lines.extend(notice.invite_links)
            lines.append(_("Daar ziet u de vragen van bewoners."))
        else:
            lines.append(_("Een coördinator voegt u toe aan de groep van uw buurt."))
    else:
        lines = [_("Helaas kunnen wij u nu niet als vrijwilliger inzetten. Vragen? Neem contact op met uw steunpunt.")]
    w.send(notice.volunteer_id, "\n".join(lines))


def _activity_published(w: _Writer, notice: n.ActivityPublished) -> None:
    activity = notice.activity
    coordinator_ = w.reader(notice.coordinator_id)
    set_progress_heading(
        w.session,
        notice.broadcast_id,
        text=announcement(activity, coordinator_),
        final_markup=manage_markup(activity.id, coordinator_).to_dict(),
    )
    group_ = w.group()
    for chat_id in notice.group_chat_ids:
        text = announcement(activity, group_)
        send_in_batch(
            w.session,
            notice.broadcast_id,
            chat_id=chat_id,
            text=text,
            reply_markup=rsvp_markup(activity.id, group_).to_dict(),
            now=w.now,
        )
    for user_id in notice.resident_ids:
        _ = w.reader(user_id)
        text = announcement(activity, _) + "\n\n" + _("Wilt u hier geen bericht meer over? Typ dan /nieuws.")
        send_in_batch(
            w.session,
            notice.broadcast_id,
            chat_id=user_id,
            text=text,
            reply_markup=rsvp_markup(activity.id, _).to_dict(),
            now=w.now,
        )


def _activity_cancelled(w: _Writer, notice: n.ActivityCancelled) -> None:
    activity = notice.activity
    set_progress_heading(
        w.session, notice.broadcast_id, text=cancelled_heading(activity, w.reader(notice.coordinator_id))
    )
    group_ = w.group()
    for chat_id in notice.group_chat_ids:
        send_in_batch(
            w.session, notice.broadcast_id, chat_id=chat_id, text=cancellation_text(activity, group_), now=w.now
        )
    for user_id in notice.attendee_ids:
        text = cancellation_text(activity, w.reader(user_id))
        send_in_batch(w.session, notice.broadcast_id, chat_id=user_id, text=text, now=w.now)


def _activity_reminder(w: _Writer, notice: n.ActivityReminder) -> None:
    for user_id in notice.attendee_ids:
        _ = w.reader(user_id)
        send_in_batch(
            w.session,
            notice.broadcast_id,
            chat_id=user_id,
            text=reminder_text(notice.activity, _),
            reply_markup=not_coming_markup(notice.activity.id, _).to_dict(),
            now=w.now,
        )


def _seat_available(w: _Writer, notice: n.SeatAvailable) -> None:
    _ = w.reader(notice.user_id)
    text = seat_available_text(notice.activity, notice.people, _)
    w.send(notice.user_id, text, not_coming_markup(notice.activity.id, _))


def _broadcast_progress(w: _Writer, notice: n.BroadcastProgress) -> None:
    _ = w.reader(notice.chat_id)
    if notice.finished:
        line = "\n".join(
            [
                "✅ " + _("Klaar. Bezorgd: {count}.").format(count=_.number(notice.delivered)),
                _("Kan geen berichten meer ontvangen: {count}.").format(count=_.number(notice.blocked)),
                _("Niet gelukt: {count}.").format(count=_.number(notice.failed)),
            ]
        )
    else:
        line = "📤 " + _("Verstuurd: {done} van {total}").format(
            done=_.number(notice.done), total=_.number(notice.total)
        )
    params: dict[str, Any] = {
        "message_id": notice.message_id,
        "text": "\n\n".join(part for part in (notice.heading, line) if part),
        "parse_mode": "HTML",
    }
    if notice.finished and notice.final_markup:
        params["reply_markup"] = notice.final_markup
    enqueue(w.session, chat_id=notice.chat_id, method="editMessageText", params=params, now=w.now)


def _survey_invitation(w: _Writer, notice: n.SurveyInvitation) -> None:
    for user_id in notice.resident_ids:
        text, markup = invitation(notice.survey, w.reader(user_id), reminder=notice.reminder)
        w.send(user_id, text, markup)


def _organiser_appointed(w: _Writer, notice: n.OrganiserAppointed) -> None:
    _ = w.reader(notice.user_id)
    lines = [
        "🤝 "
        + _("U mag nu zelf iets op touw zetten voor {werkgroep} in {kern}.").format(
            werkgroep=escape(notice.werkgroep or _("de werkgroep")), kern=escape(notice.kern_name)
        ),
        _("Wilt u de buurt iets laten weten? Typ dan /activiteit."),
        _("Typ /deelnemers om te zien wie er komt."),
    ]
    w.send(notice.user_id, "\n".join(lines))


RENDERERS: dict[n.NoticeKind, Callable[[_Writer, Any], None]] = {
    n.NoticeKind.CARD_POSTED: _card_posted,
    n.NoticeKind.CARD_REOPENED: _card_reopened,
    n.NoticeKind.CARD_TAKEN: _card_taken,
    n.NoticeKind.CARD_WITHDRAWN: _card_withdrawn,
    n.NoticeKind.REQUEST_BUMPED: _request_bumped,
    n.NoticeKind.HELPER_FOUND: _helper_found,
    n.NoticeKind.HELPER_GAVE_BACK: _helper_gave_back,
    n.NoticeKind.ASK_IF_DONE: _ask_if_done,
    n.NoticeKind.NO_VOLUNTEER_YET: _no_volunteer_yet,
    n.NoticeKind.REQUEST_REFERRED: _request_referred,
    n.NoticeKind.ROUTE_CHOSEN: _route_chosen,
    n.NoticeKind.THANKS_TO_HELPER: _thanks_to_helper,
    n.NoticeKind.REQUEST_WITHDRAWN: _request_withdrawn,
    n.NoticeKind.WEEKLY_OFFER: _weekly_offer,
    n.NoticeKind.HELPER_REMINDER: _helper_reminder,
    n.NoticeKind.ASSIGNED_BY_COORDINATOR: _assigned_by_coordinator,
    n.NoticeKind.REQUEST_FOR_COORDINATORS: _request_for_coordinators,
    n.NoticeKind.NO_VOLUNTEER_FOUND: _no_volunteer_found,
    n.NoticeKind.COMPLAINT: _complaint,
    n.NoticeKind.RESIDENT_STOPPED: _resident_stopped,
    n.NoticeKind.CALL_BACK_REQUESTED: _call_back_requested,
    n.NoticeKind.DANGER_REPORTED: _danger_reported,
    n.NoticeKind.MEDIA_RECEIVED: _media_received,
    n.NoticeKind.NEW_VOLUNTEER: _new_volunteer,
    n.NoticeKind.VOLUNTEER_STOPPED: _volunteer_stopped,
    n.NoticeKind.VOLUNTEER_DECIDED: _volunteer_decided,
    n.NoticeKind.ACTIVITY_PUBLISHED: _activity_published,
    n.NoticeKind.ACTIVITY_CANCELLED: _activity_cancelled,
    n.NoticeKind.ACTIVITY_REMINDER: _activity_reminder,
    n.NoticeKind.SEAT_AVAILABLE: _seat_available,
    n.NoticeKind.BROADCAST_PROGRESS: _broadcast_progress,
    n.NoticeKind.SURVEY_INVITATION: _survey_invitation,
    n.NoticeKind.ORGANISER_APPOINTED: _organiser_appointed,
}


def render_notices(session: Session, notices: Sequence[n.Notice], *, settings: Settings, now: datetime) -> None:
    """Write each notice as outbox rows, in order, in the caller's transaction."""
    writer = _Writer(session, settings, now)
    for notice in notices:
        RENDERERS[notice.kind](writer, notice)


def telegram_renderer(settings: Settings, clock: Clock) -> NoticeRenderer:
    """The renderer the composition root gives the runtime: `render_notices` with the settings and the clock."""

    def render(session: Session, notices: Sequence[n.Notice]) -> None:
        render_notices(session, notices, settings=settings, now=clock.now())

    return render
