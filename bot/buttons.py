"""Every kind of button the bot puts under a message: one typed class each, in one registry.

A button kind is a frozen dataclass with a short prefix and typed fields (aiogram's CallbackData, in PTB terms):

    @button("claim", where=Where.LINKED_GROUP, who=Who.VOLUNTEER)
    class Claim(Button):
        request_id: int

    Claim(42).pack() == "claim:42";  Claim.parse("claim:42") == Claim(42);  Claim.pattern routes it.

Field types: `int` (an id), `Slug[n]` (lower-case letters, digits and hyphens, at most n), a `Literal` of words,
and optional trailing fields (`x: ... | None = None`). Where a button may be pressed and who may press it are part
of the declaration: the routing in `bot.app`, the gate that refuses a press out of place and the authorisation-matrix
test all read them from `BUTTONS`. A kind whose longest packed form could exceed Telegram's 64 bytes fails at import.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, Self, get_args, get_origin

MAX_BYTES = 64
SEPARATOR = ":"
ID_DIGITS = 16  # Telegram's ids fit in 52 bits: at most 16 digits


class Where(StrEnum):
    """Where the bot puts a button, so where a press is genuine."""

    PRIVATE = "private"
    GROUP = "group"
    LINKED_GROUP = "linked_group"
    PRIVATE_OR_LINKED_GROUP = "private_or_linked_group"  # an activity's buttons: in a private chat and in groups


class Who(StrEnum):
    """Who may press a button (the services decide; this tells the gate and the authorisation matrix)."""

    ANYONE = "anyone"  # the person the private message was for; no role needed
    VOLUNTEER = "volunteer"  # an approved volunteer of the request's place
    HELPER = "helper"  # the volunteer who holds the request
    RESIDENT = "resident"  # the resident who asked
    COORDINATOR = "coordinator"  # a coordinator of the municipality concerned
    ORGANISER = "organiser"  # a coordinator, or the organiser of a werkgroep for the kern concerned


@dataclasses.dataclass(frozen=True)
class Slug:
    """Annotation of a text field: lower-case letters, digits and hyphens, at most `max_length` of them."""

    max_length: int


def _field_pattern(annotation: Any) -> tuple[str, int, Callable[[str], Any]]:
    """(regex, longest packed length, parser) of one field's type."""
    if annotation is int:
        return rf"\d{{1,{ID_DIGITS}}}", ID_DIGITS, int
    if get_origin(annotation) is Annotated:
        base, *extras = get_args(annotation)
        slug = next((extra for extra in extras if isinstance(extra, Slug)), None)
        if base is str and slug is not None:
            return rf"[a-z0-9-]{{1,{slug.max_length}}}", slug.max_length, str
    if get_origin(annotation) is Literal:
        choices = get_args(annotation)
        words = [str(choice) for choice in choices]
        parser = int if all(isinstance(choice, int) for choice in choices) else str
        return "(?:" + "|".join(re.escape(word) for word in words) + ")", max(map(len, words)), parser
    raise TypeError(f"unsupported button field type: {annotation!r}")


