"""A request after its claim: release, done, time spent, feedback, cancel, weekly repeats, reminders."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select
from telegram import InlineKeyboardMarkup

from bot.config import Settings
from bot.dates import local_now
from bot.flows.keyboards import button_rows
from bot.i18n import Translator, translator
from bot.render import category_label, request_card, summary
from bot.services.outbox import enqueue_card_edit, enqueue_message
from bot.services.people import may_help_in
from bot.services.requests import (
    cancel_timers,
    close_escalations,
    contact_html,
    locale_of,
    message_coordinators,
    open_inbox_item,
    place_request,
    resident_of,
    schedule_reminders,
)
from bot.services.timing import arm_timer, timing_rules
from db.models import Category, HelpRequest, Neighbourhood, Outbox, RequestStatus, Timer, User

ACTIVE = (RequestStatus.OPEN, RequestStatus.CLAIMED, RequestStatus.ESCALATED)
MINUTE_CHOICES = (30, 60, 120)
ALL_TIMERS = ("bump", "escalate", "reminder", "offer")
RECENT_DAYS = 30


def lifecycle_keyboard(request_id: int, _: Translator) -> InlineKeyboardMarkup:
    """The buttons under a claimed request in the volunteer's private chat."""
    buttons = [("✅ " + _("Gedaan"), f"done:{request_id}"), ("↩️ " + _("Ik kan toch niet"), f"release:{request_id}")]
    return button_rows(buttons)


def _parts(session: Session, request: HelpRequest) -> tuple[Category, Neighbourhood]:
    return session.get(Category, request.category_slug), session.get(Neighbourhood, request.neighbourhood_slug)


def card_chat(session: Session, request_id: int) -> int | None:
    """The group chat the request's card went to, or None when it never had one."""
    query = select(Outbox.chat_id).where(
        Outbox.ref_kind == "card", Outbox.ref_id == request_id, Outbox.method == "sendMessage"
    )
    return session.exec(query.order_by(Outbox.id)).first()


def post_card(session: Session, *, request: HelpRequest, now: datetime, settings: Settings) -> None:
    """Put a request (back) before the volunteers: edit its card or post a first one, and arm the timers."""
    chat_id = card_chat(session, request.id)
    if chat_id is None:
        place_request(session, request=request, resident=resident_of(session, request), now=now, settings=settings)
        return
    category, place = _parts(session, request)
    text, markup = request_card(request, category, place, translator(settings.default_locale, settings.time_zone))
    enqueue_card_edit(
        session, request_id=request.id, chat_id=chat_id, text=text, now=now, reply_markup=markup.to_dict()
    )
    schedule_reminders(session, request=request, now=now, settings=settings)


def show_helper_on_card(
    session: Session, *, request: HelpRequest, helper: User, now: datetime, settings: Settings
) -> None:
    """After a claim made elsewhere (a bump, a private offer): the card shows who helps."""
    chat_id = card_chat(session, request.id)
    if chat_id is None:
        return
    category, place = _parts(session, request)
    _ = translator(settings.default_locale, settings.time_zone)
    text, markup = request_card(request, category, place, _, helper_name=helper.first_name or _("Een vrijwilliger"))
    enqueue_card_edit(
        session, request_id=request.id, chat_id=chat_id, text=text, now=now, reply_markup=markup.to_dict()
    )
    session.commit()


def _close_card(session: Session, *, request: HelpRequest, now: datetime, settings: Settings, bare: bool) -> None:
    """The card says the request was withdrawn; `bare` leaves out even category and place."""
    chat_id = request.card_chat_id or card_chat(session, request.id)
    if chat_id is None:
        return
    _ = translator(settings.default_locale, settings.time_zone)
    if bare:
        text = "🗑️ " + _("Deze vraag is ingetrokken. Dank u wel!")
    else:
        category, place = _parts(session, request)
        text = "\n".join(
            [
                f"{escape(category_label(category, _))} · <b>{escape(place.name)}</b>",
                "",
                "❌ " + _("Deze vraag is ingetrokken. Er is geen hulp meer nodig."),
            ]
        )
    enqueue_card_edit(session, request_id=request.id, chat_id=chat_id, text=text, now=now, reply_markup=None)


def _change_request(session: Session, request_id: int, *conditions: Any, **values: Any) -> HelpRequest | None:
    """One conditional UPDATE of a request; the fresh row when it matched, else None."""
    result = session.exec(update(HelpRequest).where(HelpRequest.id == request_id, *conditions).values(**values))
    if result.rowcount != 1:
        return None
    request = session.get(HelpRequest, request_id)
    session.refresh(request)
    return request


