"""`/enquete`: a coordinator builds a short leefbaarheid survey in chat, one question per message, then sends it.

Title, kernen, first and last day, then up to ten questions: multiple choice (a native poll), a mark from 1 to 5,
or open text. The survey is a draft in the database from the first answer on; the conversation holds its id
(`survey_id`) and the question being written (`kind`, `text`). `/enquete uitslag` lists the results.
"""

from __future__ import annotations

from html import escape

from bot.buttons import PublishSurvey, SurveyArea, SurveyKind, SurveyMunicipality, SurveyResults, SurveyToday
from bot.dates import parse_date
from bot.flows.activity_words import Typed, activity_words
from bot.flows.gates import coordinator_scope, refuse
from bot.flows.questions import Question, ask_again, buttons_only, named_place
from bot.flows.states import State
from bot.flows.turn import Turn
from bot.render.keyboards import area_choices, button_rows
from bot.render.surveys import kind_name, period_text, preview
from bot.services.places import areas_of, municipalities
from bot.services.surveys.drafts import (
    MAX_QUESTION_LENGTH,
    MAX_TITLE,
    DateProblem,
    add_question,
    all_kernen,
    date_problem,
    options_fit,
    poll_options,
    start_survey,
    survey_draft,
    toggle_kern,
    update_survey,
)
from bot.services.surveys.results import surveys_for
from bot.services.surveys.sending import publish_survey
from bot.services.surveys.views import MAX_QUESTIONS, SurveyView
from bot.understanding import Expecting, Intent, Understanding
from db.models import QuestionKind

RESULTS_WORDS = ("uitslag", "resultaten", "results", "ergebnisse")


def start(turn: Turn) -> None:
    """`/enquete`: a new survey; `/enquete uitslag`: the results of the latest ones."""
    scope = coordinator_scope(turn)
    if scope is None:
        return
    if turn.arguments and turn.arguments[0].lower() in RESULTS_WORDS:
        list_results(turn)
        return
    turn.end()
    if scope.is_all:
        ask_municipality(turn)
    else:
        _begin(turn, scope.municipality_slug)


def list_results(turn: Turn) -> None:
    """A button per published survey; each gives its results."""
    _ = turn._
    surveys = surveys_for(turn.session, coordinator_id=turn.user_id) or []
    if not surveys:
        turn.say(_("Er is nog geen enquête verstuurd."))
        return
    options = [(f"📊 {survey.title} ({survey.kern_names})", SurveyResults(survey.id)) for survey in surveys]
    turn.say(_("Van welke enquête wilt u de uitslag zien?"), button_rows(options))


def ask_municipality(turn: Turn) -> None:
    """Which municipality: its name as a button, or typed."""
    turn.goto(State.SURVEY_MUNICIPALITY)
    options = [(place.name, SurveyMunicipality(place.slug)) for place in municipalities(turn.session)]
    text = "📝 " + turn._("Voor welke gemeente is de enquête? Kies hieronder, of typ de naam.")
    turn.say(text, button_rows(options, per_row=2))


def choose_municipality(turn: Turn, button: SurveyMunicipality) -> None:
    """A coordinator of all municipalities picked one."""
    turn.drop_buttons()
    _begin(turn, button.municipality)


def read_municipality(turn: Turn, meaning: Understanding) -> bool:
    """A typed municipality name."""
    slug = named_place(municipalities(turn.session), turn.text)
    if slug is None:
        return ask_again(turn, meaning, turn._("Die gemeente ken ik niet."), ask_municipality)
    _begin(turn, slug)
    return True


def _begin(turn: Turn, municipality_slug: str) -> None:
    survey = start_survey(turn.session, coordinator_id=turn.user_id, municipality_slug=municipality_slug, now=turn.now)
    if survey is None:
        turn.end()
        refuse(turn)
        return
    turn.draft["survey_id"] = survey.id
    ask_title(turn)


def ask_title(turn: Turn) -> None:
    """The survey's name."""
    turn.goto(State.SURVEY_TITLE)
    turn.say("📝 " + turn._("Wat is de naam van de enquête? Bijvoorbeeld: Wonen in Ubachsberg."))


