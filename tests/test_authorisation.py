"""The authorisation matrix: every privileged action against every role, with forged buttons.

Each row of ACTIONS says how to perform an action and how to see it happened. For every role the test
builds a fresh target (a new request, a new group, a new volunteer), performs the action as that role,
and checks: the allowed roles succeed; everyone else gets a polite alert or message, nothing is posted
anywhere else, and not one row in the database changed. The buttons' cases come from the registry
(`bot.buttons.BUTTONS`): every kind that not anyone may press is a case, and fails until it has a row.
A button that answers a question of a conversation is pressed in that conversation (the state forged),
so that what refuses the wrong person is the check of who they are, not the question being over.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import SQLModel, select

from bot import buttons as b
from bot.buttons import BUTTONS, Button, Who
from bot.flows.states import State
from bot.services.conversations import ConversationState, forget_conversation, save_conversation
from bot.services.people import add_volunteer
from bot.services.request_states import finish_request
from bot.services.requests import claim_request, create_request
from bot.services.weekly import repeat_weekly
from db.models import (
    Activity,
    Conversation,
    Coordinator,
    GroupLink,
    HelpRequest,
    InboxItem,
    Organiser,
    RequestStatus,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    User,
    Volunteer,
    VolunteerArea,
    VolunteerStatus,
)
from tests.support.app import World, make_world
from tests.support.buttons import matrix_row, privileged_kinds
from tests.support.updates import build_update, callback, make_group, make_user, my_chat_member

STRANGER = make_user(401, "Stijn")
OTHER_VOLUNTEER = make_user(502, "Vera")
COORDINATOR = make_user(700, "Coby")
OTHER_COORDINATOR = make_user(601, "Olaf")
ORGANISER = make_user(703, "Olga")  # organises the werkgroep of Ubachsberg (Voerendaal)
ROLES = ("stranger", "resident", "other_volunteer", "volunteer", "organiser", "other_coordinator", "coordinator")
# Rows that every update may touch, whoever sends it: the user's own record and the bookkeeping of updates.
UNGUARDED_TABLES = {"processedupdate", "user", "conversation"}  # bookkeeping of every update
SHOWN_METHODS = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto")
# Who a button's declaration names, as the roles of the matrix that may press it.
ALLOWED = {
    Who.VOLUNTEER: frozenset({"volunteer"}),
    Who.HELPER: frozenset({"volunteer"}),
    Who.RESIDENT: frozenset({"resident"}),
    Who.COORDINATOR: frozenset({"coordinator"}),
    Who.ORGANISER: frozenset({"coordinator", "organiser"}),
}


def actor(world: World, role: str):
    return {
        "stranger": STRANGER,
        "resident": world.resident,
        "other_volunteer": OTHER_VOLUNTEER,
        "volunteer": world.volunteer,
        "organiser": ORGANISER,
        "other_coordinator": OTHER_COORDINATOR,
        "coordinator": COORDINATOR,
    }[role]


@pytest.fixture
async def world(engine, clock, settings):
    world = make_world(engine, clock, settings)
    now = clock.now()
    with world.session() as session:
        session.add(User(id=world.resident.id, first_name="Anna", neighbourhood_slug="klimmen", created_at=now))
        add_volunteer(session, user_id=OTHER_VOLUNTEER.id, neighbourhoods=["kerkrade-centrum"], now=now)
        session.add(Coordinator(user_id=COORDINATOR.id, municipality_slug="voerendaal", added_at=now))
        session.add(Coordinator(user_id=OTHER_COORDINATOR.id, municipality_slug="kerkrade", added_at=now))
        session.add(User(id=ORGANISER.id, first_name="Olga", neighbourhood_slug="ubachsberg", created_at=now))
        session.flush()
        session.add(
            Organiser(
                user_id=ORGANISER.id,
                neighbourhood_slug="ubachsberg",
                municipality_slug="voerendaal",
                werkgroep="Werkgroep Ubachsberg",
                added_by=COORDINATOR.id,
                added_at=now,
            )
        )
        session.commit()
    async with world.harness:
        for user in (STRANGER, OTHER_VOLUNTEER, ORGANISER, COORDINATOR, OTHER_COORDINATOR):
            world.api.register_user(user)
        yield world


# ----------------------------------------------------------------------------- targets


def new_request(world: World, *, status: RequestStatus = RequestStatus.OPEN, claimed: bool = False) -> int:
    """A request of the resident in Klimmen, its card in the group."""
    runtime = world.harness.app.bot_data["runtime"]
    with world.unit_of_work() as uow:
        session = uow.session
        placement = create_request(
            session,
            resident_id=world.resident.id,
            category_slug="boodschappen",
            neighbourhood_slug="klimmen",
            when_kind="any",
            when_date=None,
            details="graag melk",
            now=world.clock.now(),
            settings=runtime.settings,
        )
        request_id = placement.request_id
        if claimed:
            claim_request(session, request_id=request_id, volunteer_id=world.volunteer.id, now=world.clock.now())
        if status != RequestStatus.OPEN:
            request = session.get(HelpRequest, request_id)
            request.status = status
            session.add(request)
        uow.commit()
    return request_id


async def bot_message(world: World, chat_id: int, text: str = "…") -> dict[str, Any]:
    """A message of the bot in `chat_id`, to put a (forged) button press on."""
    sent = await world.harness.bot.send_message(chat_id, text)
    return world.api.message(chat_id, sent.message_id)


async def press(world: World, user, chat_id: int, data: str) -> None:
    message = await bot_message(world, chat_id)
    await world.harness.process(callback(user, message, data))


def in_conversation(world: World, user, state: str, **draft: Any) -> None:
    """Put `user` where the bot asked them a question (for anyone but a coordinator: a forged state)."""
    with world.session() as session:
        if session.get(User, user.id) is None:  # a conversation is read with its user
            session.add(User(id=user.id, first_name=user.first_name, created_at=world.clock.now()))
        forget_conversation(session, user_id=user.id)
        save_conversation(session, ConversationState(user.id, state=state, draft=draft), now=world.clock.now())
        session.commit()


async def card_press(world: World, user, request_id: int, data: str) -> None:
    """Press a button on the request's real card in the group."""
    await world.deliver()
    with world.session() as session:
        request = session.get(HelpRequest, request_id)
    message = world.api.message(request.card_chat_id, request.card_message_id)
    await world.harness.process(callback(user, message, data))


