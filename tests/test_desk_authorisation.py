"""The desk's route × role matrix: every route, tried by every role, on SQLite and PostgreSQL.

Each row of ROUTES says how to call a route and which roles may. For every role the test logs in fresh,
builds fresh targets (a call-back and an escalation of Voerendaal), calls the route and checks: the allowed
roles get a page or a redirect; everyone else a polite 403/404 (a person not logged in is sent to log in),
and not one row in the database changed. A route without a row here fails the test: a new page is one
more row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from sqlmodel import Session, SQLModel, select

from bot.desk import create_desk
from bot.services.activities.rsvp import respond
from bot.services.desk_residents import phone_only_resident
from bot.services.desk_roles import add_desk_volunteer
from bot.services.people import add_volunteer
from bot.services.places import link_group
from bot.services.requests import create_request, open_inbox_item
from db.models import (
    Activity,
    Coordinator,
    DeskAudit,
    HelpRequest,
    InboxItem,
    Outbox,
    RequestStatus,
    Survey,
    SurveyQuestion,
    User,
    Volunteer,
    VolunteerArea,
    VolunteerStatus,
)
from tests.support.desk import desk_client, desk_runtime, log_in, login_path

ROLES = {
    "anonymous": None,
    "desk_volunteer": 3101,  # Voerendaal
    "other_desk_volunteer": 3104,  # Heerlen
    "coordinator_heerlen": 3102,
    "coordinator_voerendaal": 700,
    "coordinator_all": 900,
}
EVERYONE = frozenset(role for role in ROLES if role != "anonymous")
COORDINATORS = frozenset({"coordinator_heerlen", "coordinator_voerendaal", "coordinator_all"})
OF_VOERENDAAL = frozenset({"coordinator_voerendaal", "coordinator_all"})
CALL_BACK_WORKERS = frozenset({"desk_volunteer", *OF_VOERENDAAL})
INTAKE_TAKERS = frozenset({"desk_volunteer", "other_desk_volunteer", *COORDINATORS})
# Rows every logged-in request may touch: the session bookkeeping and the audit log.
UNGUARDED_TABLES = {"desksession", "desklogintoken", "deskaudit", "storedsecret", "user"}


@dataclass(frozen=True)
class Targets:
    call_back: int
    escalation: int
    volunteer: int  # a sign-up in Klimmen
    activity: int  # a draft of Voerendaal
    desk_person: int  # a desk volunteer of Voerendaal
    survey: int  # a published survey of Voerendaal
    draft_survey: int  # a complete draft survey of Voerendaal
    voice: int  # a resident's voice message in Voerendaal's inbox


@dataclass(frozen=True)
class RouteCase:
    method: str
    path: str  # may hold {call_back} and {escalation}
    allowed: frozenset[str]
    data: dict[str, str] = field(default_factory=dict)

    @property
    def route_path(self) -> str:
        """The route's own path, as Starlette spells it."""
        path = self.path.split("?")[0]
        for target, parameter in PARAMETERS.items():
            path = path.replace(target, parameter)
        return path