def read_title(turn: Turn, meaning: Understanding) -> bool:
    """The survey's name."""
    if meaning.intent is Intent.STOP:
        return False
    survey = _save(turn, title=turn.text[:MAX_TITLE])
    if survey is not None:
        _ask_area(turn, survey)
    return True


def ask_area(turn: Turn) -> None:
    """Ask (again) for which kernen, with the ones chosen so far ticked."""
    survey = _draft(turn)
    if survey is not None:
        _ask_area(turn, survey)


def _ask_area(turn: Turn, survey: SurveyView) -> None:
    turn.goto(State.SURVEY_AREA)
    text = "🏘️ " + turn._("Voor welke kernen is de enquête? Kies er een of meer, of de hele gemeente.")
    areas = areas_of(turn.session, survey.municipality_slug)
    chosen = [slug for slug, _name in survey.kernen]
    turn.say(text + " " + turn._("U mag ook een naam typen."), area_choices(areas, chosen, SurveyArea, turn._))


def choose_area(turn: Turn, button: SurveyArea) -> None:
    """Tick or untick a kern, take them all, or go on."""
    survey_id = turn.draft.get("survey_id", 0)
    if button.choice in ("all", "done"):
        turn.drop_buttons()
        _kernen_chosen(turn, whole=button.choice == "all")
        return
    toggled = toggle_kern(turn.session, survey_id=survey_id, coordinator_id=turn.user_id, kern_slug=button.choice)
    if toggled is None:
        turn.answer(turn._("Deze knop werkt niet meer."))
        return
    areas = areas_of(turn.session, toggled.municipality_slug)
    turn.edit_buttons(area_choices(areas, [slug for slug, _name in toggled.kernen], SurveyArea, turn._))


def read_area(turn: Turn, meaning: Understanding) -> bool:
    """A typed kern (added), "hele gemeente", or "klaar"/"ja" to go on."""
    words = activity_words()
    if words.says(Typed.WHOLE_MUNICIPALITY, turn.text):
        _kernen_chosen(turn, whole=True)
        return True
    if words.says(Typed.DONE, turn.text) or meaning.intent is Intent.YES:
        _kernen_chosen(turn, whole=False)
        return True
    survey = _draft(turn)
    if survey is None:
        return True
    slug = named_place(areas_of(turn.session, survey.municipality_slug), turn.text)
    if slug is None:
        hint = turn._("Die plaats ken ik niet.") + " " + turn._("Kies een van de knoppen.")
        return ask_again(turn, meaning, hint, ask_area)
    if slug not in dict(survey.kernen):
        survey = toggle_kern(turn.session, survey_id=survey.id, coordinator_id=turn.user_id, kern_slug=slug) or survey
    _ask_area(turn, survey)
    return True


def _kernen_chosen(turn: Turn, *, whole: bool) -> None:
    if whole:
        survey = all_kernen(turn.session, survey_id=turn.draft.get("survey_id", 0), coordinator_id=turn.user_id)
        if survey is None:
            _lost(turn)
    else:
        survey = _draft(turn)
    if survey is None:
        return
    if not survey.kernen:
        _ask_area(turn, survey)
        return
    ask_start(turn)


def ask_start(turn: Turn) -> None:
    """The first day."""
    _ = turn._
    turn.goto(State.SURVEY_START)
    text = "📅 " + _("Op welke dag mag men beginnen? Typ een dag. Zoals: 1 december.")
    turn.say(text, button_rows([("📅 " + _("Vandaag"), SurveyToday("today"))]))


def start_today(turn: Turn, button: SurveyToday) -> None:
    """The "Vandaag" button."""
    turn.drop_buttons()
    if _save(turn, starts_on=turn.today) is not None:
        ask_end(turn)


def read_start(turn: Turn, meaning: Understanding) -> bool:
    """A typed first day, today or later."""
    day = parse_date(turn.text, turn.today, turn._.locale)
    if day is None:
        hint = turn._("Dat begrijp ik niet. Typ een datum. Bijvoorbeeld: 1 december.")
        return ask_again(turn, meaning, hint, ask_start)
    if _save(turn, starts_on=day) is not None:
        ask_end(turn)
    return True