def status_of(world: World, request_id: int) -> str:
    return request_value(world, request_id, "status")


def request_value(world: World, request_id: int, field: str) -> Any:
    with world.session() as session:
        return getattr(session.get(HelpRequest, request_id), field)


# ----------------------------------------------------------------------------- the actions


@dataclass
class Action:
    name: str
    allowed: frozenset[str]
    setup: Callable[[World], Awaitable[Any]]
    perform: Callable[[World, Any, Any], Awaitable[None]]
    succeeded: Callable[[World, Any, Any], bool]
    button: type[Button] | None = None
    """The kind of button the action presses (None: a command)."""


_group_ids = iter(range(-2000, -3000, -1))


async def setup_unlinked_group(world: World) -> int:
    return next(_group_ids)


async def link_group(world: World, user, chat_id: int) -> None:
    group = make_group(chat_id, "Nieuwe groep")
    message = await bot_message(world, chat_id)
    message["chat"] = group.to_dict()
    await world.harness.process(callback(user, message, "lnk:klimmen"))


async def choose_municipality_to_link(world: World, user, chat_id: int) -> None:
    group = make_group(chat_id, "Nieuwe groep")
    message = await bot_message(world, chat_id)
    message["chat"] = group.to_dict()
    await world.harness.process(callback(user, message, b.LinkMunicipality("voerendaal").pack()))


def asked_for_the_place(world: World, user, chat_id: int) -> bool:
    """The group's message now asks which kern or wijk, with a button each."""
    edits = [c for c in world.harness.last_calls if c.method == "editMessageText" and c.chat_id == chat_id]
    return any(b.LinkPlace.parse(data) for edit in edits for data in _callback_data(edit.params))


def _callback_data(params: dict[str, Any]) -> list[str]:
    rows = params.get("reply_markup", {}).get("inline_keyboard", [])
    return [key.get("callback_data", "") for row in rows for key in row]


