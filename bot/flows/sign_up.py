"""`/aanbieden` and "Ik wil helpen": what, where, when, phone, re-integratie, consent; then a coordinator decides.

Every question has buttons and takes a typed answer too ("boodschappen", "klaar", "maandag ochtend", "nee").
The draft lives in the conversation row (JSON), with the fields of `bot.services.volunteers.SignUp`.
"""

from __future__ import annotations

from dataclasses import asdict
from html import escape

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.buttons import SignUpAvailability, SignUpCategory, SignUpConsent, SignUpPlaces, SignUpReintegration
from bot.flows.place_picker import ask_place, place_from_text
from bot.flows.questions import Question
from bot.flows.states import State
from bot.flows.turn import Turn
from bot.i18n import N_, Translator
from bot.matching.normalise import fold, tokens
from bot.render.keyboards import button_rows
from bot.render.requests import category_label
from bot.render.volunteers import DAYS, PARTS, availability_text
from bot.services.catalogue import all_categories
from bot.services.places import place_of
from bot.services.views import CategoryView
from bot.services.volunteers import SignUp, offer_of, submit_sign_up
from bot.understanding import PHONE_NUMBER, Expecting, Intent, Understanding, default_vocabulary
from db.models import VolunteerStatus

CHECK = "✅ "
DONE = "done"
CLOSE_MATCH = 15
"""Typed kinds of help: every category this close to the best match counts ("boodschappen en de tuin")."""


def _offer(turn: Turn) -> SignUp:
    return SignUp(**{key: value for key, value in turn.draft.items() if key in SignUp.__dataclass_fields__})


def _save(turn: Turn, offer: SignUp) -> None:
    turn.draft.update(asdict(offer))


def _toggled(chosen: list[str], choice: str) -> list[str]:
    """`choice` switched off when it was on, else on."""
    return [item for item in chosen if item != choice] + ([] if choice in chosen else [choice])


