"""A resident asks for help: what, where, when, anything else, confirm. One question per message.

The draft lives in the conversation row (JSON): `details` (their own words), `category`, `suggested` (what a typed
"ja" means), `when_kind` and `when_date` (ISO), `details_done`, `on_behalf_name`, and for a message with two
needs `second` (the category of the second) and `second_words` (the message), offered once the first is sent.
"""

from __future__ import annotations

from datetime import date
from html import escape

from bot.buttons import ChooseCategory, ChooseWhen, ConfirmRequest, OnBehalf, SecondNeed, SkipDetails
from bot.dates import WHEN_CHOICES, date_for_choice, parse_date
from bot.flows import call_back
from bot.flows.menu import call_me_markup
from bot.flows.place_picker import ask_place, place_from_text, remember_place
from bot.flows.questions import Question
from bot.flows.states import State
from bot.flows.turn import Turn
from bot.i18n import N_
from bot.matching import CONFIDENT
from bot.render.keyboards import button_rows
from bot.render.requests import WHEN_LABELS, category_label, summary
from bot.services.catalogue import all_categories, category_of
from bot.services.requests import create_request, preview_request
from bot.understanding import Expecting, Intent, Understanding, default_vocabulary

CLOSE_CALL_MARGIN = 15
GUESSES = 3
RECENT_SECONDS = 5
"""A "nee" this soon after "Klopt dit?" was probably meant for the question before: ask once more."""


def start(turn: Turn) -> None:
    """`/hulp` or "Ik zoek hulp": a fresh request, asked in the resident's own words."""
    turn.drop_buttons()
    turn.end()
    if over_daily_limit(turn):
        return
    ask_open_question(turn)


def over_daily_limit(turn: Turn) -> bool:
    """True (and the resident is told kindly) when they already sent today's number of requests."""
    per_day = turn.runtime.settings.requests_per_day
    if turn.requests_today < per_day:
        return False
    _ = turn._
    text = _.plural(
        "U heeft vandaag al {count} vraag gestuurd. Dat is het maximum per dag.",
        "U heeft vandaag al {count} vragen gestuurd. Dat is het maximum per dag.",
        per_day,
    ).format(count=per_day)
    text += " " + _("Morgen kunt u weer een vraag sturen. Is het dringend? Druk op 'Bel mij terug'.")
    turn.end()
    turn.say("✋ " + text, call_me_markup(_))
    return True


def _extra_choices(turn: Turn) -> list[tuple[str, ChooseCategory]]:
    _ = turn._
    return [
        ("🔁 " + _("Iets anders"), ChooseCategory("other")),
        ("🤷 " + _("Ik weet het niet"), ChooseCategory("unknown")),
    ]


def ask_open_question(turn: Turn) -> None:
    """What do you need? In your own words; all kinds of help behind one button, and "Ik weet het niet"."""
    _ = turn._
    turn.goto(State.ASK_CATEGORY)
    turn.draft.pop("suggested", None)
    options = [
        ("📋 " + _("Alle soorten hulp"), ChooseCategory("all")),
        ("🤷 " + _("Ik weet het niet"), ChooseCategory("unknown")),
    ]
    turn.say("🙂 " + _("Waarmee kunnen wij u helpen? Vertel het in uw eigen woorden."), button_rows(options))


def show_all_categories(turn: Turn) -> None:
    """Every kind of help as a button (behind "Alle soorten hulp")."""
    _ = turn._
    turn.goto(State.ASK_CATEGORY)
    options = [(category_label(c, _), ChooseCategory(c.slug)) for c in all_categories(turn.session)]
    options.append(("🤷 " + _("Ik weet het niet"), ChooseCategory("unknown")))
    turn.drop_buttons()
    turn.say("📋 " + _("Kies wat het beste past."), button_rows(options, per_row=2))


