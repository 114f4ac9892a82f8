"""A new survey on the desk: the chat builder's questions as one form, a preview, then "Versturen" as in chat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from starlette.responses import Response

from bot.dates import local_today
from bot.desk.web import Desk, desk_route
from bot.i18n import N_, Translator
from bot.render.surveys import kind_name, preview
from bot.services.desk_notices import plain_text
from bot.services.desk_roles import DeskPermission
from bot.services.places import areas_of, municipalities
from bot.services.surveys.drafts import poll_options, survey_draft
from bot.services.surveys.plans import PlanProblem, Problem, QuestionPlan, SurveyPlan, build_survey, plan_problems
from bot.services.surveys.results import surveys_for
from bot.services.surveys.sending import publish_survey
from bot.services.surveys.views import MAX_QUESTIONS
from db.models import QuestionKind

MESSAGES = {
    PlanProblem.NO_TITLE: N_("Geef de enquête een naam."),
    PlanProblem.NO_KERN: N_("Kies een of meer kernen."),
    PlanProblem.NO_DATES: N_("Vul de eerste en de laatste dag in."),
    PlanProblem.PAST: N_("De eerste dag is al voorbij."),
    PlanProblem.BEFORE_START: N_("De laatste dag ligt voor de eerste dag."),
    PlanProblem.TOO_LONG: N_("Dat is te lang. Een enquête duurt hoogstens drie maanden."),
    PlanProblem.NO_QUESTIONS: N_("Schrijf minstens één vraag."),
    PlanProblem.TOO_MANY_QUESTIONS: N_("Een enquête heeft hoogstens tien vragen."),
    PlanProblem.NO_KIND: N_("Vraag {number}: kies wat voor vraag het is."),
    PlanProblem.NO_TEXT: N_("Vraag {number}: typ de vraag."),
    PlanProblem.OPTIONS: N_("Vraag {number}: typ twee tot tien antwoorden, elk op een eigen regel."),
}


@dataclass(frozen=True)
class Block:
    """One question of the form as typed, to show again after a problem."""

    kind: str = ""
    text: str = ""
    options: str = ""


def _municipality(desk: Desk) -> str | None:
    """The municipality the survey is for: the coordinator's own, or the one a coordinator of all picked."""
    return desk.value("gemeente") or desk.identity.municipality_slug


def show_surveys(
    desk: Desk, *, problems: tuple[str, ...] = (), blocks: list[Block] | None = None, plan: SurveyPlan | None = None
) -> Response:
    """The latest published surveys the coordinator may see, and the form for a new one."""
    slug = _municipality(desk)
    if slug is not None and not desk.identity.covers(slug):
        return desk.refuse()
    with desk.unit_of_work() as uow:
        listed = surveys_for(uow.session, coordinator_id=desk.identity.user_id, limit=50)
        places = [m for m in municipalities(uow.session) if desk.identity.covers(m.slug)]
        areas = areas_of(uow.session, slug) if slug else []
    if listed is None:
        return desk.refuse()
    blocks = list(blocks or [])
    blocks += [Block()] * (MAX_QUESTIONS - len(blocks))
    return desk.render(
        "surveys.html",
        status=400 if problems else 200,
        surveys=listed,
        municipalities=places,
        municipality=slug,
        areas=areas,
        kinds=[(kind.value, kind_name(kind, desk._)) for kind in QuestionKind],
        problems=problems,
        blocks=blocks,
        plan=plan,
        sent=desk.value("verstuurd"),
        residents=desk.value("bewoners"),
    )


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _blocks(desk: Desk) -> list[Block]:
    """The questions typed, without the empty ones."""
    typed = zip(desk.values("soort"), desk.values("vraag"), desk.values("antwoorden"), strict=False)
    return [
        Block(kind, text.strip(), options.strip()) for kind, text, options in typed if text.strip() or options.strip()
    ]


def _plan(municipality_slug: str, desk: Desk, blocks: list[Block]) -> SurveyPlan:
    questions = tuple(
        QuestionPlan(
            block.kind, block.text, tuple(poll_options(block.options)) if block.kind == QuestionKind.POLL else ()
        )
        for block in blocks
    )
    return SurveyPlan(
        municipality_slug=municipality_slug,
        title=desk.value("titel"),
        kernen=tuple(desk.values("kernen")),
        starts_on=_day(desk.value("eerste_dag")),
        ends_on=_day(desk.value("laatste_dag")),
        questions=questions,
    )


def _message(problem: Problem, _: Translator) -> str:
    return _(MESSAGES[problem.kind]).format(number=_.number(problem.question or 0))


def create_survey(desk: Desk) -> Response:
    """Check the form by the chat's rules; store the draft and show its preview, or the form again with the problems."""
    slug = _municipality(desk)
    if slug is None or not desk.identity.covers(slug):
        return desk.refuse()
    blocks = _blocks(desk)
    plan = _plan(slug, desk, blocks)
    with desk.unit_of_work() as uow:
        problems = plan_problems(uow.session, plan, local_today(desk.now(), desk.runtime.settings.time_zone))
    if problems:
        messages = tuple(_message(problem, desk._) for problem in problems)
        return show_surveys(desk, problems=messages, blocks=blocks, plan=plan)
    with desk.unit_of_work() as uow:
        survey = build_survey(uow.session, coordinator_id=desk.identity.user_id, plan=plan, now=desk.now())
        if survey is None:
            return desk.refuse()
        desk.audit(uow.session, "survey.create", municipality_slug=slug, target_kind="survey", target_id=survey.id)
        uow.commit()
    return desk.redirect(f"/enquetes/{survey.id}/voorbeeld")


def show_draft(desk: Desk) -> Response:
    """The survey as the chat shows it before sending, with "Versturen"."""
    with desk.unit_of_work() as uow:
        survey = survey_draft(uow.session, survey_id=_survey_id(desk), coordinator_id=desk.identity.user_id)
    if survey is None:
        return desk.not_found()
    return desk.render("survey_preview.html", survey=survey, text=plain_text(preview(survey, desk._)))


def publish_draft(desk: Desk) -> Response:
    """Publish the draft as the chat's "Versturen" does: the invitations on its first day, one reminder."""
    survey_id = _survey_id(desk)
    with desk.unit_of_work() as uow:
        survey = survey_draft(uow.session, survey_id=survey_id, coordinator_id=desk.identity.user_id)
        if survey is None:
            return desk.not_found()
        published = publish_survey(
            uow.session,
            survey_id=survey_id,
            coordinator_id=desk.identity.user_id,
            now=desk.now(),
            settings=desk.runtime.settings,
        )
        if published is None:
            return desk.redirect("/enquetes", verstuurd="nee")
        desk.audit(
            uow.session,
            "survey.publish",
            municipality_slug=survey.municipality_slug,
            target_kind="survey",
            target_id=survey_id,
        )
        uow.commit()
    return desk.redirect("/enquetes", verstuurd="ja", bewoners=published.residents)


def _survey_id(desk: Desk) -> int:
    return int(desk.request.path_params["survey_id"])


routes = [
    desk_route("/enquetes", create_survey, permission=DeskPermission.OVERVIEW, methods=("POST",)),
    desk_route("/enquetes/{survey_id:int}/voorbeeld", show_draft, permission=DeskPermission.OVERVIEW),
    desk_route(
        "/enquetes/{survey_id:int}/versturen", publish_draft, permission=DeskPermission.OVERVIEW, methods=("POST",)
    ),
]