def group_linked(world: World, user, chat_id: int) -> bool:
    with world.session() as session:
        return session.exec(select(GroupLink).where(GroupLink.chat_id == chat_id)).first() is not None


_volunteer_ids = iter(range(8000, 9000))


async def setup_pending_volunteer(world: World) -> int:
    volunteer_id = next(_volunteer_ids)
    now = world.clock.now()
    with world.session() as session:
        session.add(User(id=volunteer_id, first_name="Nieuw", created_at=now))
        session.add(Volunteer(user_id=volunteer_id, status=VolunteerStatus.PENDING, created_at=now))
        session.flush()
        session.add(VolunteerArea(volunteer_id=volunteer_id, neighbourhood_slug="klimmen"))
        session.commit()
    return volunteer_id


def volunteer_approved(world: World, user, volunteer_id: int) -> bool:
    with world.session() as session:
        return session.get(Volunteer, volunteer_id).status == VolunteerStatus.APPROVED


async def setup_open(world: World) -> int:
    return new_request(world)


async def setup_claimed(world: World) -> int:
    request_id = new_request(world, claimed=True)
    await world.deliver()
    return request_id


async def setup_done(world: World) -> int:
    """A request the volunteer helped with, finished."""
    request_id = new_request(world, claimed=True)
    with world.unit_of_work() as uow:
        settings = world.harness.app.bot_data["runtime"].settings
        finish_request(
            uow.session,
            request_id=request_id,
            volunteer_id=world.volunteer.id,
            now=world.clock.now(),
            settings=settings,
        )
        uow.commit()
    await world.deliver()
    return request_id


async def setup_weekly_offer(world: World) -> int:
    """Next week's request of a weekly series, offered first to the volunteer who helped."""
    request_id = await setup_done(world)
    with world.unit_of_work() as uow:
        settings = world.harness.app.bot_data["runtime"].settings
        following = repeat_weekly(
            uow.session, request_id=request_id, resident_id=world.resident.id, now=world.clock.now(), settings=settings
        )
        uow.commit()
    await world.deliver()
    return following.id


async def setup_escalated(world: World) -> int:
    request_id = new_request(world, status=RequestStatus.ESCALATED)
    with world.session() as session:
        session.add(
            InboxItem(
                kind="escalation",
                municipality_slug="voerendaal",
                user_id=world.resident.id,
                request_id=request_id,
                created_at=world.clock.now(),
            )
        )
        session.commit()
    return request_id


async def setup_inbox_item(world: World) -> str:
    marker = f"merkteken{next(_volunteer_ids)}"
    with world.session() as session:
        session.add(
            InboxItem(
                kind="callback",
                municipality_slug="voerendaal",
                user_id=world.resident.id,
                details={"part": "morning", "day": "2030-01-07", "reason": marker},
                created_at=world.clock.now(),
            )
        )
        session.commit()
    return marker


async def setup_open_item(world: World) -> int:
    with world.session() as session:
        item = InboxItem(
            kind="feedback",
            municipality_slug="voerendaal",
            user_id=world.resident.id,
            details={"comment": "Niemand kwam"},
            created_at=world.clock.now(),
        )
        session.add(item)
        session.commit()
        return item.id


def item_closed(world: World, user, item_id: int) -> bool:
    with world.session() as session:
        return session.get(InboxItem, item_id).status == "closed"


async def setup_published_activity(world: World) -> int:
    """A published activity for Ubachsberg: its coordinators and the organiser of its werkgroep manage it."""
    now = world.clock.now()
    with world.session() as session:
        activity = Activity(
            municipality_slug="voerendaal",
            neighbourhoods=["ubachsberg"],
            title="Samen eten",
            place="Gemeenschapshuis",
            starts_at=now + timedelta(days=3),
            status="published",
            created_by=world.coordinator.id,
            created_at=now,
            published_at=now,
        )
        session.add(activity)
        session.commit()
        return activity.id


