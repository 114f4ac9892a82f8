"""Read any private message in any state and say what the person means, before a category is matched.

The order of precedence (the first that applies wins):

1. ``danger`` — words of danger (``data/danger.toml``), always and everywhere, also inside a request;
   a help line's number typed in digits ("112", "bel 112!"), except "112" alone where a number is asked.
2. ``answer`` — a phone number, in figures or in words, when the open question asks for one ("bel maar
   op 045 541 2233").
3. ``call_back`` — "bel mij maar terug", "ik wil liever bellen", anywhere in the message.
4. ``stop`` — "stop", "laat maar" as the whole message; "vergeet het maar" anywhere.
5. ``dont_know`` — "weet ik niet" as the whole message (or a typo of it); "ik weet niet wat ik nodig
   heb" anywhere; despair ("alles wordt me te veel"); but not when the rest of the message names a
   category ("ik krijg een aanmaning en weet niet wat ik moet doen", "de zorg voor mijn moeder wordt me
   te veel", "🧹 hulp?").
6. ``yes`` / ``no`` read from the first words ("Ja, graag", "nee hoor", however long the rest), when a
   yes/no question is open.
7. ``thanks``, then ``greeting`` — only as the whole message ("hallo, dank u wel hoor"); a greeting
   before a request is part of the request.
8. ``yes`` / ``no`` as the whole message ("ja graag", "nee dank u"), whatever was asked.
9. ``cost``, ``about``, ``steunpunt``, ``volunteer`` — questions to us ("is het gratis", "wie zijn
   jullie", "waar kan ik terecht", "ik wil graag helpen").
10. ``answer`` — when it fits the open question: a day, a number, a phone number, a place, a short
    name, any text for free text. For a choice: a new description is a ``help_request``, chit-chat is
    ``out_of_scope``, "nee ..." is ``no``, anything else is an answer (the caller compares it with its
    options).
11. ``help_request`` when the category matcher finds a category, else ``out_of_scope``; news, TV and
    chit-chat ([out_of_scope] of intents.toml) are out of scope too unless they ask for help, and what
    we never do ("kunt u mijn huur betalen") even then, unless a ``not_when`` says otherwise ("ik kan
    mijn rekeningen niet meer betalen"); so is a message that opens with thanks and asks
    nothing ("hartelijk dank, de jongen die mijn gras maaide was een engel"). A message out of scope
    that thanks somebody ("ik schrok me dood toen de telefoon ging, maar dank je wel") is ``thanks``, one
    that opens with a greeting ("hoi, ik ben Annie uit Terwinselen") is ``greeting``. Only question
    marks ("??") are ``dont_know``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from bot.matching import CategoryMatcher, MatchResult, PlaceMatcher
from bot.matching.normalise import EMOJI_PREFIX, tokens
from bot.privacy import redact

from .danger import DangerRules, HelpLine, unguarded
from .kinds import DangerKind, Expecting, Intent
from .patterns import DATE_OR_TIME, PHONE_NUMBER
from .phrases import Found, PhraseBook
from .vocabulary import ALONE, ANYWHERE, ASKED, DAY, DESPAIR, DIGITS, NOT_WHEN, NUMBER, PLACE, Vocabulary

__all__ = ["Reader", "Understanding"]

# A phone number has at least this many digits ("mijn nummer is 06 12345678", "nul zes vier acht ...").
_PHONE_DIGITS = 9
# A place answer: a name of at most this many words besides "ik woon in" (or a place the matcher knows).
_PLACE_WORDS = 3
# A name ("mevrouw Janssen", "voor mijn buurvrouw Mia") has at most this many words.
_NAME_WORDS = 5

_QUESTIONS = (Intent.COST, Intent.ABOUT, Intent.STEUNPUNT, Intent.VOLUNTEER)


@dataclass(frozen=True, slots=True)
class Understanding:
    """What a message means. ``matches`` is the category matcher's answer, so nobody matches twice; ``second``
    a clear second need of the message ("... en ook de tuin bijhouden"), to offer after the first."""

    intent: Intent
    danger: DangerKind | None = None
    danger_kinds: tuple[DangerKind, ...] = ()
    help_lines: tuple[HelpLine, ...] = ()
    matches: tuple[tuple[str, int], ...] = ()
    second: str | None = None


class Reader:
    """Understands messages with the word lists, the danger rules and the category and place matchers."""

    def __init__(
        self, vocabulary: Vocabulary, danger: DangerRules, categories: CategoryMatcher, places: PlaceMatcher
    ) -> None:
        self.vocabulary = vocabulary
        self.danger = danger
        self.categories = categories
        self.places = places
        rewrites = {word: tuple(forms) for word, forms in categories.lexicon.rewrites.items()}
        for word, forms in vocabulary.spelling.items():
            rewrites[word] = (*rewrites.get(word, ()), *forms)
        self.book = PhraseBook.build(
            [*vocabulary.entries(), *danger.entries()],
            rewrites=rewrites,
            known=categories.lexicon.forms.keys() | danger.ordinary,
            stopwords=categories.lexicon.stopwords,
        )

    def understand(self, text: str, expecting: Expecting = Expecting.NOTHING) -> Understanding:
        """What ``text`` means, given what the open question expects (see the module docstring)."""
        words = tokens(text)
        if not words and not any(ch.isdigit() for ch in text):
            return Understanding(Intent.DONT_KNOW if "?" in text else Intent.OUT_OF_SCOPE)
        found = self.book.find(words)
        kinds = self.danger.detect(found)
        if words or expecting is not Expecting.NUMBER:  # "112" alone may be the minutes a volunteer spent
            called = self.danger.called_numbers(text, words, self.vocabulary.filler)
            kinds = tuple(kind for kind in self.danger.kinds if kind in kinds or kind in called)
        if kinds:
            return Understanding(
                Intent.DANGER, danger=kinds[0], danger_kinds=kinds, help_lines=self.danger.help_lines(kinds)
            )
        needs = self.categories.match_needs(redact(text)) if words else MatchResult([])
        matches = tuple(needs.matches)
        message = _Message(text, words, found, self.vocabulary.filler)
        return Understanding(self._intent(message, matches, expecting), matches=matches, second=needs.second)

    def says(self, intent: Intent, text: str) -> bool:
        """Whether ``text`` says this (listed) intent: one of its phrases anywhere, or alone as the whole text."""
        words = tokens(text)
        message = _Message(text, words, self.book.find(words), self.vocabulary.filler)
        return message.says(intent)

    def _intent(self, message: _Message, matches: tuple[tuple[str, int], ...], expecting: Expecting) -> Intent:
        if expecting is Expecting.PHONE and self._has_phone_number(message):
            return Intent.ANSWER
        if message.says(Intent.CALL_BACK):
            return Intent.CALL_BACK
        if message.says(Intent.STOP):
            return Intent.STOP
        if self._dont_know(message, matches):
            return Intent.DONT_KNOW
        first_words = _yes_or_no_intent(
            self.vocabulary.yes_or_no(message.text, any_length=expecting is Expecting.YES_NO)
        )
        if expecting is Expecting.YES_NO and first_words is not None:
            return first_words
        for intent in (Intent.THANKS, Intent.GREETING, Intent.YES, Intent.NO):
            if message.alone(intent):
                return intent
        for intent in _QUESTIONS:
            if message.says(intent):
                return intent
        answer = self._answer(message, matches, expecting, first_words)
        if answer is not None:
            return answer
        asks = self.categories.asks_for_help(message.words)
        if matches and not self._out_of_scope(message, asks) and not (message.opens(Intent.THANKS) and not asks):
            return Intent.HELP_REQUEST
        if message.says(Intent.THANKS):
            return Intent.THANKS
        return Intent.GREETING if message.opens(Intent.GREETING) else Intent.OUT_OF_SCOPE

    def _has_phone_number(self, message: _Message) -> bool:
        """Typed in figures ("06 12345678") or in words ("nul zes vier acht twee ...")."""
        text = message.text
        if PHONE_NUMBER.match(text.strip()) or sum(ch.isdigit() for ch in text) >= _PHONE_DIGITS:
            return True
        return len(message.by_label.get(("answer", DIGITS), ())) >= _PHONE_DIGITS

    def _out_of_scope(self, message: _Message, asks: bool) -> bool:
        """Chit-chat that asks nobody for help, or something we never do, although a category is named."""
        return bool(message.unguarded(Intent.OUT_OF_SCOPE, ASKED)) or (message.says(Intent.OUT_OF_SCOPE) and not asks)

    def _dont_know(self, message: _Message, matches: tuple[tuple[str, int], ...]) -> bool:
        """ "Weet ik niet" or despair, unless the rest of the message names a category: "ik krijg een aanmaning
        en weet niet wat ik moet doen" asks for help with the post, "🧹 hulp?" for help in the house."""
        said = message.unguarded(Intent.DONT_KNOW, ANYWHERE) + message.by_label.get((Intent.DONT_KNOW, DESPAIR), [])
        if message.alone(Intent.DONT_KNOW):
            said += message.by_label.get((Intent.DONT_KNOW, ALONE), [])
        if not said:
            return not matches and self.vocabulary.sounds_like_dont_know(message.text)
        covered = frozenset().union(*(item.positions for item in said))
        rest = " ".join(word for i, word in enumerate(message.words) if i not in covered)
        return not (matches and rest and self.categories.match(rest))

    def _answer(
        self,
        message: _Message,
        matches: tuple[tuple[str, int], ...],
        expecting: Expecting,
        first_words: Intent | None,
    ) -> Intent | None:
        """ANSWER when the text fits the open question; a choice may also turn out a request or a no."""
        text, size = message.text, len(message.words)
        if expecting is Expecting.DAY:
            fits = message.has(("answer", DAY)) or bool(DATE_OR_TIME.search(text))
        elif expecting is Expecting.NUMBER:
            fits = message.has(("answer", NUMBER)) or any(ch.isdigit() for ch in text)
        elif expecting is Expecting.PHONE:
            fits = self._has_phone_number(message)
        elif expecting is Expecting.PLACE:
            content = [word for word in message.words if word not in self.categories.lexicon.stopwords]
            fits = (
                (not matches and 0 < len(content) <= _PLACE_WORDS)
                or message.has(("answer", PLACE))
                or bool(self.places.match(text))
            )
        elif expecting is Expecting.NAME:
            fits = not matches and 0 < size <= _NAME_WORDS
        elif expecting is Expecting.CHOICE:
            asks = self.categories.asks_for_help(message.words)
            if self._out_of_scope(message, asks):
                return Intent.OUT_OF_SCOPE
            if matches:
                return Intent.HELP_REQUEST
            return first_words or Intent.ANSWER
        else:
            fits = expecting is Expecting.FREE_TEXT
        return Intent.ANSWER if fits else None


