"""`/activiteit`: a coordinator announces an activity, one question per message, then preview and publish.

The organiser of a werkgroep announces the same way, for their own kern only: the question "for which kernen" is
not asked.

The activity is a draft in the database from the first answer on; the conversation's draft holds only its id
(`activity_id`). Every question with buttons also takes a typed answer: a municipality or kern name, "geen
limiet", "gratis", "ja" or "nee" (the words in data/activity_answers.toml).
"""

from __future__ import annotations

import re
from html import escape

from telegram import InlineKeyboardMarkup

from bot.buttons import ActivityArea, ActivityFree, ActivityMunicipality, ActivityNoLimit, PublishActivity
from bot.flows.activity_words import Typed, activity_words
from bot.flows.gates import refuse
from bot.flows.questions import Question, ask_again, named_place
from bot.flows.states import State
from bot.flows.turn import Turn
from bot.render.activities import announcement, manage_markup
from bot.render.keyboards import area_choices, button_rows
from bot.services.access import coordinates, organised_kern, scope_of
from bot.services.activities.drafts import draft_of, start_draft, toggle_area, update_draft
from bot.services.activities.parsing import parse_amount, parse_moment
from bot.services.activities.publishing import Publication, publish_activity
from bot.services.places import areas_of, municipalities, place_of
from bot.services.views import ActivityView
from bot.understanding import Expecting, Intent, Understanding

MAX_TITLE = 100
MAX_TEXT = 500
MAX_PLACE = 200
MAX_CAPACITY = 100_000
NUMBER = re.compile(r"\d+")


# ------------------------------------------------------------------ start: which municipality


def start(turn: Turn) -> None:
    """`/activiteit`: coordinators and organisers; a coordinator of all municipalities first picks one."""
    scope = scope_of(turn.session, turn.user_id)
    kern = organised_kern(turn.session, turn.user_id) if scope is None else None
    if scope is None and kern is None:
        refuse(turn)
        return
    turn.end()
    if kern is not None:
        municipality_slug, kern_slug = kern
        _begin(turn, municipality_slug, (kern_slug,))
    elif scope.is_all:
        ask_municipality(turn)
    else:
        _begin(turn, scope.municipality_slug)


def ask_municipality(turn: Turn) -> None:
    """Which municipality: its name as a button, or typed."""
    _ = turn._
    turn.goto(State.ACT_MUNICIPALITY)
    options = [(place.name, ActivityMunicipality(place.slug)) for place in municipalities(turn.session)]
    turn.say("📣 " + _("In welke gemeente is het? Kies hieronder, of typ de naam."), button_rows(options, per_row=2))


def choose_municipality(turn: Turn, button: ActivityMunicipality) -> None:
    """A coordinator of all municipalities picked one."""
    turn.drop_buttons()
    _begin(turn, button.municipality)


def read_municipality(turn: Turn, meaning: Understanding) -> bool:
    """A typed municipality, or a kern or wijk in it."""
    slug = named_place(municipalities(turn.session), turn.text)
    if slug is None:
        places = (place_of(turn.session, match) for match, _score in turn.runtime.places.match(turn.text))
        slug = next((place.municipality_slug for place in places if place is not None), None)
    if slug is None:
        hint = turn._("Die gemeente ken ik niet.") + " " + turn._("Kies een van de knoppen.")
        return ask_again(turn, meaning, hint, ask_municipality)
    _begin(turn, slug)
    return True


def _begin(turn: Turn, municipality_slug: str, neighbourhoods: tuple[str, ...] = ()) -> None:
    activity = start_draft(
        turn.session,
        coordinator_id=turn.user_id,
        municipality_slug=municipality_slug,
        neighbourhoods=neighbourhoods,
        now=turn.now,
    )
    if activity is None:
        turn.end()
        refuse(turn)
        return
    turn.draft["activity_id"] = activity.id
    ask_title(turn)


# ------------------------------------------------------------------ name, words, moment, place


def ask_title(turn: Turn) -> None:
    """The activity's name."""
    turn.goto(State.ACT_TITLE)
    turn.say("📣 " + turn._("Wat is de naam van de activiteit? Bijvoorbeeld: Samen eten."))


