"""Werkgroepen, update by update: a coordinator makes a resident organiser for one kern; the organiser announces
activities there, and is refused in another kern, in the inbox and in the figures."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from db.models import Activity, Coordinator, Organiser, User
from tests.support.app import World
from tests.support.updates import callback, make_user

BERT = make_user(111, "Bert")
KIM = make_user(112, "Kim")  # lives in Ubachsberg, wants news
OLAF = make_user(601, "Olaf")  # coordinator of Kerkrade


def add_people(world: World) -> None:
    now = world.clock.now()
    with world.session() as session:
        session.add(User(id=BERT.id, first_name="Bert", neighbourhood_slug="ubachsberg", created_at=now))
        session.add(
            User(
                id=KIM.id,
                first_name="Kim",
                neighbourhood_slug="ubachsberg",
                activity_news=True,
                has_private_chat=True,
                created_at=now,
            )
        )
        session.add(Coordinator(user_id=OLAF.id, municipality_slug="kerkrade", added_at=now))
        session.commit()
    for person in (BERT, KIM, OLAF):
        world.api.register_user(person)


async def announce(world: World, title: str) -> None:
    """Bert announces an activity; he is never asked for which kern."""
    h = world.harness
    await h.command(BERT, "/activiteit")
    await h.send(BERT, title)
    await h.send(BERT, "Wij koken samen en eten samen.")
    await h.send(BERT, "vrijdag 18:00")
    await h.send(BERT, "Gemeenschapshuis")
    assert "Hoeveel mensen" in h.last_text(BERT)
    await h.send(BERT, "20")
    await h.press(BERT, "Gratis")
    assert "Ubachsberg" in h.last_text(BERT)


async def test_an_organiser_publishes_in_their_own_kern_only(world: World) -> None:
    h, carla = world.harness, world.coordinator
    add_people(world)
    await h.command(OLAF, "/organisator add 111 ubachsberg Werkgroep Ubachsberg")
    assert "dat mag u niet" in h.last_text(OLAF)
    await h.command(carla, "/organisator add 111 ubachsberg Werkgroep Ubachsberg")
    assert "op touw zetten in deze kern" in h.last_text(carla)
    await world.deliver()
    assert "Werkgroep Ubachsberg in Ubachsberg" in h.last_text(BERT)

    await announce(world, "Samen eten")
    await h.press(BERT, "Publiceren")
    with world.session() as session:
        own = session.exec(select(Activity).where(Activity.title == "Samen eten")).one()
    assert own.status == "published" and own.neighbourhoods == ["ubachsberg"] and own.created_by == BERT.id
    world.fire_timers()
    await world.deliver()
    assert "Samen eten" in h.last_text(KIM)
    assert not any("Samen eten" in text for text in h.texts(world.group_id))  # Klimmen's group

    # Another kern: a (forged) kern button on his next draft, and Carla's activity in Klimmen.
    await announce(world, "Klusjesdienst")
    draft = world.api.messages(BERT.id)[-1]
    await h.process(callback(BERT, draft, "actarea:klimmen"))
    assert "werkt niet meer" in world.alert()
    with world.session() as session:
        klusjes = session.exec(select(Activity).where(Activity.title == "Klusjesdienst")).one()
        assert klusjes.neighbourhoods == ["ubachsberg"]
        klimmen = Activity(
            municipality_slug="voerendaal",
            neighbourhoods=["klimmen"],
            title="Buurtmiddag",
            starts_at=world.clock.now() + timedelta(days=3),
            status="published",
            created_by=carla.id,
            created_at=world.clock.now(),
        )
        session.add(klimmen)
        session.commit()
    await h.process(callback(BERT, draft, f"act:{klimmen.id}:cancel"))
    assert "dat mag u niet" in world.alert().lower()
    await h.process(callback(BERT, draft, f"act:{own.id}:cancel"))
    with world.session() as session:
        assert session.get(Activity, klimmen.id).status == "published"
        assert session.get(Activity, own.id).status == "cancelled"

    # No inbox, no figures, no surveys, no coordinators.
    for command in ("/inbox", "/overzicht", "/export", "/enquete", "/organisator list"):
        await h.command(BERT, command)
        assert "dat mag u niet" in h.last_text(BERT).lower(), command
    await h.command(BERT, "/deelnemers")
    assert "Klusjesdienst" not in h.last_text(BERT)

    await h.command(carla, "/organisator remove 111")
    with world.session() as session:
        assert session.get(Organiser, BERT.id) is None
    await h.command(BERT, "/activiteit")
    assert "dat mag u niet" in h.last_text(BERT).lower()


async def test_forgetting_an_organiser_ends_the_role(world: World) -> None:
    h = world.harness
    add_people(world)
    await h.command(world.coordinator, "/organisator add 111 ubachsberg Werkgroep Ubachsberg")
    await h.command(BERT, "/vergeetmij")
    await h.press(BERT, "Ja, wis alles")
    with world.session() as session:
        assert session.get(Organiser, BERT.id) is None
