"""Inbox: escalations, zorgvragen, call-backs, voice messages, photos and complaints, with their actions.

Desk volunteers see and work the call-back list only; coordinators everything of their municipality.
"""

from __future__ import annotations

from starlette.responses import Response

from bot.desk.web import Desk, desk_route
from bot.i18n import N_, translator
from bot.render.call_backs import PART_LABELS
from bot.render.inbox import KIND_LABELS as INBOX_KIND_LABELS
from bot.render.referrals import LEVEL_LABELS, REFERRAL_LABELS
from bot.services.desk_inbox import (
    CallResult,
    DeskInboxOutcome,
    called,
    category_names,
    item_in_scope,
    note_call_back,
    open_cards,
    volunteer_choices,
)
from bot.services.desk_residents import forget_phone_only_resident
from bot.services.desk_roles import DeskPermission
from bot.services.inbox import REFERRAL_ROUTES, InboxOutcome, assign_item, close_item, refer_item
from bot.services.places import municipalities
from bot.services.providers import Proposal, next_level, organisation_by_slug
from bot.services.referrals import refer_to_organisation as refer_to
from db.models import InboxItem, InboxKind, RequestStatus

# The bot's own words for each kind and each part of the day.
KIND_LABELS = {kind: label for kind, (_emoji, label) in INBOX_KIND_LABELS.items()}
# What a coordinator's or a call-back action answered, by its outcome value (in the address after the action).
MESSAGES = {
    InboxOutcome.TAKEN: N_("Iemand anders helpt al met deze vraag."),
    InboxOutcome.NOT_VOLUNTEER: N_("Deze vrijwilliger kan niet helpen in deze wijk."),
    InboxOutcome.NO_REQUEST: N_("Hier hoort geen hulpvraag bij."),
    InboxOutcome.CLOSED: N_("Dit bericht is al afgehandeld."),
    InboxOutcome.NOT_ALLOWED: N_("Sorry, dat mag u niet."),
    DeskInboxOutcome.EMPTY: N_("Typ eerst iets."),
}


def _stamp(desk: Desk) -> str:
    return translator("nl", desk.runtime.settings.time_zone).timestamp(desk.now())


def show_inbox(desk: Desk) -> Response:
    """The open items, most urgent first; coordinators of all municipalities filter by municipality and kind."""
    municipality, kind = desk.value("gemeente"), desk.value("soort")
    with desk.unit_of_work() as uow:
        cards = open_cards(uow.session, reader=desk.identity, municipality_slug=municipality or None, kind=kind or None)
        names = category_names(uow.session, desk._.locale)
        places = municipalities(uow.session) if desk.identity.all_municipalities else []
    return desk.render(
        "inbox.html",
        cards=cards,
        categories=names,
        kind_labels=KIND_LABELS,
        kinds=tuple(KIND_LABELS),
        call_parts=PART_LABELS,
        routes={route: REFERRAL_LABELS[route] for route in REFERRAL_ROUTES},
        proposals=_proposals(desk, cards),
        level_labels=LEVEL_LABELS,
        municipalities=places,
        chosen_municipality=municipality,
        chosen_kind=kind,
        message=desk.value("bericht"),
        message_text=MESSAGES.get(desk.value("bericht"), ""),
    )


def _proposals(desk: Desk, cards: list) -> dict[int, Proposal]:
    """The next level of the sociale kaart for each escalated request, by item."""
    data_dir = desk.runtime.settings.data_dir
    found = {
        card.item_id: next_level(card.municipality_slug, card.category_slug, data_dir)
        for card in cards
        if card.kind == InboxKind.ESCALATION and card.request_status == RequestStatus.ESCALATED
    }
    return {item_id: proposal for item_id, proposal in found.items() if proposal is not None}


def _item_id(desk: Desk) -> int:
    return int(desk.request.path_params["item_id"])


def _back(desk: Desk, message: str) -> Response:
    return desk.redirect("/inbox", bericht=message)


def add_note(desk: Desk) -> Response:
    """A note on an item."""
    with desk.unit_of_work() as uow:
        outcome = note_call_back(
            uow.session,
            worker=desk.identity,
            item_id=_item_id(desk),
            text=desk.value("note"),
            stamp=_stamp(desk),
            now=desk.now(),
        )
        uow.commit()
    return desk.not_found() if outcome is DeskInboxOutcome.NOT_ALLOWED else _back(desk, outcome.value)


def call_made(desk: Desk) -> Response:
    """'Gebeld', with the result of the call."""
    result = CallResult.REACHED if desk.value("result") == CallResult.REACHED else CallResult.NOT_REACHED
    with desk.unit_of_work() as uow:
        outcome = called(
            uow.session,
            worker=desk.identity,
            item_id=_item_id(desk),
            result=result,
            text=desk.value("note"),
            stamp=_stamp(desk),
            now=desk.now(),
        )
        uow.commit()
    return desk.not_found() if outcome is DeskInboxOutcome.NOT_ALLOWED else _back(desk, outcome.value)


