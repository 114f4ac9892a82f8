"""A resident answers a survey one question at a time, and may stop at any moment.

Where a resident is lives in their `SurveyInvite` (its kern and the next question); an answer is stored apart,
with its kern only, never with the person. A poll is a native anonymous Telegram poll: the bot never learns who
voted what, only each poll's totals (`record_poll_totals`, from Telegram's `poll` updates), counted per kern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, select

from bot.privacy import PLACEHOLDER, redact
from bot.services.surveys.sending import WAITING, is_open
from bot.services.surveys.views import QuestionView, question_view, questions_of
from db.models import (
    InviteState,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyInvite,
    SurveyPoll,
    SurveyQuestion,
    User,
)

MAX_OPEN_ANSWER = 1000


class Step(StrEnum):
    QUESTION = "question"  # here is the next question
    POLL_SENT = "poll_sent"  # the current question is a poll this resident already has
    DONE = "done"  # every question answered
    CLOSED = "closed"  # the survey is over (or not open yet)
    STOPPED = "stopped"  # the resident stopped
    NOT_INVITED = "not_invited"
    STALE = "stale"  # an answer to a question that is not the current one (an old button, a double tap)


@dataclass(frozen=True)
class Progress:
    """Where a resident is now: the next question (with the poll row it is sent as), or why there is none."""

    step: Step
    title: str = ""
    question: QuestionView | None = None
    poll_ref: int | None = None


def _invite(session: Session, survey_id: int, user_id: int) -> SurveyInvite | None:
    query = select(SurveyInvite).where(SurveyInvite.survey_id == survey_id, SurveyInvite.user_id == user_id)
    return session.exec(query).first()


def _next(session: Session, survey: Survey, invite: SurveyInvite) -> Progress:
    """The question the invite is at; a poll gets its own row, so Telegram's totals can be counted for the kern."""
    if invite.state == InviteState.DONE:
        return Progress(Step.DONE, survey.title)
    questions = questions_of(session, survey.id)
    question = questions[invite.position]
    view = question_view(question, len(questions))
    if question.kind != QuestionKind.POLL:
        return Progress(Step.QUESTION, survey.title, view)
    if invite.poll_sent == invite.position:  # asked again: the poll above still counts, a second one would too
        return Progress(Step.POLL_SENT, survey.title, view)
    poll = SurveyPoll(question_id=question.id, neighbourhood_slug=invite.neighbourhood_slug)
    invite.poll_sent = invite.position
    session.add_all([poll, invite])
    session.flush()
    return Progress(Step.QUESTION, survey.title, view, poll.id)


def join(session: Session, *, survey_id: int, user_id: int, today: date, now: datetime) -> Progress:
    """Take part (or go on where one left off, also after stopping): the current question."""
    survey = session.get(Survey, survey_id)
    invite = _invite(session, survey_id, user_id)
    if survey is None or invite is None:
        return Progress(Step.NOT_INVITED)
    if not is_open(survey, today):
        return Progress(Step.CLOSED, survey.title)
    if invite.state != InviteState.DONE:
        invite.state, invite.updated_at = InviteState.ANSWERING, now
        session.add(invite)
    return _next(session, survey, invite)


def current(session: Session, *, survey_id: int, user_id: int, today: date) -> Progress:
    """The question a resident who takes part is at, asked again (a poll is sent anew)."""
    survey = session.get(Survey, survey_id)
    invite = _invite(session, survey_id, user_id)
    if survey is None or invite is None:
        return Progress(Step.NOT_INVITED)
    if not is_open(survey, today):
        return Progress(Step.CLOSED, survey.title)
    if invite.state == InviteState.STOPPED:
        return Progress(Step.STOPPED, survey.title)
    return _next(session, survey, invite)


def answer(
    session: Session,
    *,
    question_id: int,
    user_id: int,
    today: date,
    now: datetime,
    mark: int | None = None,
    text: str | None = None,
) -> Progress:
    """Answer the current question (a mark, a text, or nothing: voted in the poll, or skipped) and get the next."""
    question = session.get(SurveyQuestion, question_id)
    survey = session.get(Survey, question.survey_id) if question is not None else None
    invite = _invite(session, survey.id, user_id) if survey is not None else None
    if question is None or survey is None or invite is None:
        return Progress(Step.NOT_INVITED)
    if not is_open(survey, today):
        return Progress(Step.CLOSED, survey.title)
    if invite.state == InviteState.STOPPED:
        return Progress(Step.STOPPED, survey.title)
    last = question.position + 1 == len(questions_of(session, survey.id))
    moved = session.exec(
        update(SurveyInvite)
        .where(
            SurveyInvite.id == invite.id,
            SurveyInvite.state == InviteState.ANSWERING,
            SurveyInvite.position == question.position,
        )
        .values(
            position=question.position + 1,
            state=InviteState.DONE if last else InviteState.ANSWERING,
            updated_at=now,
        )
    )
    if moved.rowcount != 1:
        return Progress(Step.STALE, survey.title)
    if mark is not None or text:
        words = _without_name(session, user_id, redact(text.strip()))[:MAX_OPEN_ANSWER] if text else None
        session.add(
            SurveyAnswer(question_id=question.id, neighbourhood_slug=invite.neighbourhood_slug, value=mark, text=words)
        )
    session.refresh(invite)
    return _next(session, survey, invite)


def _without_name(session: Session, user_id: int, text: str) -> str:
    """The resident's own words without their own first name or username (answers are shown without names)."""
    user = session.get(User, user_id)
    for name in (user.first_name, user.username) if user is not None else ():
        if name and len(name) > 1:
            text = re.sub(rf"(?i)(?<!\w)@?{re.escape(name)}(?!\w)", PLACEHOLDER, text)
    return text


def stop(session: Session, *, survey_id: int, user_id: int, now: datetime) -> bool:
    """The resident stops: no more questions, no reminder; what they answered so far still counts."""
    result = session.exec(
        update(SurveyInvite)
        .where(
            SurveyInvite.survey_id == survey_id,
            SurveyInvite.user_id == user_id,
            SurveyInvite.state.in_(WAITING),
        )
        .values(state=InviteState.STOPPED, updated_at=now)
    )
    return result.rowcount == 1


def record_poll_totals(session: Session, *, poll_id: str, counts: list[int], today: date) -> bool:
    """Telegram's latest totals of one of our polls, kept while its survey is open; False for any other poll."""
    poll = session.exec(select(SurveyPoll).where(SurveyPoll.poll_id == poll_id)).first()
    if poll is None:
        return False
    question = session.get(SurveyQuestion, poll.question_id)
    if not is_open(session.get(Survey, question.survey_id), today):
        return False
    poll.counts = list(counts)
    session.add(poll)
    return True
