"""Each update, and each button press, is handled once: their keys in `ProcessedUpdate`."""

from __future__ import annotations

import hashlib


def callback_key(query_id: str) -> int:
    """The `ProcessedUpdate` key of a callback query id: negative, so it never meets an update id.

    A press that reaches us twice in two updates (a redelivery with a new update id) has one query id;
    storing its key next to the update id lets the second one be skipped like a repeated update.
    56 bits of SHA-256: a collision between two presses is not a practical concern.
    """
    digest = hashlib.sha256(query_id.encode()).digest()
    return -(int.from_bytes(digest[:7], "big") + 1)


def update_keys(update_id: int, callback_query_id: str | None) -> list[int]:
    """The `ProcessedUpdate` keys of an update: its id, and its button press's key (the same press counts once)."""
    return [update_id] if callback_query_id is None else [update_id, callback_key(callback_query_id)]