class _Message:
    """A tokenised message and the phrases found in it, with the questions the reader asks of them."""

    def __init__(self, text: str, words: list[str], found: Iterable[Found], filler: frozenset[str]) -> None:
        self.text = text
        self.words = words
        self.by_label: dict[Hashable, list[Found]] = {}
        for item in found:
            self.by_label.setdefault(item.label, []).append(item)
        self.filler = frozenset(i for i, word in enumerate(words) if word in filler or word.startswith(EMOJI_PREFIX))

    def has(self, label: Hashable) -> bool:
        return bool(self.by_label.get(label))

    def opens(self, intent: Intent) -> bool:
        """One of the intent's phrases opens the message, after filler ("hoi, ik ben Annie uit Terwinselen")."""
        first = next((i for i in range(len(self.words)) if i not in self.filler), 0)
        return any(item.start <= first for tier in (ALONE, ANYWHERE) for item in self.by_label.get((intent, tier), ()))

    def says(self, intent: Intent) -> bool:
        """An ``anywhere`` phrase not cancelled by a ``not_when`` nearby, or the intent alone."""
        return bool(self.unguarded(intent, ANYWHERE)) or self.alone(intent)

    def unguarded(self, intent: Intent, tier: str) -> list[Found]:
        """The intent's phrases of this list that no ``not_when`` nearby cancels."""
        guards = self.by_label.get((intent, NOT_WHEN), [])
        return [item for item in self.by_label.get((intent, tier), ()) if unguarded(item, guards)]

    def alone(self, intent: Intent) -> bool:
        """The intent's phrases, greetings, thanks and filler words cover the whole message, and the intent
        says something the greetings and thanks do not ("bedankt voor de hulp" is no cry for "hulp")."""
        own: set[int] = set()
        for label in ((intent, ALONE), (intent, ANYWHERE)):
            for item in self.by_label.get(label, ()):
                own |= item.positions
        social: set[int] = set()
        for label in ((Intent.GREETING, ALONE), (Intent.THANKS, ALONE), (Intent.THANKS, ANYWHERE)):
            for item in self.by_label.get(label, ()):
                social |= item.positions
        if intent not in (Intent.GREETING, Intent.THANKS) and own <= social:
            return False
        return bool(own) and len(own | social | self.filler) == len(self.words)


def _yes_or_no_intent(meaning: bool | None) -> Intent | None:
    return None if meaning is None else (Intent.YES if meaning else Intent.NO)