def read_title(turn: Turn, meaning: Understanding) -> bool:
    """The activity's name."""
    if meaning.intent is Intent.STOP:
        return False
    if _save(turn, title=turn.text[:MAX_TITLE]) is not None:
        ask_description(turn)
    return True


def ask_description(turn: Turn) -> None:
    """What there is to do."""
    turn.goto(State.ACT_DESCRIPTION)
    turn.say("📝 " + turn._("Vertel in een paar zinnen wat er te doen is."))


def read_description(turn: Turn, meaning: Understanding) -> bool:
    """What there is to do, in a few sentences."""
    if meaning.intent is Intent.STOP:
        return False
    if _save(turn, description=turn.text[:MAX_TEXT]) is not None:
        ask_when(turn)
    return True


def ask_when(turn: Turn) -> None:
    """The day and the time."""
    turn.goto(State.ACT_WHEN)
    turn.say("📅 " + turn._("Wanneer is het? Typ de dag en de tijd. Bijvoorbeeld: vrijdag 18:00."))


def read_when(turn: Turn, meaning: Understanding) -> bool:
    """The day and time; it must lie in the future."""
    _ = turn._
    moment = parse_moment(turn.text, turn.today, turn.runtime.settings.time_zone, _.locale)
    if moment is None:
        hint = _("Dat begrijp ik niet. Typ een dag en een tijd. Bijvoorbeeld: 24 november 14:30.")
        return ask_again(turn, meaning, hint, ask_when)
    if moment <= turn.now:
        return ask_again(turn, meaning, _("Dat moment is al voorbij. Typ een dag en een tijd die nog komen."), ask_when)
    if _save(turn, starts_at=moment) is not None:
        turn.preface("📅 " + escape(_.moment(moment)))
        ask_place(turn)
    return True


def ask_place(turn: Turn) -> None:
    """Where it is: a building, an address."""
    turn.goto(State.ACT_PLACE)
    turn.say("📍 " + turn._("Waar is het? Bijvoorbeeld: Gemeenschapshuis, Hoofdstraat 1."))


def read_place(turn: Turn, meaning: Understanding) -> bool:
    """Where it is."""
    if meaning.intent is Intent.STOP:
        return False
    activity = _save(turn, place=turn.text[:MAX_PLACE])
    if activity is None:
        return True
    if coordinates(turn.session, turn.user_id, activity.municipality_slug):
        _ask_area(turn, activity)
    else:  # an organiser: their own kern, already chosen
        ask_capacity(turn)
    return True


# ------------------------------------------------------------------ for which kernen and wijken


def ask_area(turn: Turn) -> None:
    """Ask (again) for which kernen or wijken, with the ones chosen so far ticked."""
    activity = _draft(turn)
    if activity is not None:
        _ask_area(turn, activity)


def _ask_area(turn: Turn, activity: ActivityView) -> None:
    turn.goto(State.ACT_AREA)
    text = "🏘️ " + turn._("Voor welke wijken of kernen? Kies er een of meer, of de hele gemeente.")
    turn.say(text + " " + turn._("U mag ook een naam typen."), _area_markup(turn, activity))


def _area_markup(turn: Turn, activity: ActivityView) -> InlineKeyboardMarkup:
    areas = areas_of(turn.session, activity.municipality_slug)
    return area_choices(areas, activity.neighbourhoods, ActivityArea, turn._)


def choose_area(turn: Turn, button: ActivityArea) -> None:
    """Tick or untick a kern or wijk, take the whole municipality, or go on."""
    if button.choice in ("all", "done"):
        turn.drop_buttons()
        _areas_chosen(turn, whole=button.choice == "all")
        return
    activity_id = turn.draft.get("activity_id", 0)
    if draft_of(turn.session, activity_id=activity_id, coordinator_id=turn.user_id) is None:
        _lost(turn)
        return
    toggled = toggle_area(turn.session, activity_id=activity_id, coordinator_id=turn.user_id, area_slug=button.choice)
    if toggled is None:  # not a kern or wijk of this municipality
        turn.answer(turn._("Deze knop werkt niet meer."))
        return
    turn.edit_buttons(_area_markup(turn, toggled))


