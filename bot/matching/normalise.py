"""Text normalisation shared by the category and place matchers.

Everything here is pure and cheap: folding (case, diacritics), tokenising (punctuation and numbers
dropped, an emoji becomes a word of its own, stretched letters "hellllp" squeezed), Dutch stemming
with a cache, the list of words that carry no evidence, and spelling-variant rules for Limburgish /
German-ish spelling.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

__all__ = [
    "EMOJI_PREFIX",
    "PARTICLES",
    "STOPWORDS",
    "fold",
    "normalise",
    "spelling_variants",
    "stem",
    "tokens",
]

_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ĳ": "ij", "’": "'", "‘": "'", "`": "'"})
_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_STRETCH = re.compile(r"([a-z])\1{2,}")
_DIGITS = re.compile(r"[0-9]+")


def fold(text: str) -> str:
    """Lower-case and strip diacritics: "Überlast Café" -> "uberlast cafe"."""
    text = text.lower().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise(text: str) -> str:
    """Folded text as space separated word tokens.

    Apostrophes inside words disappear ("auto's" -> "autos", "d'r" -> "dr"), every other
    non-letter (punctuation, emoji) becomes a space, letters repeated three or more times are
    squeezed to one ("hellllp" -> "help"), digits are dropped ("2x" -> "x", "85" -> "").
    """
    text = _APOSTROPHE.sub("", fold(text))
    text = _NON_WORD.sub(" ", text)
    text = _STRETCH.sub(r"\1", text)
    text = _DIGITS.sub(" ", text)
    return " ".join(text.split())


#: Emoji tokens start with this: "🐕" -> "emojidog", "🛒" -> "emojishoppingtrolley".
EMOJI_PREFIX = "emoji"


@lru_cache(maxsize=4096)
def _emoji_word(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f" {EMOJI_PREFIX}{''.join(c for c in name.lower() if 'a' <= c <= 'z')} " if name else " "


def _emoji_words(text: str) -> str:
    """Each pictograph (Unicode "So": 🛒 ❄ ☕ ✂ 👍) as a word, in place; skin tones, joiners dropped."""
    if text.isascii():
        return text
    return "".join(_emoji_word(ch) if unicodedata.category(ch) == "So" else ch for ch in text)


def tokens(text: str) -> list[str]:
    """Word tokens of ``text`` (see :func:`normalise`); single letters are dropped.

    Unlike :func:`normalise`, an emoji is kept as a word ("🐕 uitlaten?" -> ["emojidog", "uitlaten"]),
    so categories.toml can list emoji like words: people write "🛒 morgen?" instead of a sentence.
    """
    return [t for t in normalise(_emoji_words(text)).split() if len(t) > 1]


_STEMMER = snowballstemmer.stemmer("dutch")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Dutch Snowball stem of a folded token, cached."""
    return _STEMMER.stemWord(word)


# Separable-verb particles: "laat de hond uit" -> "uit" + "laat" -> "uitlaat".
_PARTICLES_TEXT = """
    uit op af aan mee in door weg om over terug toe bij na neer los binnen buiten vast langs schoon
    leeg open dicht klaar vrij thuis
"""
PARTICLES = frozenset(_PARTICLES_TEXT.split())