async def setup_draft_activity(world: World, neighbourhoods: tuple[str, ...] = ()) -> int:
    """An activity the coordinator of Voerendaal is making: everything asked but the cost, not published."""
    now = world.clock.now()
    with world.session() as session:
        activity = Activity(
            municipality_slug="voerendaal",
            neighbourhoods=list(neighbourhoods),
            title="Samen eten",
            description="Wij koken samen.",
            place="Gemeenschapshuis",
            starts_at=now + timedelta(days=3),
            capacity=10,
            cost_cents=500,
            created_by=COORDINATOR.id,
            created_at=now,
        )
        session.add(activity)
        session.commit()
        return activity.id


async def setup_werkgroep_draft(world: World) -> int:
    """A draft activity for Ubachsberg: its organiser may finish it as well as the coordinators."""
    return await setup_draft_activity(world, ("ubachsberg",))


_survey_titles = (f"Enquête {n}" for n in range(1000))


async def setup_draft_survey(world: World, *, complete: bool = False) -> int:
    """A survey the coordinator of Voerendaal is making; `complete`: kernen, dates and a question, ready to send."""
    now = world.clock.now()
    with world.session() as session:
        survey = Survey(
            municipality_slug="voerendaal", title=next(_survey_titles), created_by=COORDINATOR.id, created_at=now
        )
        if complete:
            survey.neighbourhoods, survey.starts_on, survey.ends_on = ["klimmen"], now.date(), now.date() + timedelta(7)
        session.add(survey)
        session.flush()
        if complete:
            session.add(SurveyQuestion(survey_id=survey.id, position=0, kind="scale", text="Hoe woont u hier?"))
        session.commit()
        return survey.id


async def setup_complete_survey(world: World) -> int:
    return await setup_draft_survey(world, complete=True)


async def setup_published_survey(world: World) -> int:
    """A published survey for Klimmen with one answer, so it has results."""
    survey_id = await setup_complete_survey(world)
    with world.session() as session:
        survey = session.get(Survey, survey_id)
        survey.status, survey.published_at = "published", world.clock.now()
        question = session.exec(select(SurveyQuestion).where(SurveyQuestion.survey_id == survey_id)).one()
        session.add(SurveyAnswer(question_id=question.id, neighbourhood_slug="klimmen", value=4))
        session.add(survey)
        session.commit()
    return survey_id


def survey_value(world: World, survey_id: int, field: str) -> Any:
    with world.session() as session:
        return getattr(session.get(Survey, survey_id), field)


def started_a_survey(world: World, user, _target) -> bool:
    with world.session() as session:
        return session.exec(select(Survey).where(Survey.created_by == user.id)).first() is not None


def conversation_state(world: World, user) -> str:
    with world.session() as session:
        conversation = session.get(Conversation, user.id)
        return conversation.state if conversation is not None else ""


def organiser_appointed(world: World, user, _target) -> bool:
    with world.session() as session:
        return session.get(Organiser, 8123) is not None


def answer_survey(state: str, pressed: Button):
    """Press `pressed` as the answer to the question of `state` about the target survey."""

    async def perform(world: World, user, survey_id: int | None) -> None:
        in_conversation(world, user, state, **({"survey_id": survey_id} if survey_id else {}))
        await press(world, user, user.id, pressed.pack())

    return perform


def answer_in(state: str, pressed: Button):
    """Press `pressed` as the answer to the question of `state` about the target activity."""

    async def perform(world: World, user, activity_id: int | None) -> None:
        in_conversation(world, user, state, **({"activity_id": activity_id} if activity_id else {}))
        await press(world, user, user.id, pressed.pack())

    return perform


def activity_value(world: World, activity_id: int, field: str) -> Any:
    with world.session() as session:
        return getattr(session.get(Activity, activity_id), field)


def started_a_draft(world: World, user, _target) -> bool:
    with world.session() as session:
        return session.exec(select(Activity).where(Activity.created_by == user.id)).first() is not None


def activity_cancelled(world: World, user, activity_id: int) -> bool:
    with world.session() as session:
        return session.get(Activity, activity_id).status == "cancelled"


async def nothing(world: World) -> None:
    return None


def saw(world: World, user, marker: str) -> bool:
    return any(marker in text for text in world.harness.texts(user))


def got_document(world: World, user, _target) -> bool:
    return any(call.method == "sendDocument" for call in world.harness.last_calls)


