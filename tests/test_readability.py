"""Plain Dutch (B1), measured: Flesch-Douma for every Dutch source text the bot can send.

Flesch-Douma = 206.84 − 0.77 × syllables per 100 words − 0.93 × words per sentence.
The texts are the msgids of a fresh extraction (the same one `test_i18n` uses), so a new text is measured
the moment it is written. HTML tags are removed, `{name}`-style placeholders count as one word of
`PLACEHOLDER_SYLLABLES` syllables, emoji and punctuation are ignored, and a `/command` counts as a word.
Syllables are Dutch vowel groups: a run of a e i o u y (so aa, ee, ie, oe, ij, ui, eeu, ... are one), and
a vowel with a diaeresis (coördinator, geïnteresseerd) starts a new syllable.

The limits: all texts together (pooled words, syllables and sentences) at least 80, no sentence over
15 words, and each text at least 60 - except labels (texts under `MIN_WORDS_SCORED` words, mostly buttons).
For those the formula measures only word length: "Morgen" or "Stoppen" alone score 51.9, and no plainer
word exists. Labels still count in the pooled score, and instead of the score they must do without very
long words (at most `MAX_LABEL_SYLLABLES` syllables; "coördinator" has 5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from tests.support.catalog import extract_template, messages, source_texts

MIN_AVERAGE = 80.0
MIN_MESSAGE = 60.0
MAX_SENTENCE_WORDS = 15
PLACEHOLDER_SYLLABLES = 2
MIN_WORDS_SCORED = 5
MAX_LABEL_SYLLABLES = 5


TAG = re.compile(r"<[^>]+>")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
PLACEHOLDER_WORD = "\x00"  # stands in for a placeholder: one word, no vowels of its own
SENTENCE_END = re.compile(r"(?<=[.!?])['\")\s]*(?:\s|$)+|\n+")
WORD = re.compile(r"\x00|[0-9A-Za-zÀ-ÖØ-öø-ÿ]+(?:['’-][0-9A-Za-zÀ-ÖØ-öø-ÿ]+)*")
VOWELS = "aeiouyáéíóúàèìòùâêîôûäëïöüÿ"
DIAERESIS = "äëïöüÿ"


def syllables(word: str) -> int:
    """Dutch syllables by vowel groups; at least one per word (also for numbers)."""
    if word == PLACEHOLDER_WORD:
        return PLACEHOLDER_SYLLABLES
    count = 0
    previous_vowel = False
    for letter in word.lower():
        vowel = letter in VOWELS
        if vowel and (not previous_vowel or letter in DIAERESIS):
            count += 1
        previous_vowel = vowel
    return max(count, 1)


def plain(text: str) -> str:
    """The text as read: no HTML tags, each placeholder one word."""
    return PLACEHOLDER.sub(PLACEHOLDER_WORD, TAG.sub("", text))


def sentences(text: str) -> list[list[str]]:
    """The words of each sentence; a text without end punctuation (a button) is one sentence."""
    result = []
    for chunk in SENTENCE_END.split(plain(text)):
        words = WORD.findall(chunk)
        if words:
            result.append(words)
    return result


@dataclass(frozen=True)
class Score:
    text: str
    words: int
    sentences: int
    syllables: int
    longest_sentence: int
    longest_word: int

    @property
    def flesch_douma(self) -> float:
        per_100_words = 100 * self.syllables / self.words
        per_sentence = self.words / self.sentences
        return 206.84 - 0.77 * per_100_words - 0.93 * per_sentence


def score(text: str) -> Score | None:
    parts = sentences(text)
    words = [word for sentence in parts for word in sentence]
    if not words:
        return None
    return Score(
        text=text,
        words=len(words),
        sentences=len(parts),
        syllables=sum(syllables(word) for word in words),
        longest_sentence=max(len(sentence) for sentence in parts),
        longest_word=max(syllables(word) for word in words),
    )


def dutch_scores() -> list[Score]:
    texts = dict.fromkeys(text for message in messages(extract_template()) for text in source_texts(message))
    return [result for result in map(score, texts) if result is not None]


def check(offenders: list[Score], what: str) -> None:
    """Fail with the list of offenders."""
    assert not offenders, report(offenders, what)


def report(offenders: list[Score], what: str) -> str:
    lines = [f"{len(offenders)} Dutch text(s) {what}:"]
    lines += [
        f"  {item.flesch_douma:6.1f}  ({item.words} words, longest sentence {item.longest_sentence}, "
        f"longest word {item.longest_word} syllables)  {item.text!r}"
        for item in sorted(offenders, key=lambda item: item.flesch_douma)
    ]
    return "\n".join(lines)


# --- the measure itself ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("ja", 1),
        ("hulp", 1),
        ("vrijwilliger", 4),
        ("boodschappen", 3),
        ("nieuwe", 2),
        ("coördinator", 5),
        ("geïnteresseerd", 5),
        ("Woonserviceproject", 6),
        ("24", 1),
        (PLACEHOLDER_WORD, PLACEHOLDER_SYLLABLES),
    ],
)
def test_dutch_syllables_are_vowel_groups(word: str, expected: int) -> None:
    assert syllables(word) == expected


def test_text_is_read_without_tags_emoji_and_with_placeholders_as_words() -> None:
    parts = sentences("✅ <b>{name}</b> helpt al. Dank je wel!")
    assert [len(sentence) for sentence in parts] == [3, 3]
    assert sentences("Ik help") == [["Ik", "help"]]
    assert len(sentences("Typ /stop om te stoppen. Of kies: 'Ja?' Dan klaar.")) == 3


def test_flesch_douma_of_a_known_text() -> None:
    result = score("Dank u wel. Uw vraag is verstuurd.")
    assert result is not None
    assert (result.words, result.sentences, result.syllables) == (7, 2, 8)
    assert result.flesch_douma == pytest.approx(206.84 - 0.77 * 800 / 7 - 0.93 * 3.5)


# --- the bot's texts -----------------------------------------------------------------------------------


def test_there_are_dutch_texts_to_measure() -> None:
    assert len(dutch_scores()) > 10


def test_average_is_b1() -> None:
    """The score of all texts together: every word and sentence counts once, labels included.

    (A mean of per-text scores would let one-word labels dominate: "donderdag" alone scores -25.)
    """
    scores = dutch_scores()
    words = sum(item.words for item in scores)
    per_100_words = 100 * sum(item.syllables for item in scores) / words
    average = 206.84 - 0.77 * per_100_words - 0.93 * words / sum(item.sentences for item in scores)
    weakest = sorted(scores, key=lambda item: item.flesch_douma)[:10]
    assert average >= MIN_AVERAGE, f"average Flesch-Douma {average:.1f} < {MIN_AVERAGE}\n" + report(
        weakest, "pull it down most"
    )


def test_every_text_is_readable() -> None:
    offenders = [item for item in dutch_scores() if item.words >= MIN_WORDS_SCORED and item.flesch_douma < MIN_MESSAGE]
    check(offenders, f"score below {MIN_MESSAGE}")


def test_labels_use_short_words() -> None:
    offenders = [
        item for item in dutch_scores() if item.words < MIN_WORDS_SCORED and item.longest_word > MAX_LABEL_SYLLABLES
    ]
    check(offenders, f"are labels with a word of more than {MAX_LABEL_SYLLABLES} syllables")


def test_sentences_are_short() -> None:
    offenders = [item for item in dutch_scores() if item.longest_sentence > MAX_SENTENCE_WORDS]
    check(offenders, f"have a sentence of more than {MAX_SENTENCE_WORDS} words")