def _show(turn: Turn, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """In the pressed message (a button) or as a new message (typed)."""
    if turn.update.callback_query is not None and turn.update.callback_query.message is not None:
        turn.edit(text, markup)
    else:
        turn.say(text, markup)


def _says_done(turn: Turn, meaning: Understanding) -> bool:
    """ "Klaar" (the button's word, typed) or "nee" (nothing more)."""
    said = fold(turn.text).strip(" .!")
    return meaning.intent is Intent.NO or said in (fold(turn._("Klaar")), "klaar")


def start(turn: Turn) -> None:
    """Begin (or change) an offer; an existing offer fills in the answers."""
    turn.drop_buttons()
    turn.end()
    existing = offer_of(turn.session, turn.user_id)
    offer = SignUp()
    if existing is not None and existing.status != VolunteerStatus.STOPPED:
        offer = SignUp(
            categories=list(existing.category_slugs),
            areas=list(existing.area_slugs),
            availability=list(existing.availability),
            reintegration=existing.reintegration,
        )
    _save(turn, offer)
    turn.preface("🤝 " + turn._("Fijn dat u wilt helpen! Ik stel u een paar korte vragen. Typ /stop om te stoppen."))
    ask_categories(turn)


# ---------------------------------------------------------------- what


def _volunteer_categories(turn: Turn) -> list[CategoryView]:
    return [category for category in all_categories(turn.session) if category.for_volunteers]


def _category_markup(turn: Turn, chosen: list[str]) -> InlineKeyboardMarkup:
    _ = turn._
    options = [
        ((CHECK if c.slug in chosen else "") + category_label(c, _), SignUpCategory(c.slug))
        for c in _volunteer_categories(turn)
    ]
    options.append(("➡️ " + _("Klaar"), SignUpCategory(DONE)))
    return button_rows(options, per_row=2)


def ask_categories(turn: Turn) -> None:
    turn.goto(State.SIGN_UP_CATEGORIES)
    turn.say(
        "🧰 " + turn._("Waarmee wilt u helpen? Kies er één of meer. Druk daarna op Klaar."),
        _category_markup(turn, _offer(turn).categories),
    )


def toggle_category(turn: Turn, button: SignUpCategory) -> None:
    """A kind of help switches on or off; "Klaar" goes on when at least one is chosen."""
    if button.choice == DONE:
        categories_done(turn)
        return
    offer = _offer(turn)
    if button.choice not in {c.slug for c in _volunteer_categories(turn)}:
        turn.answer(turn._("Deze knop werkt niet meer."))
        return
    offer.categories = _toggled(offer.categories, button.choice)
    _save(turn, offer)
    turn.edit_buttons(_category_markup(turn, offer.categories))


def categories_done(turn: Turn) -> None:
    """ "Klaar": the chosen kinds of help said once more, then where."""
    _ = turn._
    offer = _offer(turn)
    if not offer.categories:
        text = _("Kies eerst minstens één soort hulp.")
        if turn.update.callback_query is not None:
            turn.answer(text, alert=True)
        else:
            turn.preface(text)
            ask_categories(turn)
        return
    labels = [category_label(c, _) for c in _volunteer_categories(turn) if c.slug in offer.categories]
    turn.acknowledge("🧰 " + _("U helpt met: {categories}").format(categories=escape(", ".join(labels))))
    ask_places(turn)


def read_categories(turn: Turn, meaning: Understanding) -> bool:
    """Typed: "klaar", or kinds of help by name ("boodschappen en de tuin"), which are switched on."""
    if _says_done(turn, meaning):
        categories_done(turn)
        return True
    named = _named_categories(turn, meaning)
    if not named:
        return False
    offer = _offer(turn)
    offer.categories += [slug for slug in named if slug not in offer.categories]
    _save(turn, offer)
    ask_categories(turn)
    return True


def _named_categories(turn: Turn, meaning: Understanding) -> list[str]:
    """The kinds of help a typed answer names: by their label, or as the matcher reads them."""
    categories = _volunteer_categories(turn)
    said = " ".join(tokens(turn.text))
    by_label = [c.slug for c in categories if said in {" ".join(tokens(name)) for name in c.names.values()}]
    if by_label:
        return by_label
    slugs = {c.slug for c in categories}
    matches = [(slug, score) for slug, score in meaning.matches if slug in slugs]
    if not matches:
        return []
    best = matches[0][1]
    return [slug for slug, score in matches if score >= best - CLOSE_MATCH]


# ---------------------------------------------------------------- where


def ask_places(turn: Turn) -> None:
    """Where the volunteer wants to help (not where they live)."""
    question = turn._("In welke buurt wilt u helpen? Kies de gemeente, of typ de naam van de wijk of het dorp.")
    ask_place(turn, State.SIGN_UP_PLACES, question)


def take_place(turn: Turn, slug: str) -> bool:
    """One more neighbourhood to help in (button, typed name or shared location)."""
    if place_of(turn.session, slug) is None:
        return False
    offer = _offer(turn)
    if slug not in offer.areas:
        offer.areas.append(slug)
    _save(turn, offer)
    _ = turn._
    names = [place.name for area in offer.areas if (place := place_of(turn.session, area))]
    options = [("➕ " + _("Nog een buurt"), SignUpPlaces("more")), ("➡️ " + _("Klaar"), SignUpPlaces(DONE))]
    turn.goto(State.SIGN_UP_PLACES)
    _show(turn, "📍 " + _("Gekozen: {places}").format(places=escape(", ".join(names))), button_rows(options, 2))
    return True


def places_done(turn: Turn, button: SignUpPlaces) -> None:
    """ "Nog een buurt" shows the municipalities again; "Klaar" goes on."""
    turn.drop_buttons()
    if button.action == "more" or not _offer(turn).areas:
        ask_places(turn)
    else:
        ask_availability(turn)


def read_places(turn: Turn, meaning: Understanding) -> bool:
    """Typed: "klaar" (with a place chosen), or the name of a kern or wijk."""
    if _offer(turn).areas and _says_done(turn, meaning):
        ask_availability(turn)
        return True
    slug = place_from_text(turn, turn.text)
    return slug is not None and take_place(turn, slug)


# ---------------------------------------------------------------- when


def _availability_markup(turn: Turn, chosen: list[str]) -> InlineKeyboardMarkup:
    _ = turn._

    def button(key: str, label: str) -> InlineKeyboardButton:
        text = (CHECK if key in chosen else "") + _(label)
        return InlineKeyboardButton(text, callback_data=SignUpAvailability(key).pack())

    days = [button(key, label) for key, label in DAYS.items()]
    parts = [button(key, label) for key, label in PARTS.items()]
    done = InlineKeyboardButton("➡️ " + _("Klaar"), callback_data=SignUpAvailability(DONE).pack())
    return InlineKeyboardMarkup([days[:4], days[4:], parts, [done]])


def ask_availability(turn: Turn) -> None:
    turn.goto(State.SIGN_UP_AVAILABILITY)
    turn.say(
        "🗓️ " + turn._("Wanneer kunt u meestal? Kies dagen en dagdelen. Druk daarna op Klaar."),
        _availability_markup(turn, _offer(turn).availability),
    )


def toggle_availability(turn: Turn, button: SignUpAvailability) -> None:
    """A day or a part of the day switches on or off; "Klaar" goes on (nothing chosen: any time)."""
    offer = _offer(turn)
    if button.choice == DONE:
        availability_done(turn)
        return
    if button.choice not in DAYS and button.choice not in PARTS:
        turn.answer(turn._("Deze knop werkt niet meer."))
        return
    offer.availability = _toggled(offer.availability, button.choice)
    _save(turn, offer)
    turn.edit_buttons(_availability_markup(turn, offer.availability))


def availability_done(turn: Turn) -> None:
    turn.acknowledge("🗓️ " + escape(availability_text(_offer(turn).availability, turn._)))
    ask_phone(turn)


def read_availability(turn: Turn, meaning: Understanding) -> bool:
    """Typed: days and parts of the day ("maandag en woensdag ochtend"), "klaar", or "maakt niet uit"."""
    offer = _offer(turn)
    if default_vocabulary().any_day_will_do(turn.text):
        offer.availability = []
        _save(turn, offer)
        availability_done(turn)
        return True
    if _says_done(turn, meaning):
        availability_done(turn)
        return True
    named = _named_moments(turn)
    if not named:
        return False
    offer.availability += [key for key in named if key not in offer.availability]
    _save(turn, offer)
    ask_availability(turn)
    return True


def _named_moments(turn: Turn) -> list[str]:
    """The keys of the days and parts of the day a typed answer names (also "ma", "'s avonds", dialect)."""
    _ = turn._
    days = default_vocabulary().days
    words: dict[str, str] = {}
    for labels in (DAYS, PARTS):
        for key, label in labels.items():
            for form in {fold(label), fold(_(label))}:
                words[form] = words[form + "s"] = key  # "avond", "'s avonds"
            words[key] = key
    named: list[str] = []
    for word in tokens(turn.text):
        key = words.get(word) or words.get(days.get(word, ""))
        if key is not None and key not in named:
            named.append(key)
    return named


# ---------------------------------------------------------------- phone


def _skip_label(_: Translator) -> str:
    return "⏭️ " + _("Overslaan")


def ask_phone(turn: Turn) -> None:
    """Telegram's share-contact button; a typed number works too, and skipping is fine."""
    _ = turn._
    turn.goto(State.SIGN_UP_PHONE)
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("📞 " + _("Deel mijn nummer"), request_contact=True)], [_skip_label(_)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    turn.say("📞 " + _("Mag de coördinator u bellen? Deel dan uw nummer. Dat hoeft niet."), keyboard)


def read_phone(turn: Turn, meaning: Understanding) -> bool:
    """A typed number, or "Overslaan" / "nee"."""
    _ = turn._
    text = turn.text
    if PHONE_NUMBER.match(text):
        take_phone(turn, text)
        return True
    if (
        text == _skip_label(_)
        or fold(text).strip(" .!") in (fold(_("Overslaan")), "overslaan")
        or (meaning.intent is Intent.NO)
    ):
        take_phone(turn, None)
        return True
    return False


def take_phone(turn: Turn, phone: str | None) -> None:
    """The number (a shared contact or typed), or none; then the question about re-integratie."""
    offer = _offer(turn)
    offer.phone = phone
    _save(turn, offer)
    turn.say("👍 " + turn._("Dank u."), ReplyKeyboardRemove())
    ask_reintegration(turn)


# ---------------------------------------------------------------- re-integratie and consent


def ask_reintegration(turn: Turn) -> None:
    _ = turn._
    turn.goto(State.SIGN_UP_REINTEGRATION)
    options = [("✅ " + _("Ja"), SignUpReintegration("yes")), ("❌ " + _("Nee"), SignUpReintegration("no"))]
    turn.say(
        "📋 "
        + _("Doet u dit via re-integratie, bijvoorbeeld via Kompas of het UWV? Dan kunnen wij uw uren doorgeven."),
        button_rows(options, per_row=2),
    )


def choose_reintegration(turn: Turn, button: SignUpReintegration) -> None:
    turn.drop_buttons()
    take_reintegration(turn, button.answer == "yes")


def read_reintegration(turn: Turn, meaning: Understanding) -> bool:
    """A typed yes or no."""
    if meaning.intent not in (Intent.YES, Intent.NO):
        return False
    take_reintegration(turn, meaning.intent is Intent.YES)
    return True


def take_reintegration(turn: Turn, reintegration: bool) -> None:
    offer = _offer(turn)
    offer.reintegration = reintegration
    _save(turn, offer)
    ask_consent(turn)


def code_of_conduct(_: Translator) -> str:
    """The short code of conduct and privacy text, in plain words."""
    return "\n".join(
        [
            "📜 <b>" + _("Onze afspraken") + "</b>",
            "• " + _("U bent vriendelijk en betrouwbaar."),
            "• " + _("U vraagt geen geld voor uw hulp."),
            "• " + _("U vertelt niemand iets over de bewoner."),
            "• " + _("Kunt u toch niet? Druk dan op tijd op 'Ik kan toch niet'."),
            "• " + _("Gaat er iets mis? Neem contact op met de coördinator."),
            "",
            "🔒 <b>" + _("Uw gegevens") + "</b>",
            _("Wij bewaren uw naam, buurt, tijden en nummer. Uw nummer ziet alleen de coördinator."),
            _("Wilt u stoppen? Typ /aanbod. Dan kunt u stoppen of pauzeren."),
            "",
            _("Gaat u akkoord?"),
        ]
    )


def ask_consent(turn: Turn) -> None:
    _ = turn._
    turn.goto(State.SIGN_UP_CONSENT)
    options = [("✅ " + _("Ik ga akkoord"), SignUpConsent("yes")), ("❌ " + _("Liever niet"), SignUpConsent("no"))]
    turn.say(code_of_conduct(_), button_rows(options))


def choose_consent(turn: Turn, button: SignUpConsent) -> None:
    take_consent(turn, agreed=button.answer == "yes")


def read_consent(turn: Turn, meaning: Understanding) -> bool:
    """A typed yes or no to the agreement."""
    if meaning.intent not in (Intent.YES, Intent.NO):
        return False
    take_consent(turn, agreed=meaning.intent is Intent.YES)
    return True


def take_consent(turn: Turn, *, agreed: bool) -> None:
    """Agreed: store the offer; the coordinators decide. Not agreed: nothing is kept. The agreement stays readable."""
    _ = turn._
    offer = _offer(turn)
    turn.end()
    if not agreed or not offer.areas:
        _answer_agreement(
            turn, _("Jammer. U moet het eerst eens zijn met de afspraken. Wilt u het toch? Typ dan /aanbieden.")
        )
        return
    _answer_agreement(turn, "✅ " + _("U bent akkoord."))
    status = submit_sign_up(turn.session, user_id=turn.user_id, offer=offer, now=turn.now)
    if status == VolunteerStatus.PENDING:
        text = _("Dank u wel! Een coördinator bekijkt uw aanmelding. U krijgt snel bericht.")
    else:
        text = _("Dank u wel! Uw aanbod is aangepast.")
    turn.say("✅ " + text)


def _answer_agreement(turn: Turn, answer: str) -> None:
    """Under the agreement when its button was pressed (the text stays), else above the next message."""
    if turn.update.callback_query is not None and turn.update.callback_query.message is not None:
        turn.edit(code_of_conduct(turn._) + "\n\n" + answer)
    else:
        turn.say(answer)


QUESTIONS: dict[str, Question] = {
    State.SIGN_UP_CATEGORIES: Question(Expecting.CHOICE, read_categories, ask_categories),
    State.SIGN_UP_PLACES: Question(Expecting.PLACE, read_places, ask_places, unclear=N_("Die plaats ken ik niet.")),
    State.SIGN_UP_AVAILABILITY: Question(Expecting.DAY, read_availability, ask_availability),
    State.SIGN_UP_PHONE: Question(Expecting.PHONE, read_phone, ask_phone),
    State.SIGN_UP_REINTEGRATION: Question(Expecting.YES_NO, read_reintegration, ask_reintegration),
    State.SIGN_UP_CONSENT: Question(Expecting.YES_NO, read_consent, ask_consent),
}