def read_area(turn: Turn, meaning: Understanding) -> bool:
    """A typed kern or wijk (added), "hele gemeente", or "klaar"/"ja" to go on."""
    words = activity_words()
    if words.says(Typed.WHOLE_MUNICIPALITY, turn.text):
        _areas_chosen(turn, whole=True)
        return True
    if words.says(Typed.DONE, turn.text) or meaning.intent is Intent.YES:
        _areas_chosen(turn, whole=False)
        return True
    activity = _draft(turn)
    if activity is None:
        return True
    areas = areas_of(turn.session, activity.municipality_slug)
    slug = named_place(areas, turn.text) or next(
        (match for match, _score in turn.runtime.places.match(turn.text) if match in {a.slug for a in areas}), None
    )
    if slug is None:
        hint = turn._("Die plaats ken ik niet.") + " " + turn._("Kies een van de knoppen.")
        return ask_again(turn, meaning, hint, ask_area)
    if slug not in activity.neighbourhoods:
        activity = (
            toggle_area(turn.session, activity_id=activity.id, coordinator_id=turn.user_id, area_slug=slug) or activity
        )
    _ask_area(turn, activity)
    return True


def _areas_chosen(turn: Turn, *, whole: bool) -> None:
    """Go on to the number of people; the whole municipality when asked, or when nothing is ticked."""
    activity = _save(turn, neighbourhoods=[]) if whole else _draft(turn)
    if activity is not None:
        ask_capacity(turn)


# ------------------------------------------------------------------ how many people, what it costs


def ask_capacity(turn: Turn) -> None:
    """How many people can come, or "Geen maximum"."""
    _ = turn._
    turn.goto(State.ACT_CAPACITY)
    turn.say(
        "👥 " + _("Hoeveel mensen kunnen er komen? Typ een getal."),
        button_rows([("♾️ " + _("Geen maximum"), ActivityNoLimit("none"))]),
    )


def read_capacity(turn: Turn, meaning: Understanding) -> bool:
    """A number of people, or "geen limiet"."""
    found = NUMBER.search(turn.text)
    if found is not None and 0 < int(found.group()) <= MAX_CAPACITY:
        capacity = int(found.group())
    elif activity_words().says(Typed.NO_LIMIT, turn.text):
        capacity = 0
    else:
        return ask_again(turn, meaning, turn._("Typ alleen een getal. Bijvoorbeeld: 20."), ask_capacity)
    if _save(turn, capacity=capacity) is not None:
        ask_cost(turn)
    return True


def no_limit(turn: Turn, button: ActivityNoLimit) -> None:
    """The "Geen maximum" button."""
    turn.drop_buttons()
    if _save(turn, capacity=0) is not None:
        ask_cost(turn)


def ask_cost(turn: Turn) -> None:
    """What it costs, or "Gratis"."""
    _ = turn._
    turn.goto(State.ACT_COST)
    turn.say(
        "💶 " + _("Kost het iets? Typ het bedrag in euro. Bijvoorbeeld: 5."),
        button_rows([("🆓 " + _("Gratis"), ActivityFree("free"))]),
    )


def read_cost(turn: Turn, meaning: Understanding) -> bool:
    """An amount in euro, or "gratis" (or "nee")."""
    if meaning.intent is Intent.NO or activity_words().says(Typed.FREE, turn.text):
        cents = None
    else:
        cents = parse_amount(turn.text)
        if cents is None:
            return ask_again(turn, meaning, turn._("Typ alleen een bedrag. Bijvoorbeeld: 5 of 7,50."), ask_cost)
    if _save(turn, cost_cents=cents or None) is not None:
        ask_preview(turn)
    return True


def free_of_charge(turn: Turn, button: ActivityFree) -> None:
    """The "Gratis" button."""
    turn.drop_buttons()
    if _save(turn, cost_cents=None) is not None:
        ask_preview(turn)


# ------------------------------------------------------------------ preview and publish