def understand(turn: Turn, meaning: Understanding) -> None:
    """A help request in their own words: confirm the clear guess, or offer the three closest."""
    if over_daily_limit(turn):
        return
    text = turn.text
    turn.end()
    draft = turn.draft
    _take_words(turn, text)
    if meaning.second is not None:
        draft["second"], draft["second_words"] = meaning.second, text
    matches = list(meaning.matches)
    if not matches:
        ask_open_question(turn)
        return
    _ = turn._
    categories = {c.slug: c for c in all_categories(turn.session)}
    top_slug, top_score = matches[0]
    # A second need is no close call: it is offered after the first ("... en ook de tuin bijhouden").
    rivals = [score for slug, score in matches[1:] if slug != meaning.second]
    clear = top_score >= CONFIDENT and (not rivals or rivals[0] <= top_score - CLOSE_CALL_MARGIN)
    if clear:
        question = _("Ik denk dat u hulp zoekt bij: {category}. Klopt dat?").format(
            category=category_label(categories[top_slug], _)
        )
        options = [("✅ " + _("Ja"), ChooseCategory(top_slug))]
    else:
        question = _("Waar zoekt u hulp bij? Kies wat het beste past.")
        options = [(category_label(categories[slug], _), ChooseCategory(slug)) for slug, _score in matches[:GUESSES]]
    if clear or len(matches) == 1:
        draft["suggested"] = top_slug  # what a typed "ja" means
    turn.goto(State.ASK_CATEGORY)
    turn.say("🤔 " + question, button_rows([*options, *_extra_choices(turn)]))


def _take_words(turn: Turn, text: str) -> None:
    """The request in their own words, with the day they name in it ("morgen", "vrijdag")."""
    turn.draft["details"] = text
    found = parse_date_in_sentence(text, turn.today, turn._.locale)
    if found:
        kind = next((kind for kind in ("today", "tomorrow") if date_for_choice(kind, turn.today) == found), "date")
        _set_when(turn, kind, found)


def parse_date_in_sentence(text: str, today: date, language: str) -> date | None:
    """A day named in a request ("morgen", "vrijdag"); only whole words, never a guess from numbers."""
    word = default_vocabulary().day_in(text)
    return parse_date(word, today, language) if word else None


def read_category(turn: Turn, meaning: Understanding) -> bool:
    """Typed text at the category question: "ja" to a suggestion, "nee", or a (new) description."""
    suggested = turn.draft.get("suggested")
    if suggested and meaning.intent is Intent.YES:
        take_category(turn, suggested)
        return True
    if meaning.intent is Intent.NO:
        ask_open_question(turn)
        return True
    if meaning.intent is Intent.HELP_REQUEST:
        understand(turn, meaning)
        return True
    return False


def choose_category(turn: Turn, button: ChooseCategory) -> None:
    """A category button: take it, show them all, something else, or hand over to a call-back."""
    if button.choice == "other":
        turn.drop_buttons()
        ask_open_question(turn)
    elif button.choice == "all":
        show_all_categories(turn)
    elif button.choice == "unknown":
        turn.drop_buttons()
        call_back.ask_phone(turn)
    else:
        take_category(turn, button.choice)


def take_category(turn: Turn, slug: str) -> None:
    """The kind of help is known: say so, then ask what is still missing."""
    category = category_of(turn.session, slug)
    if category is None:
        ask_open_question(turn)
        return
    turn.draft["category"] = category.slug
    turn.draft.pop("suggested", None)
    turn.acknowledge("✅ " + category_label(category, turn._))
    next_question(turn)


def next_question(turn: Turn) -> None:
    """Ask only what is still missing: where, when, details; then the summary."""
    draft = turn.draft
    if "category" not in draft:  # the draft is gone (e.g. erased by /vergeetmij): start again
        ask_open_question(turn)
    elif turn.profile.neighbourhood_slug is None:
        ask_place(turn, State.ASK_PLACE)
    elif "when_kind" not in draft:
        ask_when(turn)
    elif "details_done" not in draft:
        ask_details(turn)
    else:
        ask_confirm(turn)


def take_place(turn: Turn, slug: str) -> bool:
    """The neighbourhood of the request (button, typed name or shared location)."""
    name = remember_place(turn, slug)
    if name is None:
        return False
    turn.acknowledge("📍 " + escape(name))
    next_question(turn)
    return True


def read_place(turn: Turn, meaning: Understanding) -> bool:
    """A typed kern or wijk."""
    slug = place_from_text(turn, turn.text)
    return slug is not None and take_place(turn, slug)


def ask_when(turn: Turn) -> None:
    _ = turn._
    turn.goto(State.ASK_WHEN)
    options = [
        (f"{emoji} {_(WHEN_LABELS[kind])}", ChooseWhen(kind))
        for emoji, kind in zip(("📅", "📆", "🗓️", "🤷"), WHEN_CHOICES, strict=True)
    ]
    turn.say(
        "📅 " + _("Wanneer heeft u hulp nodig? U mag ook een dag typen, bijvoorbeeld: vrijdag."),
        button_rows(options, per_row=2),
    )