def _claimed_by(volunteer_id: int) -> tuple[Any, ...]:
    """The conditions of a request this volunteer holds now."""
    return HelpRequest.claimed_by == volunteer_id, HelpRequest.status == RequestStatus.CLAIMED


def _finished_for(resident_id: int) -> tuple[Any, ...]:
    """The conditions of a finished request this resident asked."""
    return HelpRequest.resident_id == resident_id, HelpRequest.status == RequestStatus.DONE


def release_request(session: Session, *, request_id: int, volunteer_id: int, now: datetime, settings: Settings) -> bool:
    """The helper cannot after all: the request is open again, the card too, the resident hears it."""
    released = release_held(session, request_id=request_id, volunteer_id=volunteer_id, now=now, settings=settings)
    session.commit()
    return released


def release_held(session: Session, *, request_id: int, volunteer_id: int, now: datetime, settings: Settings) -> bool:
    """Release one request this volunteer holds, in the caller's transaction (the caller commits)."""
    request = _change_request(
        session,
        request_id,
        *_claimed_by(volunteer_id),
        status=RequestStatus.OPEN,
        claimed_by=None,
        claimed_at=None,
        preferred_volunteer_id=None,
    )
    if request is None:
        return False
    cancel_timers(session, request_id=request_id, kinds=("reminder", "offer"), now=now)
    post_card(session, request=request, now=now, settings=settings)
    resident = resident_of(session, request)
    if resident is not None:
        _ = locale_of(resident, settings)
        text = _("De vrijwilliger kan toch niet helpen. Geen zorg: wij zoeken iemand anders.")
        enqueue_message(session, chat_id=resident.id, text="🔄 " + text, now=now)
    return True


def release_all_held(session: Session, *, volunteer_id: int, now: datetime, settings: Settings) -> int:
    """A helper leaves: every request they still hold is released the normal way. Returns how many."""
    held = session.exec(
        select(HelpRequest.id).where(
            HelpRequest.claimed_by == volunteer_id, HelpRequest.status == RequestStatus.CLAIMED
        )
    ).all()
    return sum(
        release_held(session, request_id=request_id, volunteer_id=volunteer_id, now=now, settings=settings)
        for request_id in held
    )


def finish_request(session: Session, *, request_id: int, volunteer_id: int, now: datetime, settings: Settings) -> bool:
    """The helper says it is done: the resident is asked whether it worked out."""
    request = _change_request(session, request_id, *_claimed_by(volunteer_id), status=RequestStatus.DONE, done_at=now)
    if request is None:
        return False
    cancel_timers(session, request_id=request_id, kinds=ALL_TIMERS, now=now)
    resident = resident_of(session, request)
    if resident is not None:
        _ = locale_of(resident, settings)
        category, place = _parts(session, request)
        text = "\n\n".join(["🙂 <b>" + _("Is het gelukt?") + "</b>", summary(request, category, place, _)])
        buttons = [("👍 " + _("Ja, gelukt"), f"fb:{request.id}:up"), ("👎 " + _("Nee"), f"fb:{request.id}:down")]
        enqueue_message(
            session, chat_id=resident.id, text=text, reply_markup=button_rows(buttons, 2).to_dict(), now=now
        )
    if request.repeat_weekly:
        _next_occurrence(session, request=request, now=now, settings=settings)
    session.commit()
    return True


def record_minutes(session: Session, *, request_id: int, volunteer_id: int, minutes: int) -> bool:
    """The helper's time spent, once, on a request they finished (0 = they'd rather not say)."""
    if minutes not in (0, *MINUTE_CHOICES):
        return False
    result = session.exec(
        update(HelpRequest)
        .where(
            HelpRequest.id == request_id,
            HelpRequest.claimed_by == volunteer_id,
            HelpRequest.status == RequestStatus.DONE,
            HelpRequest.minutes_spent.is_(None),
        )
        .values(minutes_spent=minutes or None)
    )
    session.commit()
    return result.rowcount == 1


def give_feedback(
    session: Session, *, request_id: int, resident_id: int, verdict: str, now: datetime, settings: Settings
) -> HelpRequest | None:
    """The resident's 👍/👎, once: thanks go to the helper, a 👎 to the coordinators."""
    if verdict not in ("up", "down"):
        return None
    request = _change_request(
        session,
        request_id,
        *_finished_for(resident_id),
        HelpRequest.feedback.is_(None),
        feedback=verdict,
        feedback_at=now,
    )
    if request is None:
        return None
    resident = session.get(User, resident_id)
    helper = session.get(User, request.claimed_by) if request.claimed_by else None
    if verdict == "up" and helper is not None:
        _ = locale_of(helper, settings)
        text = _("{name} laat weten: het is gelukt. Heel erg bedankt voor uw hulp!").format(
            name=escape(resident.first_name or _("De bewoner"))
        )
        enqueue_message(session, chat_id=helper.id, text="💐 " + text, now=now)
    if verdict == "down":
        _complain(session, request=request, resident=resident, helper=helper, now=now, settings=settings)
    session.commit()
    return request