def _optional_base(annotation: Any) -> Any | None:
    """The type inside `X | None`, or None when the field is not optional."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        others = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(others) == 1 and len(get_args(annotation)) == 2:
            return others[0]
    return None


class Button:
    """Base of every button kind; see the module docstring."""

    prefix: ClassVar[str]
    where: ClassVar[Where]
    who: ClassVar[Who]
    pattern: ClassVar[re.Pattern[str]]
    longest: ClassVar[int]
    _parsers: ClassVar[tuple[Callable[[str], Any], ...]]

    def pack(self) -> str:
        """The callback data: prefix and fields, separated by colons; an unset optional field is left out."""
        values = [getattr(self, field.name) for field in dataclasses.fields(self)]  # type: ignore[arg-type]
        return SEPARATOR.join([self.prefix, *(str(value) for value in values if value is not None)])

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        """The button behind `data`, or None when `data` is not of this kind (forged, old, other kind)."""
        match = cls.pattern.fullmatch(data or "")
        if match is None:
            return None
        pairs = zip(match.groups(), cls._parsers, strict=True)
        return cls(*(None if raw is None else parser(raw) for raw, parser in pairs))


BUTTONS: dict[str, type[Button]] = {}
"""Every button kind by prefix, in declaration order."""


def button(prefix: str, *, where: Where, who: Who = Who.ANYONE) -> Callable[[type], type]:
    """Declare a button kind: a frozen dataclass with a unique prefix, checked against the 64-byte limit."""

    def declare(cls: type) -> type:
        if prefix in BUTTONS:
            raise ValueError(f"button prefix {prefix!r} is declared twice")
        if not re.fullmatch(r"[a-z]{1,8}", prefix):
            raise ValueError(f"button prefix {prefix!r}: 1-8 lower-case letters")
        cls = dataclasses.dataclass(frozen=True, slots=True)(cls)
        hints = typing.get_type_hints(cls, include_extras=True)
        regex, longest, parsers, optional_seen = re.escape(prefix), len(prefix), [], False
        for field in dataclasses.fields(cls):
            annotation = hints[field.name]
            inner = _optional_base(annotation)
            part, length, parser = _field_pattern(inner if inner is not None else annotation)
            if inner is None and optional_seen:
                raise TypeError(f"{cls.__name__}: a required field after an optional one")
            optional_seen = optional_seen or inner is not None
            group = f"{SEPARATOR}({part})"
            regex += f"(?:{group})?" if inner is not None else group
            longest += len(SEPARATOR) + length
            parsers.append(parser)
        if longest > MAX_BYTES:
            raise ValueError(f"{cls.__name__}: callback data can reach {longest} bytes (Telegram allows {MAX_BYTES})")
        cls.prefix, cls.where, cls.who = prefix, where, who
        cls.pattern = re.compile(f"^{regex}$")
        cls.longest = longest
        cls._parsers = tuple(parsers)
        BUTTONS[prefix] = cls
        return cls

    return declare


def parse_any(data: str | None) -> Button | None:
    """The button behind any callback data, or None when no kind matches."""
    prefix = (data or "").split(SEPARATOR, 1)[0]
    kind = BUTTONS.get(prefix)
    return kind.parse(data) if kind is not None else None


YesNo = Literal["yes", "no"]
Place = Annotated[str, Slug(40)]


# ---------------------------------------------------------------- groups


@button("lnkm", where=Where.GROUP, who=Who.COORDINATOR)
class LinkMunicipality(Button):
    """`/koppel` in a group: the municipality chosen; its kernen and wijken follow."""

    municipality: Place


@button("lnk", where=Where.GROUP, who=Who.COORDINATOR)
class LinkPlace(Button):
    """`/koppel` in a group: the neighbourhood the group serves."""

    place: Place


@button("claim", where=Where.LINKED_GROUP, who=Who.VOLUNTEER)
class Claim(Button):
    """ "🙋 Ik help" on a request's card."""

    request_id: int


# ---------------------------------------------------------------- residents


@button("menu", where=Where.PRIVATE)
class Menu(Button):
    """The main menu after /start."""

    choice: Literal["help", "volunteer", "place", "callme"]


@button("news", where=Where.PRIVATE)
class News(Button):
    """Activity news on or off; `then` shows the menu afterwards (the question at /start)."""

    answer: YesNo
    then: Literal["menu"] | None = None


@button("mun", where=Where.PRIVATE)
class PickMunicipality(Button):
    """A municipality in the place picker; its kernen and wijken follow."""

    municipality: Place


@button("nb", where=Where.PRIVATE)
class PickPlace(Button):
    """A kern, wijk or buurt in the place picker."""

    place: Place


@button("loc", where=Where.PRIVATE)
class ConfirmLocation(Button):
    """The neighbourhood suggested for a shared location."""

    place: Place


@button("cat", where=Where.PRIVATE)
class ChooseCategory(Button):
    """A kind of help, or "other", "unknown" (the call-back), "all" (every kind)."""

    choice: Annotated[str, Slug(24)]


@button("when", where=Where.PRIVATE)
class ChooseWhen(Button):
    """When help is wanted: today, tomorrow, this week, any time."""

    kind: Literal["today", "tomorrow", "week", "any"]