def choose_when(turn: Turn, button: ChooseWhen) -> None:
    _set_when(turn, button.kind, date_for_choice(button.kind, turn.today))
    turn.acknowledge("📅 " + turn._(WHEN_LABELS[button.kind]))
    next_question(turn)


def read_when(turn: Turn, meaning: Understanding) -> bool:
    """A typed day: a date, one of the button words, or "maakt niet uit"."""
    text = turn.text.lower()
    _ = turn._
    kind = next((kind for kind in WHEN_CHOICES if text == _(WHEN_LABELS[kind]).lower()), None)
    if kind is not None:
        _set_when(turn, kind, date_for_choice(kind, turn.today))
    elif default_vocabulary().any_day_will_do(text):
        _set_when(turn, "any", None)
    else:
        found = parse_date(text, turn.today, _.locale) if meaning.intent is Intent.ANSWER else None
        if found is None:
            return False
        _set_when(turn, "date", found)
    next_question(turn)
    return True


def _set_when(turn: Turn, kind: str, day: date | None) -> None:
    turn.draft["when_kind"] = kind
    turn.draft["when_date"] = day.isoformat() if day else None


def _when_date(turn: Turn) -> date | None:
    value = turn.draft.get("when_date")
    return date.fromisoformat(value) if value else None


def ask_details(turn: Turn) -> None:
    _ = turn._
    turn.goto(State.ASK_DETAILS)
    if turn.draft.get("details"):
        question = _("Wilt u nog iets vertellen? Bijvoorbeeld hoe laat. Typ het hier.")
        label = "➡️ " + _("Nee, verder")
    else:
        question = _("Vertel kort wat u nodig heeft. Typ het hier.")
        label = "➡️ " + _("Overslaan")
    turn.say("💬 " + question, button_rows([(label, SkipDetails("skip"))]))


def read_details(turn: Turn, meaning: Understanding) -> bool:
    """More words for the volunteer; "nee" goes on, "ja" asks to type it."""
    draft = turn.draft
    if meaning.intent is Intent.YES:
        turn.say("💬 " + turn._("Typ het maar."))  # "Ja" to "Wilt u nog iets vertellen?"
        return True
    if meaning.intent not in (Intent.NO, Intent.ANSWER, Intent.HELP_REQUEST):
        return False
    if meaning.intent is not Intent.NO:
        draft["details"] = "\n".join(part for part in (draft.get("details", ""), turn.text) if part)
    draft["details_done"] = True
    next_question(turn)
    return True


def skip_details(turn: Turn, button: SkipDetails) -> None:
    turn.drop_buttons()
    turn.draft["details_done"] = True
    next_question(turn)


def ask_confirm(turn: Turn) -> None:
    """Show what will be sent and ask to confirm."""
    _ = turn._
    draft = turn.draft
    turn.goto(State.ASK_CONFIRM)
    preview = preview_request(
        turn.session,
        category_slug=draft["category"],
        neighbourhood_slug=turn.profile.neighbourhood_slug,
        when_kind=draft["when_kind"],
        when_date=_when_date(turn),
        details=draft.get("details", ""),
    )
    options = [
        ("✅ " + _("Ja, versturen"), ConfirmRequest("yes")),
        ("❌ " + _("Nee, stoppen"), ConfirmRequest("no")),
        ("👪 " + _("Voor iemand anders"), OnBehalf("start")),
    ]
    behalf = draft.get("on_behalf_name")
    for_whom = "\n👪 " + _("Voor: {name}").format(name=escape(behalf)) if behalf else ""
    turn.say(
        _("Dit is uw vraag:") + "\n\n" + summary(preview, _) + for_whom + "\n\n" + _("Klopt dit?"), button_rows(options)
    )


def confirm(turn: Turn, button: ConfirmRequest) -> None:
    """The "Ja, versturen" or "Nee, stoppen" button under the summary."""
    send_or_drop(turn, wanted=button.answer == "yes")


def read_confirm(turn: Turn, meaning: Understanding) -> bool:
    """A typed yes or no to "Klopt dit?"; a quick "nee" is checked once (it may be meant for the question before)."""
    if meaning.intent is Intent.YES:
        send_or_drop(turn, wanted=True)
        return True
    if meaning.intent is not Intent.NO:
        return False
    asked = turn.conversation.updated_at
    just_asked = asked is not None and (turn.now - asked).total_seconds() < RECENT_SECONDS
    if just_asked and turn.conversation.misunderstood == 0 and not turn.draft.get("checked"):
        turn.draft["checked"] = True
        _ = turn._
        options = [
            ("✅ " + _("Ja, versturen"), ConfirmRequest("yes")),
            ("❌ " + _("Nee, stoppen"), ConfirmRequest("no")),
        ]
        turn.say(_("Wilt u deze vraag dus niet versturen?"), button_rows(options))
        return True
    send_or_drop(turn, wanted=False)
    return True


