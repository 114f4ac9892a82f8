"""Answers written in figures, recognised by pattern rather than by word lists."""

from __future__ import annotations

import re

# A typed telephone number: digits with spaces, dots, dashes or brackets, optionally starting with "+".
PHONE_NUMBER = re.compile(r"^\+?[\d\s().-]{9,20}$")
# A date or a time of day in figures: "3-4", "12/03", "10 uur", "14:30".
DATE_OR_TIME = re.compile(r"\b\d{1,2}\s*[-/.]\s*\d{1,2}\b|\b\d{1,2}\s*(?:[:.]\d{2}|uur|u\b|h\b)")