def activity_started(world: World, user, _target) -> bool:
    refusal = "dat mag u niet"
    sent = [c.params.get("text", "") for c in world.harness.last_calls if c.method == "sendMessage"]
    return bool(sent) and not any(refusal in text for text in sent)


ACTIONS = [
    # ------------------------------------------------------------------ groups
    Action(
        "link a group (lnk:)",
        frozenset({"coordinator"}),
        setup_unlinked_group,
        link_group,
        group_linked,
        b.LinkPlace,
    ),
    Action(
        "choose the municipality of a group (lnkm:)",
        frozenset({"coordinator"}),
        setup_unlinked_group,
        choose_municipality_to_link,
        asked_for_the_place,
        b.LinkMunicipality,
    ),
    Action(
        "claim (claim:)",
        frozenset({"volunteer"}),
        setup_open,
        lambda w, u, rid: card_press(w, u, rid, b.Claim(rid).pack()),
        lambda w, u, rid: status_of(w, rid) == RequestStatus.CLAIMED,
        b.Claim,
    ),
    # ------------------------------------------------------------------ residents
    Action(
        "cancel (cancel:)",
        frozenset({"resident"}),
        setup_open,
        lambda w, u, rid: press(w, u, u.id, b.CancelRequest(rid, "yes").pack()),
        lambda w, u, rid: status_of(w, rid) == RequestStatus.CANCELLED,
        b.CancelRequest,
    ),
    Action(
        "thank the helper (fb:)",
        frozenset({"resident"}),
        setup_done,
        lambda w, u, rid: press(w, u, u.id, b.Feedback(rid, "up").pack()),
        lambda w, u, rid: request_value(w, rid, "feedback") == "up",
        b.Feedback,
    ),
    Action(
        "the same help every week (again:)",
        frozenset({"resident"}),
        setup_done,
        lambda w, u, rid: press(w, u, u.id, b.Again(rid, "yes").pack()),
        lambda w, u, rid: request_value(w, rid, "repeat_weekly"),
        b.Again,
    ),
    # ------------------------------------------------------------------ volunteers
    Action(
        "take a weekly offer (take:)",
        frozenset({"volunteer"}),
        setup_weekly_offer,
        lambda w, u, rid: press(w, u, u.id, b.TakeOffer(rid).pack()),
        lambda w, u, rid: status_of(w, rid) == RequestStatus.CLAIMED,
        b.TakeOffer,
    ),
    Action(
        "pass a weekly offer to the group (pass:)",
        frozenset({"volunteer"}),
        setup_weekly_offer,
        lambda w, u, rid: press(w, u, u.id, b.PassOffer(rid).pack()),
        lambda w, u, rid: request_value(w, rid, "preferred_volunteer_id") is None,
        b.PassOffer,
    ),
    Action(
        "release (release:)",
        frozenset({"volunteer"}),
        setup_claimed,
        lambda w, u, rid: press(w, u, u.id, b.Release(rid).pack()),
        lambda w, u, rid: status_of(w, rid) == RequestStatus.OPEN,
        b.Release,
    ),
    Action(
        "finish (done:)",
        frozenset({"volunteer"}),
        setup_claimed,
        lambda w, u, rid: press(w, u, u.id, b.Done(rid).pack()),
        lambda w, u, rid: status_of(w, rid) == RequestStatus.DONE,
        b.Done,
    ),
    Action(
        "note the time spent (mins:)",
        frozenset({"volunteer"}),
        setup_done,
        lambda w, u, rid: press(w, u, u.id, b.Minutes(rid, 30).pack()),
        lambda w, u, rid: request_value(w, rid, "minutes_spent") == 30,
        b.Minutes,
    ),
    # ------------------------------------------------------------------ coordinators
    Action(
        "PuntExtra referral (px:)",
        frozenset({"coordinator"}),
        setup_escalated,
        lambda w, u, rid: press(w, u, u.id, b.Refer(rid, "woonservice").pack()),
        lambda w, u, rid: status_of(w, rid) == RequestStatus.REFERRED,
        b.Refer,
    ),
    Action(
        "referral to an organisation of the sociale kaart (pxo:)",
        frozenset({"coordinator"}),
        setup_escalated,
        lambda w, u, rid: press(w, u, u.id, b.ReferOrganisation(rid, "sociaal-wijkteam-voerendaal").pack()),
        lambda w, u, rid: status_of(w, rid) == RequestStatus.REFERRED,
        b.ReferOrganisation,
    ),
    Action(
        "approve a volunteer (vol:)",
        frozenset({"coordinator"}),
        setup_pending_volunteer,
        lambda w, u, vid: press(w, u, u.id, b.DecideVolunteer(vid, "ok").pack()),
        volunteer_approved,
        b.DecideVolunteer,
    ),
    Action(
        "close an inbox item (ibx:)",
        frozenset({"coordinator"}),
        setup_open_item,
        lambda w, u, item_id: press(w, u, u.id, b.InboxAction(item_id, "close").pack()),
        item_closed,
        b.InboxAction,
    ),
    Action(
        "cancel an activity (act:)",
        frozenset({"coordinator", "organiser"}),
        setup_published_activity,
        lambda w, u, activity_id: press(w, u, u.id, b.ManageActivity(activity_id, "cancel").pack()),
        activity_cancelled,
        b.ManageActivity,
    ),
    Action(
        "an activity in Voerendaal (actmun:)",
        frozenset({"coordinator"}),
        nothing,
        answer_in(State.ACT_MUNICIPALITY, b.ActivityMunicipality("voerendaal")),
        started_a_draft,
        b.ActivityMunicipality,
    ),
    Action(
        "an activity for Klimmen (actarea:)",
        frozenset({"coordinator"}),
        setup_draft_activity,
        answer_in(State.ACT_AREA, b.ActivityArea("klimmen")),
        lambda w, u, aid: activity_value(w, aid, "neighbourhoods") == ["klimmen"],
        b.ActivityArea,
    ),
    Action(
        "an activity without a maximum (actcap:)",
        frozenset({"coordinator", "organiser"}),
        setup_werkgroep_draft,
        answer_in(State.ACT_CAPACITY, b.ActivityNoLimit("none")),
        lambda w, u, aid: activity_value(w, aid, "capacity") == 0,
        b.ActivityNoLimit,
    ),
    Action(
        "a free activity (actcost:)",
        frozenset({"coordinator", "organiser"}),
        setup_werkgroep_draft,
        answer_in(State.ACT_COST, b.ActivityFree("free")),
        lambda w, u, aid: activity_value(w, aid, "cost_cents") is None,
        b.ActivityFree,
    ),
    Action(
        "publish an activity (actpub:)",
        frozenset({"coordinator", "organiser"}),
        setup_werkgroep_draft,
        answer_in(State.ACT_PREVIEW, b.PublishActivity("yes")),
        lambda w, u, aid: activity_value(w, aid, "status") == "published",
        b.PublishActivity,
    ),
    # ------------------------------------------------------------------ surveys
    Action(
        "a survey in Voerendaal (svmun:)",
        frozenset({"coordinator"}),
        nothing,
        answer_survey(State.SURVEY_MUNICIPALITY, b.SurveyMunicipality("voerendaal")),
        started_a_survey,
        b.SurveyMunicipality,
    ),
    Action(
        "a survey for Klimmen (svarea:)",
        frozenset({"coordinator"}),
        setup_draft_survey,
        answer_survey(State.SURVEY_AREA, b.SurveyArea("klimmen")),
        lambda w, u, sid: survey_value(w, sid, "neighbourhoods") == ["klimmen"],
        b.SurveyArea,
    ),
    Action(
        "a survey from today (svday:)",
        frozenset({"coordinator"}),
        setup_draft_survey,
        answer_survey(State.SURVEY_START, b.SurveyToday("today")),
        lambda w, u, sid: survey_value(w, sid, "starts_on") == w.clock.now().date(),
        b.SurveyToday,
    ),
    Action(
        "a survey's next question is a mark (svkind:)",
        frozenset({"coordinator"}),
        setup_draft_survey,
        answer_survey(State.SURVEY_KIND, b.SurveyKind("scale")),
        lambda w, u, _sid: conversation_state(w, u) == State.SURVEY_QUESTION,
        b.SurveyKind,
    ),
    Action(
        "send a survey (svpub:)",
        frozenset({"coordinator"}),
        setup_complete_survey,
        answer_survey(State.SURVEY_PREVIEW, b.PublishSurvey("yes")),
        lambda w, u, sid: survey_value(w, sid, "status") == "published",
        b.PublishSurvey,
    ),
    Action(
        "a survey's results (svres:)",
        frozenset({"coordinator"}),
        setup_published_survey,
        lambda w, u, sid: press(w, u, u.id, b.SurveyResults(sid).pack()),
        got_document,
        b.SurveyResults,
    ),
    # ------------------------------------------------------------------ commands
    Action(
        "read the inbox (/inbox)",
        frozenset({"coordinator"}),
        setup_inbox_item,
        lambda w, u, marker: w.harness.command(u, "/inbox"),
        saw,
    ),
    Action(
        "export (/export)",
        frozenset({"coordinator"}),
        nothing,
        lambda w, u, _t: w.harness.command(u, "/export maand voerendaal"),
        got_document,
    ),
    Action(
        "start an activity (/activiteit)",
        frozenset({"coordinator", "other_coordinator", "organiser"}),  # each for their own municipality or kern
        nothing,
        lambda w, u, _t: w.harness.command(u, "/activiteit"),
        activity_started,
    ),
    Action(
        "start a survey (/enquete)",
        frozenset({"coordinator", "other_coordinator"}),  # each for their own municipality
        nothing,
        lambda w, u, _t: w.harness.command(u, "/enquete"),
        activity_started,
    ),
    Action(
        "make someone organiser of a werkgroep (/organisator add)",
        frozenset({"coordinator"}),
        nothing,
        lambda w, u, _t: w.harness.command(u, "/organisator add 8123 klimmen Samen eten"),
        organiser_appointed,
    ),
]
BUTTON_ROWS = {action.button: action for action in ACTIONS if action.button is not None}
COMMAND_ROWS = [action for action in ACTIONS if action.button is None]


