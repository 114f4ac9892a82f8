"""A survey built on the desk: one form checked by the chat's rules, a preview, then "Versturen" as in chat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.services.desk_roles import add_desk_volunteer
from db.models import Coordinator, DeskAudit, Survey, SurveyQuestion, Timer, TimerKind
from tests.support.desk import desk_client, desk_runtime, log_in, login_path


@pytest.fixture
def runtime(engine, clock, settings):
    now = clock.now()
    with Session(engine) as session:
        session.add(Coordinator(user_id=7001, municipality_slug="voerendaal", added_at=now))
        session.add(Coordinator(user_id=7002, municipality_slug="kerkrade", added_at=now))
        session.add(Coordinator(user_id=7003, municipality_slug=None, added_at=now))
        add_desk_volunteer(
            session, by_user_id=None, user_id=3101, municipality_slug="voerendaal", steunpunt_slug=None, now=now
        )
        session.commit()
    return desk_runtime(engine, clock, settings)


def form(today, **changes) -> dict:
    """Klimmen and Ubachsberg asked a poll, a mark and an open question, from today for ten days."""
    data = {
        "gemeente": "voerendaal",
        "titel": "Wonen in onze kern",
        "kernen": ["klimmen", "ubachsberg"],
        "eerste_dag": today.isoformat(),
        "laatste_dag": (today + timedelta(days=10)).isoformat(),
        "soort": ["poll", "scale", "open", "poll"],
        "vraag": ["Wat mist u het meest?", "Hoe prettig woont u hier?", "Wat kan beter in uw kern?", ""],
        "antwoorden": ["Een winkel\nEen bushalte\nEen ontmoetingsplek", "", "", ""],
    }
    return {**data, **changes}


def logged_in(runtime, user_id: int):
    client = desk_client(runtime)
    return client, log_in(client, login_path(runtime, user_id))


def test_a_coordinator_builds_and_sends_a_survey_on_the_desk(runtime) -> None:
    client, csrf = logged_in(runtime, 7001)
    page = client.get("/enquetes")
    assert 'name="kernen" value="klimmen"' in page.text and "Ubachsberg" in page.text
    today = runtime.clock.now().date()
    answer = client.post("/enquetes", data={**form(today), "csrf_token": csrf})
    assert answer.status_code == 303, answer.text
    preview = client.get(answer.headers["location"])
    assert preview.status_code == 200
    assert "Klimmen, Ubachsberg" in preview.text and "Een bushalte" in preview.text and "Open vraag" in preview.text
    survey_id = int(answer.headers["location"].split("/")[2])
    sent = client.post(f"/enquetes/{survey_id}/versturen", data={"csrf_token": csrf})
    assert sent.status_code == 303 and "verstuurd=ja" in sent.headers["location"]
    assert "De enquête is verstuurd." in client.get(sent.headers["location"]).text
    with Session(runtime.engine) as session:
        survey = session.get(Survey, survey_id)
        assert (survey.municipality_slug, survey.title, survey.status) == (
            "voerendaal",
            "Wonen in onze kern",
            "published",
        )
        assert survey.neighbourhoods == ["klimmen", "ubachsberg"] and survey.created_by == 7001
        assert (survey.starts_on, survey.ends_on) == (today, today + timedelta(days=10))
        questions = session.exec(
            select(SurveyQuestion).where(SurveyQuestion.survey_id == survey_id).order_by(SurveyQuestion.position)
        ).all()
        assert [(q.position, q.kind, q.text) for q in questions] == [
            (0, "poll", "Wat mist u het meest?"),
            (1, "scale", "Hoe prettig woont u hier?"),
            (2, "open", "Wat kan beter in uw kern?"),
        ]
        assert questions[0].options == ["Een winkel", "Een bushalte", "Een ontmoetingsplek"]
        assert questions[1].options == [] and questions[2].options == []
        timers = session.exec(select(Timer.kind).where(Timer.ref_id == survey_id)).all()
        assert set(timers) == {TimerKind.SURVEY_START, TimerKind.SURVEY_REMINDER}
        actions = session.exec(select(DeskAudit.action).where(DeskAudit.user_id == 7001)).all()
        assert "survey.create" in actions and "survey.publish" in actions
    assert client.post(f"/enquetes/{survey_id}/versturen", data={"csrf_token": csrf}).status_code == 404  # once


def test_a_coordinator_of_all_municipalities_first_picks_one(runtime) -> None:
    client, _csrf = logged_in(runtime, 7003)
    assert 'name="kernen"' not in client.get("/enquetes").text
    page = client.get("/enquetes?gemeente=voerendaal").text
    assert 'name="kernen" value="klimmen"' in page and 'name="gemeente" value="voerendaal"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"titel": " "}, "Geef de enquête een naam."),
        (
            {"soort": ["open"] * 11, "vraag": [f"Vraag {n}?" for n in range(11)], "antwoorden": [""] * 11},
            "hoogstens tien",
        ),
        ({"antwoorden": ["Alleen dit", "", "", ""]}, "Vraag 1: typ twee tot tien antwoorden"),
        ("before", "De laatste dag ligt voor de eerste dag."),
        ("long", "Een enquête duurt hoogstens drie maanden."),
        ({"kernen": ["heerlerheide"]}, "Kies een of meer kernen."),
    ],
    ids=["no title", "11 questions", "one option", "last before first", "too long", "another kern"],
)
def test_a_wrong_form_is_refused_with_a_message_and_stores_nothing(runtime, changes, message) -> None:
    client, csrf = logged_in(runtime, 7001)
    today = runtime.clock.now().date()
    if changes == "before":
        changes = {"laatste_dag": (today - timedelta(days=1)).isoformat(), "eerste_dag": today.isoformat()}
    elif changes == "long":
        changes = {"laatste_dag": (today + timedelta(days=93)).isoformat()}
    answer = client.post("/enquetes", data={**form(today, **changes), "csrf_token": csrf})
    assert answer.status_code == 400
    assert message in answer.text and 'role="alert"' in answer.text
    with Session(runtime.engine) as session:
        assert session.exec(select(Survey)).all() == []


def test_another_municipality_and_a_desk_volunteer_are_refused(runtime) -> None:
    today = runtime.clock.now().date()
    owner, csrf = logged_in(runtime, 7001)
    draft = owner.post("/enquetes", data={**form(today), "csrf_token": csrf}).headers["location"]
    survey_id = int(draft.split("/")[2])
    for user_id in (7002, 3101):  # a coordinator of Kerkrade, a desk volunteer of Voerendaal
        other, other_csrf = logged_in(runtime, user_id)
        assert other.post("/enquetes", data={**form(today), "csrf_token": other_csrf}).status_code == 403
        assert other.get(draft).status_code in (403, 404)
        sent = other.post(f"/enquetes/{survey_id}/versturen", data={"csrf_token": other_csrf})
        assert sent.status_code in (403, 404)
    with Session(runtime.engine) as session:
        assert [survey.status for survey in session.exec(select(Survey))] == ["draft"]
        assert session.exec(select(Timer).where(Timer.ref_id == survey_id)).all() == []
