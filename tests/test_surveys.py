"""The leefbaarheid survey, update by update: a coordinator builds it in chat, opted-in residents of its kernen
answer a poll, a scale and an open question (or stop), one reminder, and the results per kern without names."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

from sqlmodel import Session, select

from bot.services.desk_roles import add_desk_volunteer
from bot.services.surveys.answering import Step, answer
from bot.services.surveys.drafts import DateProblem, date_problem, poll_options
from bot.services.surveys.results import survey_results, write_results_csv
from db.models import Coordinator, InviteState, Survey, SurveyAnswer, SurveyInvite, SurveyPoll, SurveyQuestion, User
from tests.support.app import World
from tests.support.desk import desk_client, desk_runtime, log_in, login_path
from tests.support.updates import callback, make_user, poll

BERT = make_user(111, "Bert")  # Ubachsberg, finishes
DORA = make_user(112, "Dora")  # Ubachsberg, stops halfway with the button
EVA = make_user(113, "Eva")  # Klimmen, waits for the reminder, then types "stop"
COR = make_user(114, "Cor")  # Klimmen, wants no news: never asked
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober")
MONTHS += ("november", "december")


def add_residents(world: World) -> None:
    """Anna (Klimmen) and the others, with a private chat; all but Cor want news of their kern."""
    now = world.clock.now()
    people = [
        (world.resident, "klimmen"),
        (BERT, "ubachsberg"),
        (DORA, "ubachsberg"),
        (EVA, "klimmen"),
        (COR, "klimmen"),
    ]
    with world.session() as session:
        for person, place in people:
            news = person is not COR
            session.add(
                User(
                    id=person.id,
                    first_name=person.first_name,
                    phone="0612345678",
                    neighbourhood_slug=place,
                    activity_news=news,
                    has_private_chat=True,
                    created_at=now,
                )
            )
        session.commit()
    for person, _place in people[1:]:
        world.api.register_user(person)


async def build_survey(world: World) -> int:
    """Carla asks Klimmen and Ubachsberg three questions, from today for ten days."""
    h, carla = world.harness, world.coordinator
    await h.command(carla, "/enquete")
    await h.press(carla, "Voerendaal")
    await h.send(carla, "Wonen in onze kern")
    await h.press(carla, "Klimmen")
    await h.press(carla, "Ubachsberg")
    await h.press(carla, "Klaar")
    await h.press(carla, "Vandaag")
    end = world.clock.now().date() + timedelta(days=10)
    await h.send(carla, f"{end.day} {MONTHS[end.month - 1]}")
    await h.press(carla, "Meerkeuze")
    await h.send(carla, "Wat mist u het meest?")
    await h.send(carla, "Een winkel\nEen bushalte\nEen ontmoetingsplek")
    await h.press(carla, "Cijfer van 1 tot 5")
    await h.send(carla, "Hoe prettig woont u hier?")
    await h.press(carla, "Open vraag")
    await h.send(carla, "Wat kan beter in uw kern?")
    await h.press(carla, "Klaar, geen vragen meer")
    preview = h.last_text(carla)
    assert "Klimmen, Ubachsberg" in preview and "Een bushalte" in preview and "Open vraag" in preview
    await h.press(carla, "Versturen")
    assert "Hij gaat naar 4 bewoners" in h.last_text(carla)
    with world.session() as session:
        return session.exec(select(Survey)).one().id


async def vote(world: World, person, counts: list[int]) -> None:
    """The person's poll arrived; Telegram then reports the poll's new totals (never who voted)."""
    await world.deliver()
    message = next(m for m in reversed(world.api.messages(person.id)) if "poll" in m)
    await world.harness.process(poll(message, counts))


async def test_a_survey_from_creation_to_results_per_kern(world: World) -> None:
    h, carla, anna = world.harness, world.coordinator, world.resident
    add_residents(world)
    await build_survey(world)
    assert world.fire_timers() >= 1
    await world.deliver()
    for person in (anna, BERT, DORA, EVA):
        assert "Wonen in onze kern" in h.last_text(person) and "Meedoen" in " ".join(h.buttons(person))
    assert h.texts(COR) == []

    # Anna: a poll (a native anonymous poll with its buttons), a mark, and words with a phone number in them.
    await h.press(anna, "Meedoen")
    await world.deliver()
    sent = world.api.calls_to("sendPoll")[-1]
    assert sent.chat_id == anna.id and sent.params["is_anonymous"] is True
    assert "Vraag 1 van 3" in sent.params["question"]
    await vote(world, anna, [0, 1, 0])
    await h.press(anna, "Volgende vraag")
    assert "Vraag 2 van 3" in h.last_text(anna)
    await h.press(anna, "4")
    await h.send(anna, "Meer bankjes bij de kerk. Bel mij: 06 12345678")
    assert "Klaar! Dank u wel" in h.last_text(anna)

    # Bert votes, types his mark, skips the open question.
    await h.press(BERT, "Meedoen")
    await vote(world, BERT, [1, 0, 0])
    await h.press(BERT, "Volgende vraag")
    await h.send(BERT, "5")
    await h.press(BERT, "Overslaan")
    assert "Klaar!" in h.last_text(BERT)

    # Dora votes, then stops at the scale; an old button does nothing afterwards.
    await h.press(DORA, "Meedoen")
    await vote(world, DORA, [0, 0, 1])
    await h.press(DORA, "Volgende vraag")
    scale = world.api.messages(DORA.id)[-1]
    mark_two = scale["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
    await h.press(DORA, "Stoppen")
    assert "U doet niet meer mee aan de enquête" in h.last_text(DORA)
    await h.process(callback(DORA, scale, mark_two))
    with world.session() as session:
        marks = session.exec(select(SurveyAnswer.value).where(SurveyAnswer.neighbourhood_slug == "ubachsberg")).all()
        assert marks == [5]  # Bert's; Dora's press after stopping counts for nothing
        states = dict(session.exec(select(SurveyInvite.user_id, SurveyInvite.state)).all())
    assert states == {anna.id: "done", BERT.id: "done", DORA.id: "stopped", EVA.id: "invited"}

    # Halfway, one reminder: only Eva, who neither finished nor stopped; she joins and types "stop".
    world.clock.advance(timedelta(days=5, hours=1))
    before = {person.id: len(h.texts(person)) for person in (anna, BERT, DORA, EVA)}
    world.fire_timers()
    await world.deliver()
    assert "herinnering" in h.last_text(EVA)
    assert all(len(h.texts(p)) == before[p.id] for p in (anna, BERT, DORA))
    world.fire_timers()
    await world.deliver()
    assert len(h.texts(EVA)) == before[EVA.id] + 1  # once
    await h.press(EVA, "Meedoen")
    await world.deliver()
    await h.press(EVA, "Meedoen")  # the first invitation's button: the poll above still counts, no second one
    await world.deliver()
    assert "peiling hierboven" in h.last_text(EVA)
    assert len([c for c in world.api.calls_to("sendPoll") if c.chat_id == EVA.id]) == 1
    await h.send(EVA, "stop")
    assert "U doet niet meer mee aan de enquête" in h.last_text(EVA)
    with world.session() as session:
        assert session.exec(select(SurveyInvite.state).where(SurveyInvite.user_id == EVA.id)).one() == "stopped"

    # Results per kern and question: text, a chart and the CSV; /overzicht offers them too.
    await h.command(carla, "/overzicht")
    assert h.texts(carla)[-1] == "Van welke enquête wilt u de uitslag zien?"
    await h.command(carla, "/enquete uitslag")
    await h.press(carla, "Wonen in onze kern")
    text = "\n".join(h.texts(carla)[-2:])
    assert "Klimmen: Een winkel 0 · Een bushalte 1 · Een ontmoetingsplek 0" in text
    assert "Ubachsberg: Een winkel 1 · Een bushalte 0 · Een ontmoetingsplek 1" in text
    assert "Klimmen: gemiddeld 4" in text
    assert "Ubachsberg: gemiddeld 5" in text
    assert "Meer bankjes bij de kerk" in text and "12345678" not in text
    assert "Ubachsberg: 2 kregen hem, 1 deden mee tot het eind, 1 zijn gestopt" in text
    assert not any(name in text for name in ("Anna", "Bert", "Dora", "Eva"))
    methods = [call.method for call in h.last_calls]
    assert "sendPhoto" in methods and "sendDocument" in methods


async def test_the_csv_has_no_names_ids_or_phone_numbers(world: World) -> None:
    h, anna = world.harness, world.resident
    add_residents(world)
    survey_id = await build_survey(world)
    world.fire_timers()
    await world.deliver()
    await h.press(anna, "Meedoen")
    await vote(world, anna, [1, 0, 0])
    await h.press(anna, "Volgende vraag")
    await h.press(anna, "2")
    await h.send(anna, '=HYPERLINK("x") Anna van Klimmen, tel 045-1234567, anna@example.nl')
    with world.session() as session:
        results = survey_results(session, survey_id=survey_id, coordinator_id=world.coordinator.id)
        polls = session.exec(select(SurveyPoll.poll_id)).all()
    out = io.StringIO()
    rows = write_results_csv(results, out)
    data = out.getvalue()
    assert rows == 2 * (3 + 5) + 1  # per kern: 3 choices and 5 marks; one open answer
    for person in (anna, BERT, DORA, EVA, COR):
        assert not re.search(rf"\b{person.id}\b", data)
    assert "0612345678" not in data and "045-1234567" not in data and "anna@example.nl" not in data
    assert not any(poll_id in data for poll_id in polls if poll_id)
    assert "Anna" not in data  # her own name in her words is left out too
    typed = [row[4] for row in csv.reader(io.StringIO(data)) if row[1] == "open"]
    assert len(typed) == 1 and typed[0].startswith("'=")  # a formula stays text


async def test_only_coordinators_build_surveys_and_see_results(world: World) -> None:
    h, anna = world.harness, world.resident
    add_residents(world)
    survey_id = await build_survey(world)
    await h.command(anna, "/enquete")
    assert "dat mag u niet" in h.last_text(anna)
    with world.session() as session:
        assert survey_results(session, survey_id=survey_id, coordinator_id=anna.id) is None


async def test_an_answer_after_the_last_day_is_not_counted(world: World) -> None:
    add_residents(world)
    survey_id = await build_survey(world)
    world.fire_timers()
    await world.deliver()
    await world.harness.press(world.resident, "Meedoen")
    world.clock.advance(timedelta(days=12))
    with world.session() as session:
        question_id = session.exec(select(SurveyPoll.question_id)).first()
        progress = answer(
            session,
            question_id=question_id,
            user_id=world.resident.id,
            today=world.clock.now().date(),
            now=world.clock.now(),
        )
        assert progress.step is Step.CLOSED
        assert session.exec(select(SurveyInvite.state).where(SurveyInvite.survey_id == survey_id)).first() in set(
            InviteState
        )


def test_dates_and_poll_choices() -> None:
    today = date(2026, 11, 23)
    assert date_problem(today - timedelta(days=1), None, today) is DateProblem.PAST
    assert date_problem(today, today - timedelta(days=1), today) is DateProblem.BEFORE_START
    assert date_problem(today, today + timedelta(days=200), today) is DateProblem.TOO_LONG
    assert date_problem(today, today + timedelta(days=14), today) is None
    assert poll_options("- Ja\n- Nee\n\n") == ["Ja", "Nee"]
    assert poll_options("ja, nee, weet niet") == ["ja", "nee", "weet niet"]


def test_the_desk_shows_the_results_per_kern_to_coordinators_only(engine, clock, settings) -> None:
    runtime = desk_runtime(engine, clock, settings)
    now = clock.now()
    with Session(engine) as session:
        session.add(Coordinator(user_id=7001, municipality_slug="voerendaal", added_at=now))
        session.add(Coordinator(user_id=7002, municipality_slug="kerkrade", added_at=now))
        add_desk_volunteer(
            session, by_user_id=None, user_id=3101, municipality_slug="voerendaal", steunpunt_slug=None, now=now
        )
        survey = Survey(
            municipality_slug="voerendaal",
            neighbourhoods=["klimmen", "ubachsberg"],
            title="Wonen in onze kern",
            starts_on=now.date(),
            ends_on=now.date() + timedelta(days=7),
            status="published",
            created_by=7001,
            created_at=now,
            published_at=now,
        )
        session.add(survey)
        session.flush()
        scale = SurveyQuestion(survey_id=survey.id, position=0, kind="scale", text="Hoe woont u hier?")
        words = SurveyQuestion(survey_id=survey.id, position=1, kind="open", text="Wat kan beter?")
        session.add_all([scale, words])
        session.flush()
        session.add(SurveyAnswer(question_id=scale.id, neighbourhood_slug="ubachsberg", value=4))
        session.add(SurveyAnswer(question_id=words.id, neighbourhood_slug="klimmen", text="<b>Een bankje</b>"))
        session.commit()
        survey_id = survey.id
    coordinator = desk_client(runtime)
    log_in(coordinator, login_path(runtime, 7001))
    assert "Wonen in onze kern" in coordinator.get("/enquetes").text
    page = coordinator.get(f"/enquetes/{survey_id}").text
    assert "Ubachsberg" in page and "&lt;b&gt;Een bankje&lt;/b&gt;" in page
    assert '<svg class="chart" role="img" aria-labelledby="question-1"' in page  # the marks as a chart
    assert '<rect class="bar kern-1" x="0" y="242" width="280"' in page  # mark 4: Ubachsberg's one answer, full width
    assert ">1 · Ubachsberg</text>" in page and ">0 · Klimmen</text>" in page
    csv_file = coordinator.get(f"/enquetes/{survey_id}/uitslag.csv")
    assert csv_file.status_code == 200 and "Een bankje" in csv_file.text and "7001" not in csv_file.text
    for user_id in (7002, 3101):  # another municipality's coordinator, a desk volunteer
        other = desk_client(runtime)
        log_in(other, login_path(runtime, user_id))
        assert other.get(f"/enquetes/{survey_id}").status_code == 403
        assert other.get(f"/enquetes/{survey_id}/uitslag.csv").status_code == 403


async def test_forgetting_a_resident_forgets_which_survey_they_got(world: World) -> None:
    h, anna = world.harness, world.resident
    add_residents(world)
    await build_survey(world)
    world.fire_timers()
    await world.deliver()
    await h.command(anna, "/vergeetmij")
    await h.press(anna, "Ja, wis alles")
    with world.session() as session:
        assert session.exec(select(SurveyInvite).where(SurveyInvite.user_id == anna.id)).all() == []