@button("details", where=Where.PRIVATE)
class SkipDetails(Button):
    """ "Overslaan" / "Nee, verder" at the details question."""

    action: Literal["skip"]


@button("send", where=Where.PRIVATE)
class ConfirmRequest(Button):
    """ "Ja, versturen" or "Nee, stoppen" under the summary."""

    answer: YesNo


@button("behalf", where=Where.PRIVATE)
class OnBehalf(Button):
    """Asking for someone else: start, and that person's consent."""

    answer: Literal["start", "yes", "no"]


@button("second", where=Where.PRIVATE)
class SecondNeed(Button):
    """ "Zal ik daar ook een vraag van maken?" after a request whose message named a second need."""

    answer: YesNo


@button("call", where=Where.PRIVATE)
class CallTime(Button):
    """When to call back: morning or afternoon."""

    part: Literal["morning", "afternoon", "any"]


@button("cancel", where=Where.PRIVATE, who=Who.RESIDENT)
class CancelRequest(Button):
    """ "Intrekken" in /mijnvragen, then yes or no."""

    request_id: int
    answer: YesNo | None = None


@button("fb", where=Where.PRIVATE, who=Who.RESIDENT)
class Feedback(Button):
    """The resident's 👍 or 👎 after help."""

    request_id: int
    verdict: Literal["up", "down"]


@button("again", where=Where.PRIVATE, who=Who.RESIDENT)
class Again(Button):
    """Weekly help: the same again next week?"""

    request_id: int
    answer: YesNo


@button("rsvp", where=Where.PRIVATE_OR_LINKED_GROUP)
class Rsvp(Button):
    """An activity: coming alone (1), with one more (2), or not (0)."""

    activity_id: int
    people: Literal[0, 1, 2]


@button("lang", where=Where.PRIVATE)
class Language(Button):
    """/taal: the language chosen."""

    code: Literal["nl", "en", "de"]


@button("forget", where=Where.PRIVATE)
class Forget(Button):
    """/vergeetmij: erase everything, or not."""

    answer: YesNo


# ---------------------------------------------------------------- volunteers


@button("vc", where=Where.PRIVATE)
class SignUpCategory(Button):
    """Sign-up: a kind of help switched on or off, or "done"."""

    choice: Annotated[str, Slug(24)]


@button("vp", where=Where.PRIVATE)
class SignUpPlaces(Button):
    """Sign-up: one more place, or done."""

    action: Literal["more", "done"]


@button("va", where=Where.PRIVATE)
class SignUpAvailability(Button):
    """Sign-up: a moment of the week switched on or off, or "done"."""

    choice: Annotated[str, Slug(12)]


@button("vri", where=Where.PRIVATE)
class SignUpReintegration(Button):
    """Sign-up: helping as part of a re-integration programme?"""

    answer: YesNo


@button("vok", where=Where.PRIVATE)
class SignUpConsent(Button):
    """Sign-up: the agreement accepted, or not."""

    answer: YesNo


@button("offer", where=Where.PRIVATE)
class ChangeOffer(Button):
    """/aanbod: change, pause, resume or stop helping."""

    action: Literal["edit", "pause", "resume", "stop", "stopyes"]


@button("take", where=Where.PRIVATE, who=Who.VOLUNTEER)
class TakeOffer(Button):
    """A weekly request offered first to its usual helper: take it."""

    request_id: int


@button("pass", where=Where.PRIVATE, who=Who.VOLUNTEER)
class PassOffer(Button):
    """A weekly request offered first to its usual helper: let the group have it."""

    request_id: int


@button("done", where=Where.PRIVATE, who=Who.HELPER)
class Done(Button):
    """ "✅ Gedaan" after helping."""

    request_id: int


@button("mins", where=Where.PRIVATE, who=Who.HELPER)
class Minutes(Button):
    """How long helping took (0: rather not say)."""

    request_id: int
    minutes: Literal[0, 30, 60, 120]


@button("release", where=Where.PRIVATE, who=Who.HELPER)
class Release(Button):
    """ "↩️ Ik kan toch niet"."""

    request_id: int