def snapshot(world: World, user) -> dict[str, list]:
    """Every row of every guarded table; the outbox without the replies to `user` (a refusal is a reply)."""
    with world.engine.connect() as connection:
        return {
            table.name: sorted(map(repr, connection.execute(_guarded_rows(table, user)).all()))
            for table in SQLModel.metadata.sorted_tables
            if table.name not in UNGUARDED_TABLES
        }


def _guarded_rows(table, user):
    return table.select().where(table.c.chat_id != user.id) if table.name == "outbox" else table.select()


def assert_polite_refusal(world: World, user, action: Action, role: str) -> None:
    calls = world.harness.last_calls
    alerts = [c for c in calls if c.method == "answerCallbackQuery" and c.params.get("text")]
    messages = [c for c in calls if c.method == "sendMessage" and c.chat_id == user.id and c.params.get("text")]
    assert alerts or messages, f"{action.name} as {role}: refused without a word"
    for text in [c.params["text"] for c in alerts + messages]:
        assert "Traceback" not in text and "Error" not in text
    elsewhere = [c for c in calls if c.method in SHOWN_METHODS and c.chat_id != user.id]
    assert not elsewhere, f"{action.name} as {role}: refused, yet posted in {[c.chat_id for c in elsewhere]}"


async def only_the_right_roles_can(world: World, action: Action) -> None:
    for role in ROLES:
        world.clock.advance(timedelta(minutes=2))  # stay far from the anti-spam limit
        user = actor(world, role)
        target = await action.setup(world)
        await world.deliver()
        before = snapshot(world, user)
        await action.perform(world, user, target)
        if role in action.allowed:
            assert action.succeeded(world, user, target), f"{action.name} as {role} should succeed"
        else:
            assert not action.succeeded(world, user, target), f"{action.name} as {role} must be refused"
            assert snapshot(world, user) == before, f"{action.name} as {role} changed the database"
            assert_polite_refusal(world, user, action, role)