def _complain(
    session: Session, *, request: HelpRequest, resident: User, helper: User | None, now: datetime, settings: Settings
) -> None:
    category, place = _parts(session, request)
    item = open_inbox_item(
        session,
        kind="feedback",
        municipality_slug=place.municipality_slug,
        user_id=resident.id,
        request_id=request.id,
        details={"feedback": "down", "volunteer_id": request.claimed_by},
        now=now,
    )

    def compose(_: Translator) -> str:
        lines = [
            "👎 <b>" + _("Niet gelukt volgens de bewoner") + f"</b> #{request.id}",
            summary(request, category, place, _),
            _("Bewoner:") + " " + contact_html(resident, _),
        ]
        if helper is not None:
            lines.append(_("Vrijwilliger:") + " " + contact_html(helper, _))
        lines.append(_("Neem contact op met de bewoner."))
        return "\n".join(lines)

    message_coordinators(
        session, municipality_slug=place.municipality_slug, compose=compose, item=item, now=now, settings=settings
    )


def cancel_request(session: Session, *, request_id: int, resident_id: int, now: datetime, settings: Settings) -> bool:
    """The resident needs no help any more: close the card, tell the helper (and coordinators) if any."""
    withdrawn = withdraw_request(session, request_id=request_id, resident_id=resident_id, now=now, settings=settings)
    session.commit()
    return withdrawn


def withdraw_request(
    session: Session, *, request_id: int, resident_id: int, now: datetime, settings: Settings, forgotten: bool = False
) -> bool:
    """Cancel an active request of this resident, in the caller's transaction.

    The database decides what it was (claimed first, so a claim racing in is seen). `forgotten`: the resident
    asked to be erased, so the card and the helper's message carry nothing about the request.
    """
    before, request = None, None
    for status in (RequestStatus.CLAIMED, RequestStatus.ESCALATED, RequestStatus.OPEN):
        request = _change_request(
            session,
            request_id,
            HelpRequest.resident_id == resident_id,
            HelpRequest.status == status,
            status=RequestStatus.CANCELLED,
            closed_at=now,
        )
        if request is not None:
            before = status
            break
    if request is None:
        return False
    cancel_timers(session, request_id=request_id, kinds=ALL_TIMERS, now=now)
    close_escalations(session, request_id=request_id, now=now)
    _close_card(session, request=request, now=now, settings=settings, bare=forgotten)
    category, place = _parts(session, request)
    helper_id = request.claimed_by if before == RequestStatus.CLAIMED else request.preferred_volunteer_id
    if helper_id is not None:
        _ = locale_of(session.get(User, helper_id), settings)
        if forgotten:
            text = "ℹ️ " + _("De bewoner heeft vraag #{number} ingetrokken. U hoeft niet meer te helpen.").format(
                number=request.id
            )
            text += " " + _("Wis de gegevens van de bewoner die u van mij kreeg.")
        else:
            text = "\n\n".join(
                [
                    "ℹ️ " + _("Deze vraag is ingetrokken. U hoeft niet meer te helpen. Dank u wel!"),
                    summary(request, category, place, _),
                ]
            )
        enqueue_message(session, chat_id=helper_id, text=text, now=now)
    if before == RequestStatus.ESCALATED:
        message_coordinators(
            session,
            municipality_slug=place.municipality_slug,
            compose=lambda _: "ℹ️ " + _("De bewoner is gestopt met vraag #{id}.").format(id=request.id),
            now=now,
            settings=settings,
        )
    return True


def requests_of_resident(
    session: Session, *, resident_id: int, now: datetime
) -> tuple[list[HelpRequest], list[HelpRequest]]:
    """A resident's open requests, and those finished in the last month; newest first."""
    mine = select(HelpRequest).where(HelpRequest.resident_id == resident_id).order_by(HelpRequest.id.desc())
    open_ = list(session.exec(mine.where(HelpRequest.status.in_(ACTIVE)).limit(10)))
    recent = list(
        session.exec(
            mine.where(
                HelpRequest.status.not_in(ACTIVE), HelpRequest.created_at >= now - timedelta(days=RECENT_DAYS)
            ).limit(10)
        )
    )
    return open_, recent


