"""A resident and a survey: "Meedoen", one question at a time, "Stoppen" (or a typed stop) at any moment.

A multiple-choice question is a native anonymous poll with "Volgende vraag" under it (an anonymous poll never
says who voted); a scale question has the marks 1 to 5 as buttons (or typed); an open question takes typed text.
"""

from __future__ import annotations

from html import escape

from bot.buttons import SurveyMark, SurveyNext, SurveyStep
from bot.flows.questions import Question
from bot.flows.states import State
from bot.flows.turn import Turn
from bot.render.surveys import poll_params, question_message
from bot.services.surveys.answering import Progress, Step, answer, current, join, stop
from bot.understanding import Expecting, Intent, Understanding
from db.models import QuestionKind


def step(turn: Turn, button: SurveyStep) -> None:
    """ "Meedoen" (under the invitation or the reminder) or "Stoppen" (there, or under any question)."""
    if button.action == "stop":
        stop_survey(turn, button.survey_id)
        return
    turn.drop_buttons()
    progress = join(turn.session, survey_id=button.survey_id, user_id=turn.user_id, today=turn.today, now=turn.now)
    _show(turn, progress)


def next_question(turn: Turn, button: SurveyNext) -> None:
    """ "Volgende vraag" after voting in a poll, or "Overslaan" at an open question."""
    _answered(turn, answer(turn.session, question_id=button.question_id, user_id=turn.user_id, **_when(turn)))


def mark(turn: Turn, button: SurveyMark) -> None:
    """A mark from 1 to 5."""
    progress = answer(
        turn.session, question_id=button.question_id, user_id=turn.user_id, mark=button.mark, **_when(turn)
    )
    if progress.step is not Step.STALE:
        turn.acknowledge("✅ " + turn._("Uw cijfer: {mark}").format(mark=button.mark))
    _answered(turn, progress)


def read_answer(turn: Turn, meaning: Understanding) -> bool:
    """Typed while a question is open: a stop, the open answer, a mark, or a hint at a poll."""
    survey_id, question_id, kind = (turn.draft.get(key) for key in ("survey_id", "question_id", "kind"))
    if meaning.intent is Intent.STOP:
        stop_survey(turn, survey_id)
        return True
    if kind == QuestionKind.OPEN:
        _answered(
            turn, answer(turn.session, question_id=question_id, user_id=turn.user_id, text=turn.text, **_when(turn))
        )
        return True
    if kind == QuestionKind.SCALE and turn.text.strip() in {"1", "2", "3", "4", "5"}:
        progress = answer(
            turn.session, question_id=question_id, user_id=turn.user_id, mark=int(turn.text.strip()), **_when(turn)
        )
        _answered(turn, progress)
        return True
    if kind == QuestionKind.POLL:
        _point_at_poll(turn)
        return True
    return False


def ask_again(turn: Turn) -> None:
    """The open question once more (a poll is sent anew)."""
    progress = current(turn.session, survey_id=turn.draft.get("survey_id", 0), user_id=turn.user_id, today=turn.today)
    _show(turn, progress)


def stop_survey(turn: Turn, survey_id: int | None) -> None:
    """Stop: no more questions, no reminder; what was answered still counts, without a name."""
    if survey_id is not None:
        stop(turn.session, survey_id=survey_id, user_id=turn.user_id, now=turn.now)
    if turn.state == State.SURVEY_ANSWER:
        turn.end()
    turn.drop_buttons()
    turn.say("👍 " + turn._("Gestopt. U doet niet meer mee aan de enquête. Dank u wel."))


def _point_at_poll(turn: Turn) -> None:
    """The poll is above already (a second one would count twice)."""
    turn.say(turn._("Kies uw antwoord in de peiling hierboven. Druk daarna op Volgende vraag."))


def _when(turn: Turn) -> dict:
    return {"today": turn.today, "now": turn.now}


def _answered(turn: Turn, progress: Progress) -> None:
    if progress.step is Step.STALE:
        turn.answer(turn._("Deze vraag heeft u al beantwoord."))
        return
    turn.drop_buttons()
    _show(turn, progress)


def _show(turn: Turn, progress: Progress) -> None:
    """The next question, or the end."""
    _ = turn._
    if progress.step in (Step.QUESTION, Step.POLL_SENT):
        question = progress.question
        turn.goto(State.SURVEY_ANSWER)
        turn.draft.update(survey_id=question.survey_id, question_id=question.id, kind=question.kind)
        if progress.step is Step.POLL_SENT:
            _point_at_poll(turn)
        elif question.kind == QuestionKind.POLL:
            turn.call(turn.chat_id, "sendPoll", keep=("poll", progress.poll_ref), **poll_params(question, _))
        else:
            text, markup = question_message(question, _)
            turn.say(text, markup)
        return
    if turn.state == State.SURVEY_ANSWER:
        turn.end()
    texts = {
        Step.DONE: "🙏 " + _("Klaar! Dank u wel voor het meedoen aan {title}."),
        Step.CLOSED: _("Deze enquête is gesloten. Dank u wel."),
        Step.STOPPED: _("U bent gestopt met deze enquête."),
        Step.NOT_INVITED: _("Deze knop werkt niet meer."),
    }
    turn.say(texts[progress.step].format(title=escape(progress.title)))


QUESTIONS = {State.SURVEY_ANSWER: Question(Expecting.FREE_TEXT, read_answer, ask_again)}