def _coordinator_action(desk: Desk, action: str, run) -> Response:
    """Run one of the bot's own inbox services for an item in the coordinator's scope, with its audit line."""
    with desk.unit_of_work() as uow:
        item = item_in_scope(uow.session, reader=desk.identity, item_id=_item_id(desk))
        if item is None:
            return desk.not_found()
        desk.audit(
            uow.session, action, municipality_slug=item.municipality_slug, target_kind="inbox", target_id=item.id
        )
        uow.session.flush()
        outcome = run(uow.session, item.id)
        if outcome is InboxOutcome.DONE:  # else nothing happened, and nothing is written
            uow.commit()
    return _back(desk, "ok" if outcome is InboxOutcome.DONE else outcome.value)


def close(desk: Desk) -> Response:
    """Close an item."""
    return _coordinator_action(
        desk,
        "inbox.close",
        lambda session, item_id: close_item(
            session, item_id=item_id, coordinator_id=desk.identity.user_id, now=desk.now()
        ),
    )


def refer(desk: Desk) -> Response:
    """Refer an item (PuntExtra's routes: wijkteam, Wmo-loket, woonservice, private help, company)."""
    route = desk.value("route")
    return _coordinator_action(
        desk,
        "inbox.refer",
        lambda session, item_id: refer_item(
            session,
            item_id=item_id,
            coordinator_id=desk.identity.user_id,
            route=route,
            now=desk.now(),
        ),
    )


def refer_to_organisation(desk: Desk) -> Response:
    """Refer an escalated request to an organisation of the sociale kaart; the resident hears its name and phone."""
    organisation = organisation_by_slug(desk.runtime.settings.data_dir, desk.value("organisatie"))

    def run(session, item_id: int) -> InboxOutcome:
        request_id = session.get(InboxItem, item_id).request_id
        done = (
            organisation is not None
            and request_id is not None
            and refer_to(
                session,
                request_id=request_id,
                coordinator_id=desk.identity.user_id,
                organisation=organisation,
                now=desk.now(),
            )
        )
        return InboxOutcome.DONE if done else InboxOutcome.CLOSED

    return _coordinator_action(desk, "inbox.refer", run)


def choose_volunteer(desk: Desk) -> Response:
    """Volunteers who may take the item's request, searched by name or place (posted: a name stays out of URLs)."""
    with desk.unit_of_work() as uow:
        choices = volunteer_choices(
            uow.session, reader=desk.identity, item_id=_item_id(desk), search=desk.value("zoek")
        )
    if choices is None:
        return desk.not_found()
    return desk.render("inbox_assign.html", item_id=_item_id(desk), volunteers=choices, search=desk.value("zoek"))


def assign(desk: Desk) -> Response:
    """Give the item's request to a volunteer by hand: the same claim as in the group; both are told."""
    volunteer = desk.value("volunteer")
    if not volunteer.isdigit():
        return _back(desk, InboxOutcome.NOT_VOLUNTEER.value)
    return _coordinator_action(
        desk,
        "inbox.assign",
        lambda session, item_id: assign_item(
            session,
            item_id=item_id,
            coordinator_id=desk.identity.user_id,
            volunteer_id=int(volunteer),
            now=desk.now(),
            settings=desk.runtime.settings,
        ),
    )


def forget_resident(desk: Desk) -> Response:
    """Erase a resident without Telegram on their request (they cannot type /vergeetmij themselves)."""
    with desk.unit_of_work() as uow:
        forgotten = forget_phone_only_resident(
            uow.session, reader=desk.identity, item_id=_item_id(desk), now=desk.now(), settings=desk.runtime.settings
        )
        uow.commit()
    return _back(desk, "ok") if forgotten else desk.not_found()


routes = [
    desk_route("/inbox", show_inbox, permission=DeskPermission.CALL_BACKS),
    desk_route("/inbox/{item_id:int}/notitie", add_note, permission=DeskPermission.CALL_BACKS, methods=("POST",)),
    desk_route("/inbox/{item_id:int}/gebeld", call_made, permission=DeskPermission.CALL_BACKS, methods=("POST",)),
    desk_route("/inbox/{item_id:int}/sluiten", close, permission=DeskPermission.INBOX, methods=("POST",)),
    desk_route("/inbox/{item_id:int}/doorverwijzen", refer, permission=DeskPermission.INBOX, methods=("POST",)),
    desk_route(
        "/inbox/{item_id:int}/organisatie", refer_to_organisation, permission=DeskPermission.INBOX, methods=("POST",)
    ),
    desk_route("/inbox/{item_id:int}/vrijwilliger", choose_volunteer, permission=DeskPermission.INBOX),
    desk_route(
        "/inbox/{item_id:int}/zoek",
        choose_volunteer,
        permission=DeskPermission.INBOX,
        methods=("POST",),
        name="search_volunteer",
    ),
    desk_route("/inbox/{item_id:int}/wissen", forget_resident, permission=DeskPermission.INBOX, methods=("POST",)),
    desk_route(
        "/inbox/{item_id:int}/vrijwilliger", assign, permission=DeskPermission.INBOX, methods=("POST",), name="assign"
    ),
]
