"""The intent evaluation set (tests/data/intents_eval.tsv): loading, the state -> Expecting map, scoring.

Shared by tests/test_understanding.py and bench/intents.py.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.understanding import Expecting, Intent, Understanding

EVAL = Path(__file__).resolve().parents[1] / "data" / "intents_eval.tsv"

#: The conversation states of the eval set and what their open question expects.
STATE_EXPECTS = {
    "idle": Expecting.NOTHING,
    "start_place": Expecting.PLACE,
    "ask_category": Expecting.CHOICE,
    "ask_place": Expecting.PLACE,
    "ask_when": Expecting.DAY,
    "ask_details": Expecting.FREE_TEXT,
    "ask_confirm": Expecting.YES_NO,
    "callback_phone": Expecting.PHONE,
    "callback_time": Expecting.DAY,
    "sign_up_places": Expecting.PLACE,
    "sign_up_phone": Expecting.PHONE,
    "behalf_name": Expecting.NAME,
    "minutes": Expecting.NUMBER,  # "hoeveel tijd kostte het?" asked of a volunteer
    "news": Expecting.YES_NO,  # "wilt u nieuws over activiteiten?"
    "after_request": Expecting.NOTHING,
}
DANGER = Intent.DANGER.value


@dataclass(frozen=True)
class Line:
    state: str
    text: str
    label: str  # an intent, or "danger:<kind>"

    @property
    def is_danger(self) -> bool:
        return self.label.startswith(DANGER)


def load_eval(path: Path = EVAL) -> list[Line]:
    """The labelled lines (comments and the header skipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "state\ttext\tintent", "header must be: state<TAB>text<TAB>intent"
    out = []
    for raw in lines[1:]:
        if raw.strip() and not raw.startswith("#"):
            state, text, label = raw.split("\t")
            out.append(Line(state, text, label))
    return out


def label_of(result: Understanding) -> str:
    """The eval label of a result: the intent, or "danger:<kind>"."""
    return f"{DANGER}:{result.danger}" if result.intent is Intent.DANGER else result.intent.value


@dataclass
class Score:
    total: Counter = field(default_factory=Counter)
    correct: Counter = field(default_factory=Counter)
    misses: dict[str, list[tuple[Line, str]]] = field(default_factory=lambda: defaultdict(list))
    danger_found: int = 0
    danger_total: int = 0
    false_alarms: list[Line] = field(default_factory=list)
    safe_total: int = 0

    @property
    def recall(self) -> float:
        return self.danger_found / self.danger_total

    @property
    def false_alarm_rate(self) -> float:
        return len(self.false_alarms) / self.safe_total

    def accuracy(self, label: str) -> float:
        return self.correct[label] / self.total[label]

    def table(self) -> str:
        """Accuracy per label, then the misses per label (expected, got, state, text)."""
        rows = [f"{'label':<22} {'correct':>9} {'accuracy':>9}"]
        for label in sorted(self.total):
            rows.append(f"{label:<22} {self.correct[label]:>4}/{self.total[label]:<4} {self.accuracy(label):>9.1%}")
        rows.append(f"danger recall {self.danger_found}/{self.danger_total} = {self.recall:.1%}")
        rows.append(f"false alarms  {len(self.false_alarms)}/{self.safe_total} = {self.false_alarm_rate:.1%}")
        for label in sorted(self.misses):
            rows.append(f"\nmisses for {label}:")
            rows.extend(f"  got {got:<22} [{line.state}] {line.text}" for line, got in self.misses[label])
        return "\n".join(rows)


def score(lines: Sequence[Line], understand: Callable[[str, Expecting], Understanding]) -> Score:
    """Run every line through ``understand`` in its state and count."""
    result = Score()
    for line in lines:
        got = understand(line.text, STATE_EXPECTS[line.state])
        predicted = label_of(got)
        result.total[line.label] += 1
        if predicted == line.label:
            result.correct[line.label] += 1
        else:
            result.misses[line.label].append((line, predicted))
        if line.is_danger:
            result.danger_total += 1
            result.danger_found += got.intent is Intent.DANGER
        else:
            result.safe_total += 1
            if got.intent is Intent.DANGER:
                result.false_alarms.append(line)
    return result