def repeat_weekly(
    session: Session, *, request_id: int, resident_id: int, now: datetime, settings: Settings
) -> HelpRequest | None:
    """Make a finished request weekly, once: next week's is offered to the same helper first."""
    request = _change_request(
        session,
        request_id,
        *_finished_for(resident_id),
        HelpRequest.repeat_weekly.is_(False),
        repeat_weekly=True,
    )
    if request is None:
        return None
    following = _next_occurrence(session, request=request, now=now, settings=settings)
    session.commit()
    return following


def _next_occurrence(session: Session, *, request: HelpRequest, now: datetime, settings: Settings) -> HelpRequest:
    base = request.when_date or local_now(request.done_at or now, settings.time_zone).date()
    following = HelpRequest(
        resident_id=request.resident_id,
        category_slug=request.category_slug,
        neighbourhood_slug=request.neighbourhood_slug,
        when_kind="date",
        when_date=base + timedelta(days=7),
        details=request.details,
        created_at=now,
        repeat_weekly=True,
        series_id=request.series_id or request.id,
        on_behalf_name=request.on_behalf_name,
        on_behalf_consent=request.on_behalf_consent,
    )
    helper_id = request.claimed_by
    if helper_id is not None and may_help_in(session, helper_id, request.neighbourhood_slug):
        following.preferred_volunteer_id = helper_id
    session.add(following)
    session.flush()
    if following.preferred_volunteer_id is None:
        post_card(session, request=following, now=now, settings=settings)
        return following
    helper = session.get(User, helper_id)
    resident = resident_of(session, request)
    _ = locale_of(helper, settings)
    category, place = _parts(session, following)
    text = "\n\n".join(
        [
            "🔁 "
            + _("{name} wil graag elke week hulp. Kunt u de volgende keer weer helpen?").format(
                name=escape(resident.first_name if resident else _("De bewoner"))
            ),
            summary(following, category, place, _),
        ]
    )
    buttons = [
        ("🙋 " + _("Ik help"), f"take:{following.id}"),
        ("🙅 " + _("Nee, deze keer niet"), f"pass:{following.id}"),
    ]
    enqueue_message(session, chat_id=helper_id, text=text, reply_markup=button_rows(buttons).to_dict(), now=now)
    offer_hours = timing_rules(settings).offer_hours
    arm_timer(session, kind="offer", ref_id=following.id, due_at=now + timedelta(hours=offer_hours))
    return following


def withdraw_offer(session: Session, *, request_id: int, volunteer_id: int, now: datetime, settings: Settings) -> bool:
    """The usual helper passes: the request goes to the group, once."""
    done = _withdraw_offer(session, request_id=request_id, volunteer_id=volunteer_id, now=now, settings=settings)
    session.commit()
    return done


def offer_expired(session: Session, timer: Timer, now: datetime, settings: Settings) -> bool:
    """Timer "offer": the usual helper did not answer in time; the group gets the request."""
    _withdraw_offer(session, request_id=timer.ref_id, volunteer_id=None, now=now, settings=settings)
    return True


def _withdraw_offer(
    session: Session, *, request_id: int, volunteer_id: int | None, now: datetime, settings: Settings
) -> bool:
    conditions = [HelpRequest.status == RequestStatus.OPEN, HelpRequest.preferred_volunteer_id.is_not(None)]
    if volunteer_id is not None:
        conditions.append(HelpRequest.preferred_volunteer_id == volunteer_id)
    request = _change_request(session, request_id, *conditions, preferred_volunteer_id=None)
    if request is None:
        return False
    cancel_timers(session, request_id=request_id, kinds=("offer",), now=now)
    post_card(session, request=request, now=now, settings=settings)
    return True


def remind_volunteer(session: Session, timer: Timer, now: datetime, settings: Settings) -> bool:
    """Timer "reminder": the day before the planned date, the helper gets the request again."""
    request = session.get(HelpRequest, timer.ref_id)
    if request is None or request.status != RequestStatus.CLAIMED or request.claimed_by is None:
        return True
    helper = session.get(User, request.claimed_by)
    resident = resident_of(session, request)
    _ = locale_of(helper, settings)
    category, place = _parts(session, request)
    lines = ["⏰ <b>" + _("Herinnering: morgen helpt u met deze vraag.") + "</b>", summary(request, category, place, _)]
    if resident is not None:
        lines.append(_("Neem contact op met:") + " " + contact_html(resident, _))
    enqueue_message(
        session,
        chat_id=request.claimed_by,
        text="\n\n".join(lines),
        reply_markup=lifecycle_keyboard(request.id, _).to_dict(),
        now=now,
    )
    return True