@pytest.mark.parametrize("kind", privileged_kinds(BUTTONS), ids=lambda kind: f"{kind.__name__} ({kind.prefix}:)")
async def test_only_the_right_roles_can_press(world: World, kind: type[Button]) -> None:
    """Every button kind that not anyone may press, from the registry; a kind without a row fails."""
    action = matrix_row(kind, BUTTON_ROWS)
    assert action.allowed == ALLOWED[kind.who], f"{action.name}: the roles that succeed are not {kind.who}'s"
    await only_the_right_roles_can(world, action)


@pytest.mark.parametrize("action", COMMAND_ROWS, ids=lambda action: action.name)
async def test_only_the_right_roles_can_use(world: World, action: Action) -> None:
    await only_the_right_roles_can(world, action)


def test_every_row_presses_a_privileged_kind() -> None:
    assert set(BUTTON_ROWS) <= set(privileged_kinds(BUTTONS))


# ----------------------------------------------------------------------------- groups that are not linked


async def test_the_bot_never_posts_in_a_group_that_is_not_linked(world: World) -> None:
    h = world.harness
    group = make_group(-4242, "Zomaar een groep")
    people = (STRANGER, world.resident, world.volunteer, OTHER_VOLUNTEER)
    await h.process(my_chat_member(STRANGER, group))
    commands = ("/start", "/hulp", "/koppel", "/privacy", "/vergeetmij", "/inbox", "/export", "/mijnvragen")
    buttons = (
        "claim:1",
        "px:1:bellen",
        "lnk:klimmen",
        "lnkm:voerendaal",
        "done:1",
        "release:1",
        "cancel:1:yes",
        "vol:202:ok",
        "forget:yes",
        "cat:boodschappen",
        "send:yes",
        "iets:anders",
    )
    new_request(world)
    intro = world.api.messages(group.id)[0]
    for person in people:
        world.clock.advance(timedelta(minutes=2))
        await h.send(person, "hallo allemaal, wie helpt mij morgen met boodschappen?", chat=group)
        for command in commands:
            await h.command(person, command, chat=group)
        for data in buttons:
            await h.process(callback(person, intro, data))
    shown = [c for c in world.api.calls if c.method in SHOWN_METHODS and c.chat_id == group.id]
    assert len(shown) == 1 and "coördinator" in shown[0].params["text"]
    await world.deliver()
    assert [c for c in world.api.calls if c.method in SHOWN_METHODS and c.chat_id == group.id] == shown