# ---------------------------------------------------------------- coordinators


@button("vol", where=Where.PRIVATE, who=Who.COORDINATOR)
class DecideVolunteer(Button):
    """A sign-up approved or rejected."""

    user_id: int
    decision: Literal["ok", "no"]


@button("ibx", where=Where.PRIVATE, who=Who.COORDINATOR)
class InboxAction(Button):
    """An inbox item: assign (to a volunteer), refer (by a route), note, close, or back to the item."""

    item_id: int
    action: Literal["assign", "to", "refer", "ref", "note", "close", "back"]
    argument: Annotated[str, Slug(20)] | None = None


@button("px", where=Where.PRIVATE, who=Who.COORDINATOR)
class Refer(Button):
    """An escalated request referred along PuntExtra's routes."""

    request_id: int
    route: Annotated[str, Slug(12)]


@button("pxo", where=Where.PRIVATE, who=Who.COORDINATOR)
class ReferOrganisation(Button):
    """An escalated request referred to an organisation of the sociale kaart."""

    request_id: int
    organisation: Place


@button("actmun", where=Where.PRIVATE, who=Who.COORDINATOR)
class ActivityMunicipality(Button):
    """/activiteit: for which municipality."""

    municipality: Place


@button("actarea", where=Where.PRIVATE, who=Who.COORDINATOR)
class ActivityArea(Button):
    """/activiteit: a kern or wijk switched on or off, "all", or "done"."""

    choice: Place


@button("actcap", where=Where.PRIVATE, who=Who.ORGANISER)
class ActivityNoLimit(Button):
    """/activiteit: no limit on the number of people."""

    action: Literal["none"]


@button("actcost", where=Where.PRIVATE, who=Who.ORGANISER)
class ActivityFree(Button):
    """/activiteit: free of charge."""

    action: Literal["free"]


@button("actpub", where=Where.PRIVATE, who=Who.ORGANISER)
class PublishActivity(Button):
    """/activiteit: publish the previewed activity, or not."""

    answer: YesNo


@button("act", where=Where.PRIVATE, who=Who.ORGANISER)
class ManageActivity(Button):
    """An activity's attendee list, or its cancellation."""

    activity_id: int
    action: Literal["people", "cancel"]


# ---------------------------------------------------------------- surveys


@button("svmun", where=Where.PRIVATE, who=Who.COORDINATOR)
class SurveyMunicipality(Button):
    """/enquete: for which municipality."""

    municipality: Place


@button("svarea", where=Where.PRIVATE, who=Who.COORDINATOR)
class SurveyArea(Button):
    """/enquete: a kern or wijk switched on or off, "all", or "done"."""

    choice: Place


@button("svday", where=Where.PRIVATE, who=Who.COORDINATOR)
class SurveyToday(Button):
    """/enquete: the survey starts today."""

    action: Literal["today"]


@button("svkind", where=Where.PRIVATE, who=Who.COORDINATOR)
class SurveyKind(Button):
    """/enquete: the kind of the next question, or "done" (no more questions)."""

    kind: Literal["poll", "scale", "open", "done"]


@button("svpub", where=Where.PRIVATE, who=Who.COORDINATOR)
class PublishSurvey(Button):
    """/enquete: send the previewed survey, or not."""

    answer: YesNo


@button("svres", where=Where.PRIVATE, who=Who.COORDINATOR)
class SurveyResults(Button):
    """/enquete uitslag: the results of one survey, as text, a chart and a CSV."""

    survey_id: int


@button("sv", where=Where.PRIVATE)
class SurveyStep(Button):
    """A resident and a survey: take part, or stop (at any question)."""

    survey_id: int
    action: Literal["join", "stop"]


@button("svnext", where=Where.PRIVATE)
class SurveyNext(Button):
    """On to the next question: after voting in a poll, or skipping an open question."""

    question_id: int


@button("svmark", where=Where.PRIVATE)
class SurveyMark(Button):
    """A mark from 1 to 5 for a scale question."""

    question_id: int
    mark: Literal[1, 2, 3, 4, 5]
