"""Volunteers: sign up, approval by a coordinator, group access, pause and stop. Plain functions, no Telegram."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from sqlalchemy import update
from sqlmodel import Session, select

from bot.config import Settings
from bot.flows.keyboards import button_rows
from bot.i18n import N_, Translator
from bot.render import category_label
from bot.services.lifecycle import release_all_held
from bot.services.outbox import enqueue_message
from bot.services.people import coordinators_for, is_coordinator, may_help_in, volunteer_areas
from bot.services.places import family, linked_neighbourhoods
from bot.services.requests import contact_html, locale_of
from db.models import Category, GroupLink, Neighbourhood, User, Volunteer, VolunteerArea, VolunteerStatus

DAYS = {
    "ma": N_("maandag"),
    "di": N_("dinsdag"),
    "wo": N_("woensdag"),
    "do": N_("donderdag"),
    "vr": N_("vrijdag"),
    "za": N_("zaterdag"),
    "zo": N_("zondag"),
}
PARTS = {"ochtend": N_("ochtend"), "middag": N_("middag"), "avond": N_("avond")}


@dataclass
class SignUp:
    """What a volunteer offers; gathered by the sign-up flow, stored at the end."""

    categories: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    availability: list[str] = field(default_factory=list)
    phone: str | None = None
    reintegration: bool = False


def availability_text(keys: Iterable[str], _: Translator) -> str:
    """E.g. "maandag, woensdag · ochtend"; "altijd" when nothing was chosen."""
    chosen = list(keys)
    days = [_(DAYS[key]) for key in DAYS if key in chosen]
    parts = [_(PARTS[key]) for key in PARTS if key in chosen]
    return " · ".join(part for part in (", ".join(days), ", ".join(parts)) if part) or _("wanneer het uitkomt")


def offer_text(session: Session, volunteer: Volunteer, _: Translator) -> str:
    """A volunteer's offer in a few lines: what, where, when."""
    categories = [category_label(c, _) for c in _categories(session, volunteer.categories)]
    places = [place.name for place in _places(session, volunteer_areas(session, volunteer.user_id))]
    lines = [
        "🧰 " + escape(", ".join(categories) or _("alles")),
        "📍 " + escape(", ".join(places)),
        "🗓️ " + escape(availability_text(volunteer.availability, _)),
    ]
    if volunteer.reintegration:
        lines.append("📋 " + _("Via re-integratie (Kompas/UWV)"))
    return "\n".join(lines)


def _categories(session: Session, slugs: Iterable[str]) -> list[Category]:
    wanted = set(slugs)
    return [c for c in session.exec(select(Category).order_by(Category.position)) if c.slug in wanted]


def _places(session: Session, slugs: Iterable[str]) -> list[Neighbourhood]:
    wanted = set(slugs)
    if not wanted:
        return []
    return list(session.exec(select(Neighbourhood).where(Neighbourhood.slug.in_(wanted)).order_by(Neighbourhood.name)))


def municipalities_of(session: Session, areas: Iterable[str]) -> set[str]:
    """The municipalities the neighbourhoods lie in."""
    return {place.municipality_slug for place in _places(session, areas)}


def submit_sign_up(session: Session, *, user_id: int, offer: SignUp, now: datetime, settings: Settings) -> Volunteer:
    """Store the offer; new volunteers and new neighbourhoods wait for a coordinator, who is told."""
    if not offer.areas:
        raise ValueError("a volunteer needs at least one neighbourhood")
    volunteer = session.get(Volunteer, user_id) or Volunteer(user_id=user_id, created_at=now)
    old_areas = volunteer_areas(session, user_id)
    new_areas = set(offer.areas)
    keeps_approval = volunteer.status in (VolunteerStatus.APPROVED, VolunteerStatus.PAUSED) and new_areas <= old_areas
    if not keeps_approval:
        volunteer.status = VolunteerStatus.PENDING
    volunteer.categories = list(offer.categories)
    volunteer.availability = list(offer.availability)
    volunteer.reintegration = offer.reintegration
    volunteer.consent_at = now
    session.add(volunteer)
    for slug in old_areas - new_areas:
        session.delete(session.get(VolunteerArea, (user_id, slug)))
    for slug in new_areas - old_areas:
        session.add(VolunteerArea(volunteer_id=user_id, neighbourhood_slug=slug))
    user = session.get(User, user_id)
    if offer.phone and user is not None:
        user.phone = offer.phone
        session.add(user)
    session.flush()
    if volunteer.status == VolunteerStatus.PENDING:
        _ask_coordinators(session, volunteer=volunteer, user=user, now=now, settings=settings)
    session.commit()
    return volunteer