async def test_the_hello_to_a_non_coordinator_comes_once(world: World) -> None:
    h = world.harness
    group = make_group(-4343, "Buurtgroep")
    await h.process(my_chat_member(STRANGER, group))
    await h.process(my_chat_member(STRANGER, group, old_status="member", new_status="administrator"))
    await h.process(my_chat_member(STRANGER, group, old_status="administrator", new_status="left"))
    await h.process(my_chat_member(world.resident, group))  # added again, by someone else
    joined = {"message": {"message_id": 77, "date": 0, "chat": group.to_dict(), "from": world.resident.to_dict()}}
    joined["message"]["new_chat_members"] = [make_user(405, "Nieuw").to_dict()]
    await h.process(build_update(joined))
    texts = h.texts(group.id)
    assert len(texts) == 1 and "Hallo" in texts[0] and "/koppel" in texts[0]

    await h.process(my_chat_member(COORDINATOR, make_group(-4444, "Andere groep")))
    assert "Typ /koppel" in h.last_text(-4444)


async def test_the_bot_says_nothing_in_a_channel(world: World) -> None:
    channel = make_group(-100777, "Kanaal", type="channel")
    await world.harness.process(my_chat_member(STRANGER, channel, new_status="administrator"))
    assert world.api.messages(channel.id) == []


async def test_a_coordinator_is_answered_in_an_unlinked_group(world: World) -> None:
    """Linking is the one conversation the bot has in a group that is not linked yet."""
    group = make_group(-4545, "Nog te koppelen")
    await world.harness.command(COORDINATOR, "/koppel", chat=group)
    assert "gemeente" in world.harness.last_text(group.id)


async def test_koppel_by_anyone_else_is_refused_politely_once(world: World) -> None:
    """The refusal is the bot's one word in an unlinked group (when it did not say hello already)."""
    group = make_group(-4646, "Buren Klimmen")
    for _attempt in range(3):
        await world.harness.command(STRANGER, "/koppel", chat=group)
    texts = world.harness.texts(group.id)
    assert len(texts) == 1 and "Een coördinator koppelt de groep" in texts[0]
