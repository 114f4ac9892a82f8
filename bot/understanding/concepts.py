"""Danger told in one's own words: concepts that occur together, such as a chest with pain or a child alone.

People rarely use the phrases we thought of ("mijn hert deit zoe pien", "there's a toddler alone on a
balcony"), but they do name the same things. The words of each concept are data (``[concepts]`` of
``data/danger.toml``); which concepts together name which kind of danger is a judgement kept here, in
:data:`COMBINATIONS`. A combination counts when each of its concepts is found (a concept named twice on
different words), all within ``SPAN`` words, and none of them lies next to a guard (the kind's
``not_when``, ``[not_danger]``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product

from .kinds import DangerKind
from .phrases import Found

CONCEPT = "concept"
#: The concepts of a combination lie within this many words of each other: people tell what happens in
#: one long sentence ("'t kink vaan de nòbers sjtoong hie op de sjtraot in de pyjama, helemoal allein").
SPAN = 20


@dataclass(frozen=True, slots=True)
class Combination:
    """Concepts that, together in one message, name a kind of danger."""

    kind: DangerKind
    concepts: tuple[str, ...]


def _all(kind: DangerKind, *pairs: tuple[str, ...]) -> tuple[Combination, ...]:
    return tuple(Combination(kind, concepts) for concepts in pairs)


#: Which concepts name which danger together. A concept named twice needs two different phrases
#: ("duizelig" and "misselijk"); a single symptom is no emergency.
COMBINATIONS: tuple[Combination, ...] = (
    *_all(
        DangerKind.SUICIDE,
        ("gone", "plan"),  # "ik ben er dan niet meer, de pillen liggen klaar"
        ("gone", "wish"),  # "het liefst word ik niet meer wakker"
        ("jump", "height"),  # "van de brug springen"
        ("plan", "hopeless"),  # "hij heeft een touw op zolder, het kan zo niet verder"
        ("worthless", "gone"),  # "ik ben een last, als ik er niet meer ben heeft zij het makkelijker"
        ("farewell", "gone"),  # "kan iemand mijn kat een goed huis geven, ik ben er straks niet meer"
        ("bereaved", "rejoin"),  # "sinds mijn vrouw overleden is wil ik bij haar zijn"
        ("euthanasia", "myself"),  # "geeft de dokter me geen spuitje, dan doe ik het zelf wel"
    ),
    *_all(
        DangerKind.CHILD,
        ("child", "harmed"),  # "mijn buurjongen zegt dat zijn vader hem slaat"
        ("child", "unattended"),  # "een peuter alleen op een balkon"
        ("child", "missing"),  # "mijn kleinkind is verdwenen"
    ),
    *_all(
        DangerKind.VIOLENCE,
        ("throat", "grabbed"),  # "hij heeft me bij mijn keel gepakt"
        ("attacked", "victim"),  # "mijn zoon heeft me geduwd", "de verzorger slaat mijn vader"
        ("stranger", "prowling"),  # "een vreemde man loopt door mijn tuin"
    ),
    *_all(
        DangerKind.ABUSE_NEGLECT,
        ("money", "taken"),  # "zijn zoon pakt steeds zijn pinpas af"
        ("neglect", "duration"),  # "ligt al dagen in haar eigen poep"
        ("neglect", "neglect"),  # "in vieze kleren in de kou"
        ("bedridden", "duration", "nobody"),  # "ligt al dagen in bed en niemand komt"
        ("neglect", "nobody"),  # "ze heeft niks gegeten en niemand komt"
        ("money", "neglect"),  # "haar zoon heeft haar pinpas, ze had niks te eten"
        ("taken", "neglect"),  # "haar zoon neemt alles mee en ze eet niet meer"
        ("money", "fear"),  # "nu is haar spaargeld weg, ze durft niks te zeggen"
        ("carer", "mistreats"),  # "de verzorgster schreeuwt tegen mijn vader"
        ("dementia", "neglect"),  # "met dementie loopt ze s nachts buiten"
    ),
    *_all(
        DangerKind.FIRE,
        ("burning", "seen"),  # "ik zie vlammetjes", "de droger staat te roken"
        ("gas", "smelled"),  # "het stinkt hier naar gas"
        ("monoxide", "drowsy"),  # "de CO melder piept en ik heb hoofdpijn"
    ),
    *_all(
        DangerKind.FALL,
        ("down", "cannot_rise"),  # "ik lig naast het bed en kan niet meer op mijn benen staan"
        ("down", "floor", "since"),  # "ik lig al sinds vannacht onderaan de trap"
    ),
    *_all(
        DangerKind.MEDICAL,
        ("chest", "pain"),  # "zo'n pijn in mijn borst", "Schmerzen in der Brust"
        ("breath", "hardly"),  # "ich kin neet good oasemen"
        ("bleeding", "badly"),  # "bloed uit zijn hoofd"
        ("medicine", "too_much", "swallowed"),  # "per ongeluk twee keer mijn pillen genomen"
        ("limb", "paralysed"),  # "ik kan mijn arm niet meer optillen"
        ("symptom", "symptom"),  # "ik tril helemaal en zweet zo"
        ("condition", "symptom"),  # "ik ben suikerpatient en ik voel me heel raar"
        ("chest", "symptom"),  # "mijn hart gaat tekeer en ik ben duizelig"
        ("unresponsive", "slumped"),  # "hij ligt in de badkamer en geeft geen antwoord"
        ("throat", "swollen"),  # "haar keel zwelt op"
        ("poison", "swallowed"),  # "uit de fles met onkruidverdelger gedronken"
    ),
)


def used_concepts() -> frozenset[str]:
    """Every concept some combination needs (the data file must list each, and nothing else)."""
    return frozenset(concept for combination in COMBINATIONS for concept in combination.concepts)


def combined_kinds(
    found: Mapping[str, Sequence[Found]], usable: Callable[[DangerKind, Found], bool]
) -> set[DangerKind]:
    """The kinds some combination names: ``found`` per concept, ``usable`` says a find is not guarded."""
    kinds: set[DangerKind] = set()
    for combination in COMBINATIONS:
        if combination.kind in kinds:
            continue
        options = [[item for item in found.get(c, ()) if usable(combination.kind, item)] for c in combination.concepts]
        if all(options) and any(_together(combination.concepts, choice) for choice in product(*options)):
            kinds.add(combination.kind)
    return kinds


def _together(concepts: Sequence[str], choice: Sequence[Found]) -> bool:
    """Within SPAN words of each other; the finds of a concept named twice on different words."""
    seen: dict[str, frozenset[int]] = {}
    for concept, item in zip(concepts, choice, strict=True):
        if seen.get(concept, frozenset()) & item.positions:
            return False
        seen[concept] = seen.get(concept, frozenset()) | item.positions
    covered = frozenset().union(*seen.values())
    return max(covered) - min(covered) <= SPAN
