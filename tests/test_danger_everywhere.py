"""Each kind of danger, in every question where text is read: its number at once, an urgent inbox item for the
coordinators, and nothing for any group (not queued, not sent)."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.understanding import DangerKind, default_danger_rules, understand
from db.models import InboxItem, InboxKind, Outbox
from tests.support.app import World
from tests.support.conversation_table import REACH, reply_to, restore, snapshot

DANGER = {
    DangerKind.MEDICAL: ("ik heb pijn op de borst", "112"),
    DangerKind.FALL: ("ik ben gevallen en kan niet opstaan", "112"),
    DangerKind.FIRE: ("er is brand", "112"),
    DangerKind.VIOLENCE: ("mijn man slaat mij", "112"),
    DangerKind.SUICIDE: ("ik wil niet meer leven", "113"),
    DangerKind.ABUSE_NEGLECT: ("ik word thuis slecht behandeld", "0800-2000"),
    DangerKind.CHILD: ("de buren slaan hun kind", "0800-2000"),
    DangerKind.EMERGENCY: ("help help", "112"),
}
"""A typical message of each kind, and the number the answer must give first (113 Zelfmoordpreventie, Veilig Thuis)."""


def test_every_kind_is_listed() -> None:
    assert set(DANGER) == set(DangerKind) == set(default_danger_rules().kinds)


@pytest.mark.parametrize("kind", list(DANGER))
def test_each_kind_is_read_with_its_first_number(kind: DangerKind) -> None:
    text, number = DANGER[kind]
    meaning = understand(text)
    assert meaning.danger is kind
    assert meaning.help_lines[0].phones[0] == number


def group_rows(world: World) -> int:
    """Outbox rows for any group chat (group ids are negative), sent or not."""
    with world.session() as session:
        return session.exec(select(func.count()).select_from(Outbox).where(Outbox.chat_id < 0)).one()


def group_messages(world: World) -> int:
    return sum(1 for call in world.api.calls if call.chat_id is not None and int(call.chat_id) < 0)


def danger_items(world: World) -> list[InboxItem]:
    with world.session() as session:
        return list(session.exec(select(InboxItem).where(InboxItem.kind == InboxKind.DANGER).order_by(InboxItem.id)))


@pytest.mark.parametrize("name", list(REACH))
async def test_each_kind_of_danger_in_every_question(world: World, name: str) -> None:
    user = await REACH[name](world)
    saved = snapshot(world, user)
    await world.deliver()
    rows, sent = group_rows(world), group_messages(world)
    for kind, (text, number) in DANGER.items():
        restore(world, saved)
        reply = await reply_to(world, user, text)
        assert reply.startswith("🚨") and number in reply.split("📞", 1)[1], (kind, reply)
        item = danger_items(world)[-1]
        assert item.user_id == user.id and kind in item.details["kinds"], (kind, item)
        assert item.details["text"] == text
    assert len(danger_items(world)) == len(DANGER)
    await world.deliver()
    assert group_rows(world) == rows and group_messages(world) == sent
    assert sum("🚨" in text for text in world.harness.texts(world.coordinator)) == len(DANGER)
