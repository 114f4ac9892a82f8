"""``samenbot match``: show how the bot understands help requests, as JSON lines.

    samenbot match kan iemand mijn hond uitlaten      # one request from the arguments
    samenbot match < verzoeken.txt                    # one request per line on stdin

Each request gives one line ``{"text": ..., "matches": [{"category": slug, "score": 0-100}, ...]}``,
best first, ``[]`` when nothing fits.
"""

from __future__ import annotations

import json
from typing import TextIO

from bot.matching import default_category_matcher

__all__ = ["run_match"]


def _line(text: str) -> str:
    matches = default_category_matcher().match(text)
    payload = {"text": text, "matches": [{"category": slug, "score": score} for slug, score in matches]}
    return json.dumps(payload, ensure_ascii=False)


def run_match(args: list[str], stdin: TextIO, stdout: TextIO) -> int:
    """Match the joined ``args``, or every non-empty line of ``stdin`` when there are none."""
    if args:
        stdout.write(_line(" ".join(args)) + "\n")
        return 0
    for raw in stdin:
        text = raw.strip()
        if text:
            stdout.write(_line(text) + "\n")
    stdout.flush()
    return 0