def send_or_drop(turn: Turn, *, wanted: bool) -> None:
    """Store the request and say where it went (or say it was not sent)."""
    _ = turn._
    draft = dict(turn.draft)
    turn.end()
    if not wanted or "category" not in draft or turn.profile.neighbourhood_slug is None:
        turn.acknowledge(_("Uw vraag is niet verstuurd. Typ gerust een nieuwe vraag."))
        return
    if over_daily_limit(turn):
        turn.drop_buttons()
        return
    placement = create_request(
        turn.session,
        resident_id=turn.user_id,
        category_slug=draft["category"],
        neighbourhood_slug=turn.profile.neighbourhood_slug,
        when_kind=draft["when_kind"],
        when_date=date.fromisoformat(draft["when_date"]) if draft.get("when_date") else None,
        details=draft.get("details", ""),
        now=turn.now,
        settings=turn.runtime.settings,
        on_behalf_name=draft.get("on_behalf_name"),
    )
    if placement.to_group:
        text = _("Dank u wel. Uw vraag staat klaar voor de vrijwilligers in {place}.").format(
            place=escape(placement.place_name)
        )
        text += " " + _("U krijgt een bericht als iemand helpt.")
    else:
        text = _("Dank u wel. Uw vraag is naar de coördinator gestuurd. Die neemt contact met u op.")
    turn.acknowledge("✅ " + text)
    second = draft.get("second")
    if second and second != draft["category"] and category_of(turn.session, second) is not None:
        turn.draft.update(second=second, second_words=draft.get("second_words", ""))
        ask_second_need(turn)


def ask_second_need(turn: Turn) -> None:
    """After the first request is sent: offer a request for the second need the message named."""
    _ = turn._
    category = category_of(turn.session, turn.draft["second"])
    turn.goto(State.SECOND_NEED)
    options = [("✅ " + _("Ja"), SecondNeed("yes")), ("❌ " + _("Nee"), SecondNeed("no"))]
    turn.say(
        "➕ "
        + _("U vroeg ook om hulp met: {category}. Zal ik daar ook een vraag van maken?").format(
            category="<b>" + escape(category_label(category, _)) + "</b>"
        ),
        button_rows(options, per_row=2),
    )


def choose_second_need(turn: Turn, button: SecondNeed) -> None:
    """The "Ja" or "Nee" under the offer of a second request."""
    take_second_need(turn, wanted=button.answer == "yes")


def read_second_need(turn: Turn, meaning: Understanding) -> bool:
    """A typed yes or no to the offer of a second request."""
    if meaning.intent not in (Intent.YES, Intent.NO):
        return False
    take_second_need(turn, wanted=meaning.intent is Intent.YES)
    return True


def take_second_need(turn: Turn, *, wanted: bool) -> None:
    """Yes: a new request for the second need, from the same words, asking only what is missing; no: done."""
    _ = turn._
    second, words = turn.draft.get("second"), turn.draft.get("second_words", "")
    turn.end()
    if not wanted or second is None:
        turn.acknowledge(
            "👍 " + _("Goed, dan maak ik geen tweede vraag.") + " " + _("Heeft u nog een vraag? Typ het gerust.")
        )
        return
    if over_daily_limit(turn):
        turn.drop_buttons()
        return
    _take_words(turn, words)
    take_category(turn, second)


QUESTIONS = {
    State.ASK_CATEGORY: Question(Expecting.CHOICE, read_category, ask_open_question, new_request=True),
    State.ASK_PLACE: Question(
        Expecting.PLACE,
        read_place,
        lambda turn: ask_place(turn, State.ASK_PLACE),
        unclear=N_("Die plaats ken ik niet."),
    ),
    State.ASK_WHEN: Question(Expecting.DAY, read_when, ask_when),
    State.ASK_DETAILS: Question(Expecting.FREE_TEXT, read_details, ask_details),
    State.ASK_CONFIRM: Question(Expecting.YES_NO, read_confirm, ask_confirm),
    State.SECOND_NEED: Question(Expecting.YES_NO, read_second_need, ask_second_need, new_request=True),
}