# Words that carry no evidence for any category: function words, politeness, "help", people,
# time words, the people and set phrases of a formal letter or a nurse's note ("Geachte heer/mevrouw,
# hierbij ...", "mevrouw Janssen", "cliënt"). They are never fuzzy-matched or split ("mevrouw" is no
# "rouw"), but a lexicon entry always wins over this list (so "alleen" or "was" can still be a word
# in categories.toml).
_STOPWORDS_TEXT = """
    de het een en of maar want dus als dan dat die dit deze wat wie waar wanneer hoe waarom welke
    ik mij me mijn mn m'n jij je jou jouw u uw hij hem zijn zij ze haar wij we ons onze jullie hun
    hen men iemand iets niets niks alles allemaal elkaar zich zelf zelfs is ben bent was waren
    wordt worden werd geworden ben zijn heb hebt heeft hebben had hadden kan kun kunt kunnen kon
    konden zou zouden zal zullen wil wilt willen wou moet moeten moest mag mogen doe doet doen deed
    gedaan ga gaat gaan ging gegaan kom komt komen kwam gekomen laat laten liet zeg zegt zeggen
    weet weten denk denken vind vindt vinden zoek zoekt zoeken gezocht krijg krijgt krijgen graag
    alstublieft alsjeblieft aub svp please pls bitte danke help helpen helpt geholpen hulp hulpje
    nodig vraag vragen vraagje verzoek misschien even eens beetje paar keer keertje soms vaak
    altijd nooit nog al ook wel niet geen meer veel weinig erg heel zeer zo te er hier daar nu
    straks later vandaag morgen gisteren week weken dag dagen maand jaar jaren uur uurtje tijd
    tijdje middag ochtend avond nacht weekend maandag dinsdag woensdag donderdag vrijdag zaterdag
    zondag januari februari maart april mei juni juli augustus september oktober november december
    van voor met naar bij aan op in uit om over onder tot door tegen na sinds tijdens zonder tussen
    per via rond achter naast boven beneden binnen buiten langs af toe mee weg terug moeder vader
    ouders man vrouw zoon dochter oma opa buurman buurvrouw buren buurt tante oom schoonmoeder
    schoonvader echtgenoot partner familie vriend vriendin mensen persoon kinderen jaar oud oude
    jarige jaren lieve beste beste hallo goed goede fijn leuk mooi groot klein nieuwe nieuw andere
    ander eigen zelfstandig eigenlijk omdat doordat terwijl zodat toen nadat voordat totdat hoewel
    ja nee ok oke dank bedankt hartelijk groet groeten vriendelijke mvg gr ding dingen manier
    kwestie probleem problemen situatie ich du er sie wir ihr mein meine meinen meinem dein sein
    ist bin sind hat habe haben kann konnte konnen mochte mochten brauche braucht jemand mir mich
    dich uns und oder aber der die das den dem des ein eine einen einem einer mit fur von zu zum
    zur bei nach aus auf an im am nicht kein keine auch noch schon sehr gern gerne hilfe helfen
    hallo wer was wie wo i me my mine you your he she it we they them our us a an the and or but to
    of for with on at in from by is am are was be been can could would will need needs someone
    somebody anyone please help get got have has do does some any this that there here not no yes
    mien dich uch get waat neet ins dao noe ouch
    voel voelt voelen voelde fuhle fuhlt es mehr nichts etwas wenn dass weil gehen geht kommt konnte
    wurde wurden heute immer wieder vielleicht mal einmal ganz viel nur weiss weiter jemanden
    looking look like would love just really because after when while who what where how im ive
    dont cant wont isnt also very much many thing things time week weeks day days next every back
    bad new know sure thanks hello hi
    up down off before soon today tomorrow tonight
    heerlen kerkrade landgraaf brunssum simpelveld voerendaal beekdaelen nuth schinveld hoensbroek
    schaesberg eygelshoven chevremont bleijerheide terwinselen heerlerheide nieuwenhagen ubach palenberg
    parkstad limburg
    mevrouw meneer mevr mw dhr heer dame dames heren geachte hierbij hierdoor betreft inzake
    aangezien daarom tevens wellicht hoogachtend mogelijkheid mogelijk vriendelijk beleefd client
    clienten cliente patient patiente patienten bewoner bewoonster bewoners
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


# Spelling rules for Limburgish, German-ish and phonetic spelling. Each is tried alone and in
# combination with the others on a word the lexicon does not know.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"sj(?=[tpnlmk])"), "s"),  # sjtoep -> stoep, sjnee -> snee, sjpele -> spele
    (re.compile(r"sjw"), "zw"),  # sjwaar -> zwaar
    (re.compile(r"sj"), "sch"),  # boodsjappe -> boodschappe, sjoon -> schoon
    (re.compile(r"ie"), "ij"),  # mien -> mijn, tied -> tijd
    (re.compile(r"oe"), "ui"),  # hoes -> huis, oet -> uit
    (re.compile(r"uu"), "ui"),  # kruud -> kruid, huus -> huis
    (re.compile(r"ao"), "aa"),  # laote -> laate, haole -> haale
    (re.compile(r"au"), "ou"),  # vrauw -> vrouw
    (re.compile(r"oo"), "o"),  # hoond -> hond
    (re.compile(r"ee"), "ei"),  # klee -> klei
    (re.compile(r"ck"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"(?<=[^e])e$"), "en"),  # boodschappe -> boodschappen, tille -> tillen
    (re.compile(r"(?<=[^e])e$"), ""),  # kaske -> kask
)


@lru_cache(maxsize=16384)
def spelling_variants(word: str) -> tuple[str, ...]:
    """Candidate standard spellings of a (dialect) word, most plausible first, without ``word``."""
    applicable = [(pattern, repl) for pattern, repl in _RULES if pattern.search(word)]
    seen = {word}
    out: list[str] = []
    frontier = [word]
    # Breadth first over rule combinations, at most three rules deep.
    for _depth in range(3):
        next_frontier: list[str] = []
        for current in frontier:
            for pattern, repl in applicable:
                variant = pattern.sub(repl, current)
                if variant not in seen and len(variant) > 1:
                    seen.add(variant)
                    out.append(variant)
                    next_frontier.append(variant)
        frontier = next_frontier
        if len(out) > 48:
            break
    return tuple(out)