def ask_preview(turn: Turn) -> None:
    """Show the activity as residents will see it, and ask to publish it."""
    activity = _draft(turn)
    if activity is None:
        return
    _ = turn._
    turn.goto(State.ACT_PREVIEW)
    options = [("✅ " + _("Publiceren"), PublishActivity("yes")), ("❌ " + _("Niet versturen"), PublishActivity("no"))]
    turn.say(
        _("Zo ziet de activiteit eruit:")
        + "\n\n"
        + announcement(activity, _)
        + "\n\n"
        + _("Versturen naar de groepen en de bewoners?"),
        button_rows(options),
    )


def publish(turn: Turn, button: PublishActivity) -> None:
    """ "Publiceren": the preview becomes the message that shows how far the sending is."""
    if button.answer != "yes":
        _not_sent(turn)
        return
    published = _publish(turn, progress_message_id=turn.message.message_id)
    if published is not None:
        _ = turn._
        line = "📤 " + _("Verstuurd: {done} van {total}").format(done=_.number(0), total=_.number(published.total))
        turn.edit(announcement(published.activity, _) + "\n\n" + line)


def read_preview(turn: Turn, meaning: Understanding) -> bool:
    """A typed yes or no; a typed yes gets the buttons to manage the activity at once."""
    if meaning.intent is Intent.NO:
        _not_sent(turn)
        return True
    if meaning.intent is not Intent.YES:
        return ask_again(turn, meaning, turn._("Typ ja om te versturen, of nee."), ask_preview)
    published = _publish(turn, progress_message_id=None)
    if published is not None:
        _ = turn._
        line = "📤 " + _.plural(
            "Het bericht gaat naar {count} groep of bewoner.",
            "Het bericht gaat naar {count} groepen en bewoners.",
            published.total,
        ).format(count=_.number(published.total))
        turn.say(announcement(published.activity, _) + "\n\n" + line, manage_markup(published.activity.id, _))
    return True


def _publish(turn: Turn, *, progress_message_id: int | None) -> Publication | None:
    activity_id = turn.draft.get("activity_id", 0)
    turn.end()
    published = publish_activity(
        turn.session,
        activity_id=activity_id,
        coordinator_id=turn.user_id,
        progress_chat_id=turn.chat_id,
        progress_message_id=progress_message_id,
        now=turn.now,
    )
    if published is None:
        refuse(turn)
    return published


def _not_sent(turn: Turn) -> None:
    turn.end()
    turn.acknowledge(turn._("De activiteit is niet verstuurd."))


# ------------------------------------------------------------------ helpers


def _draft(turn: Turn) -> ActivityView | None:
    """The draft of this conversation, or None after saying it is gone."""
    activity = draft_of(turn.session, activity_id=turn.draft.get("activity_id", 0), coordinator_id=turn.user_id)
    if activity is None:
        _lost(turn)
    return activity


def _save(turn: Turn, **fields) -> ActivityView | None:
    """Store an answer in the draft; None (after saying so) when the draft is gone."""
    activity = update_draft(
        turn.session, activity_id=turn.draft.get("activity_id", 0), coordinator_id=turn.user_id, **fields
    )
    if activity is None:
        _lost(turn)
    return activity


def _lost(turn: Turn) -> None:
    turn.end()
    turn.say(turn._("Er ging iets mis. Begin opnieuw met /activiteit."))


QUESTIONS = {
    State.ACT_MUNICIPALITY: Question(Expecting.PLACE, read_municipality, ask_municipality, for_work=True),
    State.ACT_TITLE: Question(Expecting.FREE_TEXT, read_title, ask_title, for_work=True),
    State.ACT_DESCRIPTION: Question(Expecting.FREE_TEXT, read_description, ask_description, for_work=True),
    State.ACT_WHEN: Question(Expecting.DAY, read_when, ask_when, for_work=True),
    State.ACT_PLACE: Question(Expecting.FREE_TEXT, read_place, ask_place, for_work=True),
    State.ACT_AREA: Question(Expecting.PLACE, read_area, ask_area, for_work=True),
    State.ACT_CAPACITY: Question(Expecting.NUMBER, read_capacity, ask_capacity, for_work=True),
    State.ACT_COST: Question(Expecting.NUMBER, read_cost, ask_cost, for_work=True),
    State.ACT_PREVIEW: Question(Expecting.YES_NO, read_preview, ask_preview, for_work=True),
}