def ask_end(turn: Turn) -> None:
    """The last day."""
    turn.goto(State.SURVEY_END)
    turn.say("📅 " + turn._("Tot en met welke dag? Typ een datum. Bijvoorbeeld: 14 december."))


def read_end(turn: Turn, meaning: Understanding) -> bool:
    """A typed last day: not before the first, at most three months later."""
    _ = turn._
    survey = _draft(turn)
    if survey is None:
        return True
    day = parse_date(turn.text, turn.today, _.locale)
    if day is None:
        return ask_again(turn, meaning, _("Dat begrijp ik niet. Typ een datum. Bijvoorbeeld: 14 december."), ask_end)
    problem = date_problem(survey.starts_on, day, turn.today)
    if problem is not None:
        hints = {
            DateProblem.PAST: _("Die dag is al voorbij."),
            DateProblem.BEFORE_START: _("Die dag ligt voor de eerste dag."),
            DateProblem.TOO_LONG: _("Dat is te lang. Een enquête duurt hoogstens drie maanden."),
        }
        return ask_again(turn, meaning, hints[problem], ask_end)
    if _save(turn, ends_on=day) is not None:
        ask_kind(turn)
    return True


def ask_kind(turn: Turn) -> None:
    """What kind the next question is, or "Klaar"; after ten questions, the preview."""
    survey = _draft(turn)
    if survey is None:
        return
    count = len(survey.questions)
    if count >= MAX_QUESTIONS:
        ask_preview(turn)
        return
    _ = turn._
    turn.goto(State.SURVEY_KIND)
    options = [("🗳️ " + kind_name(kind, _), SurveyKind(kind)) for kind in QuestionKind]
    if count:
        options.append(("➡️ " + _("Klaar, geen vragen meer"), SurveyKind("done")))
    text = _("Vraag {number}: wat voor vraag is het? Het mogen er tien zijn.").format(number=_.number(count + 1))
    turn.say("❓ " + text, button_rows(options))


def choose_kind(turn: Turn, button: SurveyKind) -> None:
    """A kind of question chosen (or "done")."""
    turn.drop_buttons()
    if button.kind == "done":
        ask_preview(turn)
        return
    if _draft(turn) is None:
        return
    turn.draft["kind"] = button.kind
    ask_question(turn)


def ask_question(turn: Turn) -> None:
    """The words of the question."""
    turn.goto(State.SURVEY_QUESTION)
    turn.say("❓ " + turn._("Typ de vraag. Bijvoorbeeld: Wat mist u in uw kern?"))


def read_question(turn: Turn, meaning: Understanding) -> bool:
    """The question's words; a poll's choices follow."""
    if meaning.intent is Intent.STOP:
        return False
    text = turn.text[:MAX_QUESTION_LENGTH]
    if turn.draft.get("kind") == QuestionKind.POLL:
        turn.draft["text"] = text
        ask_options(turn)
        return True
    _add(turn, QuestionKind(turn.draft.get("kind", QuestionKind.OPEN)), text, [])
    return True


def ask_options(turn: Turn) -> None:
    """A poll's choices, one per line."""
    turn.goto(State.SURVEY_OPTIONS)
    turn.say("🗳️ " + turn._("Typ de antwoorden waaruit men kiest. Zet elk antwoord op een eigen regel. Twee tot tien."))


def read_options(turn: Turn, meaning: Understanding) -> bool:
    """Two to ten choices."""
    if meaning.intent is Intent.STOP:
        return False
    options = poll_options(turn.text)
    if not options_fit(options):
        return ask_again(turn, meaning, turn._("Typ twee tot tien antwoorden, elk op een eigen regel."), ask_options)
    _add(turn, QuestionKind.POLL, turn.draft.pop("text", ""), options)
    return True


def _add(turn: Turn, kind: QuestionKind, text: str, options: list[str]) -> None:
    survey_id = turn.draft.get("survey_id", 0)
    turn.draft.pop("kind", None)
    added = add_question(
        turn.session, survey_id=survey_id, coordinator_id=turn.user_id, kind=kind, text=text, options=options
    )
    if added is None:
        _lost(turn)
        return
    ask_kind(turn)