PARAMETERS = {
    "{call_back}": "{item_id:int}",
    "{voice}": "{item_id:int}",
    "{escalation}": "{item_id:int}",
    "{volunteer}": "{volunteer_id:int}",
    "{activity}": "{activity_id:int}",
    "{desk_person}": "{user_id:int}",
    "{survey}": "{survey_id:int}",
    "{draft_survey}": "{survey_id:int}",
}
ACTIVITY = {"titel": "Samen eten", "gemeente": "voerendaal", "dag": "2026-12-01", "tijd": "18:00", "plek": "Buurthuis"}
SURVEY = {
    "gemeente": "voerendaal",
    "titel": "Wonen in Klimmen",
    "kernen": "klimmen",
    "eerste_dag": "2026-11-30",
    "laatste_dag": "2026-12-14",
    "soort": "open",
    "vraag": "Wat mist u?",
    "antwoorden": "",
}
INTAKE = {
    "name": "Vrauw Hoeppertz",
    "phone": "0451234567",
    "place": "Klimmen",
    "details": "boodschappen doen",
    "category": "boodschappen",
    "when": "any",
    "call_part": "any",
    "consent": "yes",
}
ROUTES = [
    RouteCase("GET", "/", EVERYONE),
    RouteCase("POST", "/taal", EVERYONE, {"lang": "nl"}),
    RouteCase("POST", "/logout", EVERYONE),
    RouteCase("GET", "/logboek", COORDINATORS),
    RouteCase("GET", "/inbox", EVERYONE),
    RouteCase("POST", "/inbox/{call_back}/notitie", CALL_BACK_WORKERS, {"note": "gebeld, geen gehoor"}),
    RouteCase("POST", "/inbox/{call_back}/gebeld", CALL_BACK_WORKERS, {"result": "reached", "note": "ja"}),
    RouteCase("POST", "/inbox/{escalation}/sluiten", OF_VOERENDAAL),
    RouteCase("POST", "/inbox/{escalation}/doorverwijzen", OF_VOERENDAAL, {"route": "wijkteam"}),
    RouteCase("POST", "/inbox/{escalation}/organisatie", OF_VOERENDAAL, {"organisatie": "sociaal-wijkteam-voerendaal"}),
    RouteCase("GET", "/inbox/{escalation}/vrijwilliger", OF_VOERENDAAL),
    RouteCase("POST", "/inbox/{escalation}/zoek", OF_VOERENDAAL, {"zoek": "piet"}),
    RouteCase("POST", "/inbox/{call_back}/wissen", OF_VOERENDAAL),
    RouteCase("GET", "/inbox/{voice}/bestand", OF_VOERENDAAL),
    RouteCase("POST", "/inbox/{escalation}/vrijwilliger", OF_VOERENDAAL, {"volunteer": "202"}),
    RouteCase("GET", "/vraag", INTAKE_TAKERS),
    RouteCase("POST", "/vraag", frozenset({"desk_volunteer", *OF_VOERENDAAL}), INTAKE),
    RouteCase("POST", "/vraag/soort", INTAKE_TAKERS, {"details": "boodschappen"}),
    RouteCase("GET", "/overzicht", COORDINATORS),
    RouteCase("GET", "/overzicht?gemeente=voerendaal", OF_VOERENDAAL),
    RouteCase("GET", "/overzicht/export.csv?gemeente=voerendaal", OF_VOERENDAAL),
    RouteCase("GET", "/vrijwilligers", COORDINATORS),
    RouteCase("POST", "/vrijwilligers/{volunteer}/besluit", OF_VOERENDAAL, {"besluit": "ja"}),
    RouteCase("POST", "/vrijwilligers/{volunteer}/pauze", OF_VOERENDAAL, {"pauze": "ja"}),
    RouteCase("POST", "/vrijwilligers/{volunteer}/code", OF_VOERENDAAL, {"code": "RI-07"}),
    RouteCase("GET", "/vrijwilligers/uren.csv", COORDINATORS),
    RouteCase("GET", "/activiteiten", COORDINATORS),
    RouteCase("POST", "/activiteiten", OF_VOERENDAAL, ACTIVITY),
    RouteCase("GET", "/activiteiten/{activity}", OF_VOERENDAAL),
    RouteCase("GET", "/activiteiten/{activity}/lijst", OF_VOERENDAAL),
    RouteCase("POST", "/activiteiten/{activity}/publiceren", OF_VOERENDAAL),
    RouteCase("POST", "/activiteiten/{activity}/afzeggen", OF_VOERENDAAL),
    RouteCase("GET", "/enquetes", COORDINATORS),
    RouteCase("POST", "/enquetes", OF_VOERENDAAL, SURVEY),
    RouteCase("GET", "/enquetes/{draft_survey}/voorbeeld", OF_VOERENDAAL),
    RouteCase("POST", "/enquetes/{draft_survey}/versturen", OF_VOERENDAAL),
    RouteCase("GET", "/enquetes/{survey}", OF_VOERENDAAL),
    RouteCase("GET", "/enquetes/{survey}/uitslag.csv", OF_VOERENDAAL),
    RouteCase("GET", "/balie", COORDINATORS),
    RouteCase("POST", "/balie", OF_VOERENDAAL, {"user_id": "4242", "gemeente": "voerendaal"}),
    RouteCase("POST", "/balie/{desk_person}/weg", OF_VOERENDAAL),
]


