"""Keep personal details out of what strangers see: redaction of free text for group cards."""

from __future__ import annotations

import re

_STREET_SUFFIXES = (
    "straat|str|weg|laan|plein|steeg|pad|hof|singel|gracht|dreef|kade|ring|baan|dijk|markt|veld|berg|"
    "dal|hoek|wal|erf|gaard|park|allee|straße|strasse|street|road|lane|avenue"
)
_PATTERNS = (
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail
    re.compile(  # phone (NL and international), with a label such as "tel:" or "mijn nummer is"
        r"(?:\b(?:tel(?:efoon)?(?:nummer|nr)?|mobiel|gsm|phone|nummer)\b\.?:?\s*(?:is\s*)?)?"
        r"(?:(?:\+|00)\s?\d[\d\s().-]{7,}\d|\b0\d(?:[\s-]?\d){8}\b)",
        re.IGNORECASE,
    ),
    re.compile(r"\b\d{4}\s?[A-Za-z]{2}\b"),  # postcode
    re.compile(rf"\b[\w'-]*(?:{_STREET_SUFFIXES})\.?\s+\d+(?:\s?[a-zA-Z]\b)?", re.IGNORECASE),  # Kerkstraat 12a
    re.compile(r"\b(?i:op|aan|in)\s+(?i:de|het|den)\s+[A-Z][\w'-]+\s+\d+(?:\s?[a-zA-Z]\b)?"),  # Op de Kamp 3
    re.compile(r"\b(?:huisnummer|nr|nummer)\.?\s*\d+(?:\s?[a-zA-Z]\b)?", re.IGNORECASE),
)
PLACEHOLDER = "[…]"


def redact(text: str) -> str:
    """Replace phone numbers, e-mail addresses, postcodes and street addresses by a placeholder."""
    for pattern in _PATTERNS:
        text = pattern.sub(PLACEHOLDER, text)
    return text