def ask_preview(turn: Turn) -> None:
    """The survey as a whole, and whether to send it."""
    survey = _draft(turn)
    if survey is None:
        return
    _ = turn._
    turn.goto(State.SURVEY_PREVIEW)
    options = [("✅ " + _("Versturen"), PublishSurvey("yes")), ("❌ " + _("Niet versturen"), PublishSurvey("no"))]
    question = _("Naar de bewoners sturen die nieuws uit hun buurt willen?")
    turn.say(_("Zo ziet de enquête eruit:") + "\n\n" + preview(survey, _) + "\n\n" + question, button_rows(options))


def publish(turn: Turn, button: PublishSurvey) -> None:
    """ "Versturen" or "Niet versturen"."""
    if button.answer == "yes":
        _publish(turn)
    else:
        _not_sent(turn)


def read_preview(turn: Turn, meaning: Understanding) -> bool:
    """A typed yes or no."""
    if meaning.intent is Intent.NO:
        _not_sent(turn)
        return True
    if meaning.intent is not Intent.YES:
        return ask_again(turn, meaning, turn._("Typ ja om te versturen, of nee."), ask_preview)
    _publish(turn)
    return True


def _publish(turn: Turn) -> None:
    survey_id = turn.draft.get("survey_id", 0)
    turn.end()
    published = publish_survey(
        turn.session, survey_id=survey_id, coordinator_id=turn.user_id, now=turn.now, settings=turn.runtime.settings
    )
    if published is None:
        refuse(turn)
        return
    _ = turn._
    survey = published.survey
    lines = [
        "✅ " + _("De enquête {title} is klaar.").format(title=escape(survey.title)),
        "📅 " + period_text(survey, _),
        _.plural(
            "Hij gaat naar {count} bewoner. Wie niet klaar is, krijgt één keer een seintje.",
            "Hij gaat naar {count} bewoners. Wie niet klaar is, krijgt één keer een seintje.",
            published.residents,
        ).format(count=_.number(published.residents)),
        _("De uitslag ziet u met /enquete uitslag."),
    ]
    turn.acknowledge("\n".join(lines))


def _not_sent(turn: Turn) -> None:
    turn.end()
    turn.acknowledge(turn._("De enquête is niet verstuurd."))


def _draft(turn: Turn) -> SurveyView | None:
    survey = survey_draft(turn.session, survey_id=turn.draft.get("survey_id", 0), coordinator_id=turn.user_id)
    if survey is None:
        _lost(turn)
    return survey


def _save(turn: Turn, **fields) -> SurveyView | None:
    survey_id = turn.draft.get("survey_id", 0)
    survey = update_survey(turn.session, survey_id=survey_id, coordinator_id=turn.user_id, **fields)
    if survey is None:
        _lost(turn)
    return survey


def _lost(turn: Turn) -> None:
    turn.end()
    turn.say(turn._("Er ging iets mis. Begin opnieuw met /enquete."))


QUESTIONS = {
    State.SURVEY_MUNICIPALITY: Question(Expecting.PLACE, read_municipality, ask_municipality, for_work=True),
    State.SURVEY_TITLE: Question(Expecting.FREE_TEXT, read_title, ask_title, for_work=True),
    State.SURVEY_AREA: Question(Expecting.PLACE, read_area, ask_area, for_work=True),
    State.SURVEY_START: Question(Expecting.DAY, read_start, ask_start, for_work=True),
    State.SURVEY_END: Question(Expecting.DAY, read_end, ask_end, for_work=True),
    State.SURVEY_KIND: Question(Expecting.CHOICE, buttons_only, ask_kind, for_work=True),
    State.SURVEY_QUESTION: Question(Expecting.FREE_TEXT, read_question, ask_question, for_work=True),
    State.SURVEY_OPTIONS: Question(Expecting.FREE_TEXT, read_options, ask_options, for_work=True),
    State.SURVEY_PREVIEW: Question(Expecting.YES_NO, read_preview, ask_preview, for_work=True),
}
