"""The authorisation matrix: every privileged action against every role, with forged buttons.

Each row of ACTIONS says how to perform an action and how to see it happened. For every role the test
builds a fresh target (a new request, a new group, a new volunteer), performs the action as that role,
and checks: the allowed roles succeed; everyone else gets a polite alert or message, nothing is posted
anywhere else, and not one row in the database changed. To cover a new privileged action, add a row.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import SQLModel, select

from bot.services.people import add_volunteer
from bot.services.requests import claim_request, create_request
from db.models import (
    Activity,
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


async def card_press(world: World, user, request_id: int, data: str) -> None:
    """Press a button on the request's real card in the group."""
    await world.deliver()
    with world.session() as session:
        request = session.get(HelpRequest, request_id)
    message = world.api.message(request.card_chat_id, request.card_message_id)
    await world.harness.process(callback(user, message, data))


def status_of(world: World, request_id: int) -> str:
    with world.session() as session:
        return session.get(HelpRequest, request_id).status


# ----------------------------------------------------------------------------- the actions


@dataclass
class Action:
    name: str
    allowed: frozenset[str]
    setup: Callable[[World], Awaitable[Any]]
    perform: Callable[[World, Any, Any], Awaitable[None]]
    succeeded: Callable[[World, Any, Any], bool]


_group_ids = iter(range(-2000, -3000, -1))


async def setup_unlinked_group(world: World) -> int:
    return next(_group_ids)


async def link_group(world: World, user, chat_id: int) -> None:
    group = make_group(chat_id, "Nieuwe groep")
    message = await bot_message(world, chat_id)
    message["chat"] = group.to_dict()
    await world.harness.process(callback(user, message, "lnk:klimmen"))


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


async def setup_published_activity(world: World, neighbourhoods: tuple[str, ...] = ()) -> int:
    now = world.clock.now()
    with world.session() as session:
        activity = Activity(
            municipality_slug="voerendaal",
            neighbourhoods=list(neighbourhoods),
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


async def setup_ubachsberg_activity(world: World) -> int:
    return await setup_published_activity(world, ("ubachsberg",))


_survey_titles = (f"Enquête {n}" for n in range(1000))


async def setup_survey(world: World) -> int:
    """A published survey for Klimmen with one answer, so it has results."""
    now = world.clock.now()
    with world.session() as session:
        survey = Survey(
            municipality_slug="voerendaal",
            neighbourhoods=["klimmen"],
            title=next(_survey_titles),
            starts_on=now.date(),
            ends_on=now.date() + timedelta(days=7),
            status="published",
            created_by=COORDINATOR.id,
            created_at=now,
            published_at=now,
        )
        session.add(survey)
        session.flush()
        question = SurveyQuestion(survey_id=survey.id, position=0, kind="scale", text="Hoe woont u hier?")
        session.add(question)
        session.flush()
        session.add(SurveyAnswer(question_id=question.id, neighbourhood_slug="klimmen", value=4))
        session.commit()
        return survey.id


def organiser_appointed(world: World, user, _target) -> bool:
    with world.session() as session:
        return session.get(Organiser, 8123) is not None


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
    Action(
        "link a group (lnk:)",
        frozenset({"coordinator"}),
        setup_unlinked_group,
        link_group,
        group_linked,
    ),
    Action(
        "claim (claim:)",
        frozenset({"volunteer"}),
        setup_open,
        lambda w, u, rid: card_press(w, u, rid, f"claim:{rid}"),
        lambda w, u, rid: status_of(w, rid) == RequestStatus.CLAIMED,
    ),
    Action(
        "PuntExtra referral (px:)",
        frozenset({"coordinator"}),
        setup_escalated,
        lambda w, u, rid: press(w, u, u.id, f"px:{rid}:woonservice"),
        lambda w, u, rid: status_of(w, rid) == RequestStatus.REFERRED,
    ),
    Action(
        "approve a volunteer (vol:)",
        frozenset({"coordinator"}),
        setup_pending_volunteer,
        lambda w, u, vid: press(w, u, u.id, f"vol:{vid}:ok"),
        volunteer_approved,
    ),
    Action(
        "release (release:)",
        frozenset({"volunteer"}),
        setup_claimed,
        lambda w, u, rid: press(w, u, u.id, f"release:{rid}"),
        lambda w, u, rid: status_of(w, rid) == RequestStatus.OPEN,
    ),
    Action(
        "finish (done:)",
        frozenset({"volunteer"}),
        setup_claimed,
        lambda w, u, rid: press(w, u, u.id, f"done:{rid}"),
        lambda w, u, rid: status_of(w, rid) == RequestStatus.DONE,
    ),
    Action(
        "cancel (cancel:)",
        frozenset({"resident"}),
        setup_open,
        lambda w, u, rid: press(w, u, u.id, f"cancel:{rid}:yes"),
        lambda w, u, rid: status_of(w, rid) == RequestStatus.CANCELLED,
    ),
    Action(
        "close an inbox item (ibx:)",
        frozenset({"coordinator"}),
        setup_open_item,
        lambda w, u, item_id: press(w, u, u.id, f"ibx:{item_id}:close"),
        item_closed,
    ),
    Action(
        "cancel an activity (act:)",
        frozenset({"coordinator"}),
        setup_published_activity,
        lambda w, u, activity_id: press(w, u, u.id, f"act:{activity_id}:cancel"),
        activity_cancelled,
    ),
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
        "cancel an activity of a werkgroep's kern (act:)",
        frozenset({"coordinator", "organiser"}),
        setup_ubachsberg_activity,
        lambda w, u, activity_id: press(w, u, u.id, f"act:{activity_id}:cancel"),
        activity_cancelled,
    ),
    Action(
        "start a survey (/enquete)",
        frozenset({"coordinator", "other_coordinator"}),  # each for their own municipality
        nothing,
        lambda w, u, _t: w.harness.command(u, "/enquete"),
        activity_started,
    ),
    Action(
        "a survey's results (svres:)",
        frozenset({"coordinator"}),
        setup_survey,
        lambda w, u, survey_id: press(w, u, u.id, f"svres:{survey_id}"),
        got_document,
    ),
    Action(
        "make someone organiser of a werkgroep (/organisator add)",
        frozenset({"coordinator"}),
        nothing,
        lambda w, u, _t: w.harness.command(u, "/organisator add 8123 klimmen Samen eten"),
        organiser_appointed,
    ),
]


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


@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name)
async def test_only_the_right_roles_can(world: World, action: Action) -> None:
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


def test_every_privileged_button_is_in_the_matrix() -> None:
    """Whoever adds a privileged button adds a row to ACTIONS; this lists the ones covered."""
    from bot import buttons as b

    covered = {
        "lnk:klimmen": b.LinkPlace,
        "claim:1": b.Claim,
        "px:1:woonservice": b.Refer,
        "vol:1:ok": b.DecideVolunteer,
        "release:1": b.Release,
        "done:1": b.Done,
        "cancel:1:yes": b.CancelRequest,
        "ibx:1:close": b.InboxAction,
        "act:1:cancel": b.ManageActivity,
        "svres:1": b.SurveyResults,
    }
    for data, kind in covered.items():
        assert kind.pattern.match(data), (kind, data)


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