def _ask_coordinators(
    session: Session, *, volunteer: Volunteer, user: User | None, now: datetime, settings: Settings
) -> None:
    coordinator_ids: set[int] = set()
    for municipality in municipalities_of(session, volunteer_areas(session, volunteer.user_id)):
        coordinator_ids.update(coordinators_for(session, municipality))
    for coordinator_id in sorted(coordinator_ids):
        _ = locale_of(session.get(User, coordinator_id), settings)
        lines = [
            "🆕 <b>" + _("Nieuwe vrijwilliger") + "</b>",
            contact_html(user, _) if user else str(volunteer.user_id),
            offer_text(session, volunteer, _),
            _("Goedkeuren?"),
        ]
        buttons = [
            ("✅ " + _("Goedkeuren"), f"vol:{volunteer.user_id}:ok"),
            ("❌ " + _("Afwijzen"), f"vol:{volunteer.user_id}:no"),
        ]
        enqueue_message(
            session,
            chat_id=coordinator_id,
            text="\n".join(lines),
            reply_markup=button_rows(buttons, per_row=2).to_dict(),
            now=now,
            ref_kind="volunteer",
            ref_id=volunteer.user_id,
        )


def may_decide(session: Session, *, coordinator_id: int, volunteer_id: int) -> bool:
    """A coordinator of one of the volunteer's municipalities (or of all) may approve or reject."""
    municipalities = municipalities_of(session, volunteer_areas(session, volunteer_id))
    return any(is_coordinator(session, coordinator_id, municipality) for municipality in municipalities)


def groups_for_volunteer(session: Session, volunteer_id: int) -> list[int]:
    """The group chats that serve a volunteer's neighbourhoods (a kern's group serves its buurten)."""
    areas = [family(session, slug) for slug in volunteer_areas(session, volunteer_id)]
    chats: list[int] = []
    for link in session.exec(select(GroupLink).order_by(GroupLink.id)):
        if link.chat_id not in chats and any(family(session, link.neighbourhood_slug) & area for area in areas):
            chats.append(link.chat_id)
    return chats


def decide_volunteer(
    session: Session,
    *,
    volunteer_id: int,
    coordinator_id: int,
    approve: bool,
    invite_links: list[str],
    now: datetime,
    settings: Settings,
) -> bool:
    """Approve or reject a pending volunteer, once; the volunteer hears it (with the group links)."""
    if not may_decide(session, coordinator_id=coordinator_id, volunteer_id=volunteer_id):
        return False
    result = session.exec(
        update(Volunteer)
        .where(Volunteer.user_id == volunteer_id, Volunteer.status == VolunteerStatus.PENDING)
        .values(
            status=VolunteerStatus.APPROVED if approve else VolunteerStatus.REJECTED,
            decided_by=coordinator_id,
            decided_at=now,
        )
    )
    if result.rowcount != 1:
        return False
    _ = locale_of(session.get(User, volunteer_id), settings)
    if approve:
        lines = ["🎉 " + _("U bent goedgekeurd als vrijwilliger. Dank u wel!")]
        if invite_links:
            lines.append(_("Word lid van de groep van uw buurt. Druk op de link:"))
            lines.extend(invite_links)
            lines.append(_("Daar ziet u de vragen van bewoners."))
        else:
            lines.append(_("Een coördinator voegt u toe aan de groep van uw buurt."))
    else:
        lines = [_("Helaas kunnen wij u nu niet als vrijwilliger inzetten. Vragen? Neem contact op met uw steunpunt.")]
    enqueue_message(session, chat_id=volunteer_id, text="\n".join(lines), now=now)
    session.commit()
    return True


def may_join_group(session: Session, *, user_id: int, chat_id: int) -> bool:
    """Only approved volunteers of a neighbourhood the group serves may join it."""
    return any(may_help_in(session, user_id, place.slug) for place in linked_neighbourhoods(session, chat_id))


def set_paused(session: Session, *, user_id: int, paused: bool) -> bool:
    """Pause an approved volunteer (no claims meanwhile), or make a paused one available again."""
    before, after = (
        (VolunteerStatus.APPROVED, VolunteerStatus.PAUSED)
        if paused
        else (VolunteerStatus.PAUSED, VolunteerStatus.APPROVED)
    )
    result = session.exec(
        update(Volunteer).where(Volunteer.user_id == user_id, Volunteer.status == before).values(status=after)
    )
    session.commit()
    return result.rowcount == 1


def stop_volunteering(session: Session, *, user_id: int, now: datetime, settings: Settings) -> bool:
    """Stop for good; the coordinators are told, so they can remove the volunteer from the groups."""
    result = session.exec(
        update(Volunteer)
        .where(Volunteer.user_id == user_id, Volunteer.status != VolunteerStatus.STOPPED)
        .values(status=VolunteerStatus.STOPPED)
    )
    if result.rowcount != 1:
        return False
    # What they still hold goes back to the group, the normal way.
    release_all_held(session, volunteer_id=user_id, now=now, settings=settings)
    user = session.get(User, user_id)
    coordinator_ids: set[int] = set()
    for municipality in municipalities_of(session, volunteer_areas(session, user_id)):
        coordinator_ids.update(coordinators_for(session, municipality))
    for coordinator_id in sorted(coordinator_ids):
        _ = locale_of(session.get(User, coordinator_id), settings)
        text = "👋 " + _("Deze vrijwilliger stopt:") + " " + (contact_html(user, _) if user else str(user_id))
        enqueue_message(session, chat_id=coordinator_id, text=text, now=now)
    session.commit()
    return True