def setup_people(session: Session, now) -> None:
    session.add(User(id=700, first_name="Coby", created_at=now))
    session.add(Coordinator(user_id=700, municipality_slug="voerendaal", added_at=now))
    session.add(Coordinator(user_id=3102, municipality_slug="heerlen", added_at=now))
    session.add(Coordinator(user_id=900, municipality_slug=None, added_at=now))
    session.flush()
    for user_id, municipality in ((3101, "voerendaal"), (3104, "heerlen")):
        add_desk_volunteer(
            session, by_user_id=None, user_id=user_id, municipality_slug=municipality, steunpunt_slug=None, now=now
        )
    add_volunteer(session, user_id=202, neighbourhoods=["klimmen"], now=now)
    session.add(User(id=101, first_name="Anna", neighbourhood_slug="klimmen", created_at=now))
    link_group(session, chat_id=-1001, title="Klimmen helpt", neighbourhood_slug="klimmen", linked_by=900, now=now)


_ids = count(8000)


def make_targets(runtime) -> Targets:
    now = runtime.clock.now()
    with runtime.unit_of_work() as uow:
        session = uow.session
        placement = create_request(
            session,
            resident_id=101,
            category_slug="boodschappen",
            neighbourhood_slug="klimmen",
            when_kind="any",
            when_date=None,
            details="melk",
            now=now,
            settings=runtime.settings,
        )
        request = session.get(HelpRequest, placement.request_id)
        request.status = RequestStatus.ESCALATED
        session.add(request)
        escalation = open_inbox_item(
            session, kind="escalation", municipality_slug="voerendaal", user_id=101, request_id=request.id, now=now
        )
        resident = phone_only_resident(
            session, name="Vrauw Hoeppertz", phone="0451234567", neighbourhood_slug="klimmen", now=now
        )
        call_back = open_inbox_item(
            session, kind="callback", municipality_slug="voerendaal", user_id=resident, details={"part": "any"}, now=now
        )
        voice = open_inbox_item(
            session,
            kind="voice",
            municipality_slug="voerendaal",
            user_id=101,
            details={"file_id": "VOICE-1", "mime_type": "audio/ogg"},
            now=now,
        )
        volunteer_id = next(_ids)
        session.add(User(id=volunteer_id, first_name="Nieuw", created_at=now))
        session.add(Volunteer(user_id=volunteer_id, status=VolunteerStatus.PENDING, reintegration=True, created_at=now))
        session.flush()
        session.add(VolunteerArea(volunteer_id=volunteer_id, neighbourhood_slug="klimmen"))
        activity = Activity(
            municipality_slug="voerendaal",
            title="Buurtmiddag",
            starts_at=now + timedelta(days=3),
            place="Buurthuis",
            created_by=700,
            created_at=now,
        )
        session.add(activity)
        survey = Survey(
            municipality_slug="voerendaal",
            neighbourhoods=["klimmen"],
            title="Wonen in Klimmen",
            starts_on=now.date(),
            ends_on=now.date() + timedelta(days=7),
            status="published",
            created_by=700,
            created_at=now,
            published_at=now,
        )
        session.add(survey)
        draft_survey = Survey(
            municipality_slug="voerendaal",
            neighbourhoods=["klimmen"],
            title="Wonen in Klimmen",
            starts_on=now.date(),
            ends_on=now.date() + timedelta(days=7),
            created_by=700,
            created_at=now,
        )
        session.add(draft_survey)
        session.flush()
        session.add(SurveyQuestion(survey_id=draft_survey.id, position=0, kind="open", text="Wat mist u?"))
        desk_person = next(_ids)
        add_desk_volunteer(
            session, by_user_id=None, user_id=desk_person, municipality_slug="voerendaal", steunpunt_slug=None, now=now
        )
        uow.commit()
        return Targets(
            call_back=call_back.id,
            escalation=escalation.id,
            volunteer=volunteer_id,
            activity=activity.id,
            desk_person=desk_person,
            survey=survey.id,
            draft_survey=draft_survey.id,
            voice=voice.id,
        )


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every guarded table."""
    with engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(table.select()).all()), key=repr)
            for table in SQLModel.metadata.sorted_tables
            if table.name not in UNGUARDED_TABLES
        }


@pytest.fixture
def runtime(engine, clock, settings):
    with Session(engine) as session:
        setup_people(session, clock.now())
        session.commit()
    return desk_runtime(engine, clock, settings)


def call(client, case: RouteCase, targets: Targets, csrf: str) -> Any:
    path = case.path.format(**vars(targets))
    if case.method == "GET":
        return client.get(path)
    return client.post(path, data={**case.data, "csrf_token": csrf})


def test_every_route_is_in_the_matrix(runtime) -> None:
    app = create_desk(runtime)
    routes = {
        (method, route.path)
        for route in app.routes
        if hasattr(getattr(route, "endpoint", None), "permission")
        for method in route.methods - {"HEAD"}
    }
    covered = {(case.method, case.route_path) for case in ROUTES}
    assert routes - covered == set(), "desk routes without a row in ROUTES"


@pytest.mark.parametrize("case", ROUTES, ids=lambda case: f"{case.method} {case.path}")
def test_route_by_role(runtime, case: RouteCase) -> None:
    failures: list[str] = []
    for role, user_id in ROLES.items():
        client = desk_client(runtime)
        csrf = log_in(client, login_path(runtime, user_id)) if user_id is not None else ""
        targets = make_targets(runtime)
        before = snapshot(runtime.engine)
        answer = call(client, case, targets, csrf)
        allowed = role in case.allowed
        if allowed and answer.status_code >= 400:
            failures.append(f"{role}: refused with {answer.status_code}")
        if not allowed:
            expected = (303, 401) if role == "anonymous" else (403, 404)
            if answer.status_code not in expected:
                failures.append(f"{role}: allowed with {answer.status_code}")
            if role == "anonymous" and answer.status_code == 303:
                assert answer.headers["location"] == "/welkom"
            if snapshot(runtime.engine) != before:
                failures.append(f"{role}: refused, but the database changed")
    assert not failures, "\n".join(failures)


def test_a_post_without_the_csrf_token_changes_nothing(runtime) -> None:
    client = desk_client(runtime)
    log_in(client, login_path(runtime, ROLES["coordinator_all"]))
    for case in ROUTES:
        if case.method != "POST":
            continue
        targets = make_targets(runtime)
        before = snapshot(runtime.engine)
        path = case.path.format(**vars(targets))
        assert client.post(path, data=case.data).status_code == 403, path
        assert client.post(path, data={**case.data, "csrf_token": "forged"}).status_code == 403, path
        assert snapshot(runtime.engine) == before, path


def test_a_coordinator_of_heerlen_cannot_see_voerendaals_inbox(runtime) -> None:
    targets = make_targets(runtime)
    heerlen = desk_client(runtime)
    log_in(heerlen, login_path(runtime, ROLES["coordinator_heerlen"]))
    page = heerlen.get("/inbox")
    assert page.status_code == 200
    assert f"#{targets.call_back}" not in page.text and f"#{targets.escalation}" not in page.text
    voerendaal = desk_client(runtime)
    log_in(voerendaal, login_path(runtime, ROLES["coordinator_voerendaal"]))
    page = voerendaal.get("/inbox")
    assert f"#{targets.call_back}" in page.text and f"#{targets.escalation}" in page.text


def test_a_desk_volunteer_sees_only_the_call_back_list_and_no_figures(runtime) -> None:
    targets = make_targets(runtime)
    client = desk_client(runtime)
    log_in(client, login_path(runtime, ROLES["desk_volunteer"]))
    page = client.get("/inbox")
    assert f"#{targets.call_back}" in page.text and f"#{targets.escalation}" not in page.text
    assert client.get("/overzicht").status_code == 403
    assert client.get("/overzicht/export.csv").status_code == 403
    assert "/overzicht" not in client.get("/").text
    with Session(runtime.engine) as session:
        assert session.get(InboxItem, targets.escalation).status == "open"


def test_a_resident_without_telegram_is_forgotten_on_request(runtime) -> None:
    targets = make_targets(runtime)
    with Session(runtime.engine) as session:
        resident_id = session.get(InboxItem, targets.call_back).user_id
    client = desk_client(runtime)
    csrf = log_in(client, login_path(runtime, ROLES["coordinator_voerendaal"]))
    assert client.post(f"/inbox/{targets.call_back}/wissen", data={"csrf_token": csrf}).status_code == 303
    with Session(runtime.engine) as session:
        resident = session.get(User, resident_id)
        assert resident.forgotten_at is not None and not resident.phone and not resident.first_name
        assert session.get(InboxItem, targets.call_back).user_id is None
    assert "Hoeppertz" not in client.get("/inbox").text


def test_a_voice_message_plays_on_the_desk_fetched_from_telegram_and_audited(runtime) -> None:
    targets = make_targets(runtime)
    client = desk_client(runtime)
    log_in(client, login_path(runtime, 700))
    inbox = client.get("/inbox").text
    assert f'<audio controls preload="none" src="/inbox/{targets.voice}/bestand"' in inbox
    answer = client.get(f"/inbox/{targets.voice}/bestand")
    assert answer.status_code == 200 and answer.content == b"fake file content"
    assert answer.headers["content-type"] == "audio/ogg" and answer.headers["cache-control"] == "no-store"
    with Session(runtime.engine) as session:
        audit = session.exec(select(DeskAudit).where(DeskAudit.action == "inbox.media")).one()
    assert (audit.user_id, audit.target_id) == (700, targets.voice)
    assert client.get(f"/inbox/{targets.call_back}/bestand").status_code == 404  # no file behind a call-back


def test_an_approval_on_the_desk_sends_the_volunteer_a_link_to_each_group(runtime) -> None:
    targets = make_targets(runtime)
    client = desk_client(runtime)
    csrf = log_in(client, login_path(runtime, 700))
    answer = client.post(f"/vrijwilligers/{targets.volunteer}/besluit", data={"besluit": "ja", "csrf_token": csrf})
    assert answer.headers["location"] == "/vrijwilligers?bericht=ok"
    with Session(runtime.engine) as session:
        told = session.exec(select(Outbox).where(Outbox.chat_id == targets.volunteer)).one()
        assert session.get(Volunteer, targets.volunteer).status == VolunteerStatus.APPROVED
    assert "https://t.me/+FakeInvite" in told.params["text"]


def test_an_activity_published_on_the_desk_shows_its_sending_and_can_be_cancelled(runtime) -> None:
    targets = make_targets(runtime)
    client = desk_client(runtime)
    csrf = log_in(client, login_path(runtime, 700))
    with Session(runtime.engine) as session:
        activity = session.get(Activity, targets.activity)
        activity.neighbourhoods = ["klimmen"]
        session.add(activity)
        session.commit()
    client.post(f"/activiteiten/{targets.activity}/publiceren", data={"csrf_token": csrf})
    with runtime.unit_of_work() as uow:
        respond(uow.session, activity_id=targets.activity, user_id=101, people=1, now=runtime.clock.now())
        uow.commit()
    page = client.get(f"/activiteiten/{targets.activity}").text
    assert "Al verstuurd: 0 van de 1." in page  # the group's card, waiting for the sender
    answer = client.post(f"/activiteiten/{targets.activity}/afzeggen", data={"csrf_token": csrf})
    assert answer.headers["location"] == f"/activiteiten/{targets.activity}?bericht=afgezegd"
    page = client.get(answer.headers["location"]).text
    assert "Deze activiteit is afgezegd." in page and "Al verstuurd: 0 van de 2." in page  # Anna and the group
    with Session(runtime.engine) as session:
        told = session.exec(select(Outbox).where(Outbox.chat_id == 101)).all()
        assert session.get(Activity, targets.activity).status == "cancelled"
    assert any("gaat niet door" in row.params.get("text", "") for row in told)
    again = client.post(f"/activiteiten/{targets.activity}/afzeggen", data={"csrf_token": csrf})
    assert again.headers["location"].endswith("bericht=unchanged")
