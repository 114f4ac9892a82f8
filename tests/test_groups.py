"""Groups, update by update: linking with /koppel, the bot's rights, and a refusal said once a while per person."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from db.models import GroupLink
from tests.support.app import World
from tests.support.updates import make_group, make_user, my_chat_member

STIJN, TRUUS = make_user(401, "Stijn"), make_user(402, "Truus")


async def test_a_coordinator_links_a_group_and_is_told_about_the_rights(world: World) -> None:
    h, carla = world.harness, world.coordinator
    group = make_group(-5001, "Ransdaal helpt")
    await h.process(my_chat_member(carla, group))
    assert "Typ /koppel" in h.last_text(group.id)
    await h.command(carla, "/koppel", chat=group)
    await h.press(carla, "Voerendaal", chat_id=group.id)
    assert "Welke wijk" in h.last_text(group.id)
    await h.press(carla, "Ransdaal", chat_id=group.id)
    linked = h.last_text(group.id)
    assert "gekoppeld aan Ransdaal" in linked and "Maak mij beheerder" in linked  # the bot is a member only
    with world.session() as session:
        places = session.exec(select(GroupLink.neighbourhood_slug).where(GroupLink.chat_id == group.id)).all()
    assert places == ["ransdaal"]

    admin_group = make_group(-5002, "Ubachsberg helpt")
    await h.process(my_chat_member(carla, admin_group, new_status="administrator"))
    await h.command(carla, "/koppel", chat=admin_group)
    await h.press(carla, "Voerendaal", chat_id=admin_group.id)
    await h.press(carla, "Ubachsberg", chat_id=admin_group.id)
    assert "gekoppeld aan Ubachsberg" in h.last_text(admin_group.id)
    assert "beheerder" not in h.last_text(admin_group.id)  # Telegram said the bot may invite


async def test_koppel_in_a_linked_group_is_refused_once_a_day_per_person(world: World) -> None:
    h = world.harness
    group = make_group(world.group_id, "Klimmen helpt")
    for _attempt in range(3):
        await h.command(STIJN, "/koppel", chat=group)
    await h.command(TRUUS, "/koppel", chat=group)
    refusals = [text for text in h.texts(group.id) if "Een coördinator koppelt de groep" in text]
    assert len(refusals) == 2  # Stijn once, Truus once
    world.clock.advance(timedelta(hours=25))
    await h.command(STIJN, "/koppel", chat=group)
    await h.command(STIJN, "/koppel", chat=group)
    assert len([text for text in h.texts(group.id) if "Een coördinator koppelt de groep" in text]) == 3


async def test_a_stranger_pressing_a_link_button_is_refused_in_a_box(world: World) -> None:
    h, carla = world.harness, world.coordinator
    group = make_group(-5003, "Nieuwe groep")
    await h.command(carla, "/koppel", chat=group)
    await h.press(STIJN, "Voerendaal", chat_id=group.id)
    assert "dat mag u niet" in world.alert()
    assert "Aan welke gemeente" in h.last_text(group.id)  # the coordinator's question stays
