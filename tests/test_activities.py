"""Activities, update by update: opt-in at /start, the coordinator's conversation, publishing with progress,
RSVPs with a waiting list, the attendee list, the reminder the day before, cancelling, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.flows.activity_words import ActivityWords, Typed, activity_words
from bot.services.activities.parsing import parse_amount, parse_moment, parse_time
from db.models import Activity, ActivityRsvp, Coordinator, Outbox, User
from tests.support.app import World
from tests.support.updates import callback, make_user


async def anna_opts_in(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.command(anna, "/start")
    await h.press(anna, "Voerendaal")
    await h.press(anna, "Klimmen")
    assert "te doen" in h.last_text(anna)
    await h.press(anna, "Graag")
    assert "U krijgt berichten over activiteiten" in h.texts(anna)[-2]


async def create_activity(world: World, capacity: str = "3") -> int:
    """Carla announces "Samen eten" in Klimmen on Friday at 18:00 for `capacity` people, €5."""
    h, carla = world.harness, world.coordinator
    await h.command(carla, "/activiteit")
    await h.press(carla, "Voerendaal")
    await h.send(carla, "Samen eten")
    await h.send(carla, "Wij koken samen en eten samen. Iedereen is welkom.")
    await h.send(carla, "vrijdag 18:00")
    assert "vrijdag 27 november om 18:00" in h.last_text(carla)
    await h.send(carla, "Gemeenschapshuis")
    await h.press(carla, "Klimmen")
    await h.press(carla, "Klaar")
    await h.send(carla, capacity)
    await h.send(carla, "5")
    preview = h.last_text(carla)
    assert "Samen eten" in preview and "€\xa05,00" in preview and "Klimmen" in preview
    await h.press(carla, "Publiceren")
    with world.session() as session:
        return session.exec(select(Activity)).one().id


async def test_opt_in_at_start_and_out_with_nieuws(world: World) -> None:
    h, anna = world.harness, world.resident
    await anna_opts_in(world)
    with world.session() as session:
        assert session.get(User, anna.id).activity_news is True
    await h.command(anna, "/nieuws")
    assert "U krijgt nu een bericht" in h.last_text(anna)
    await h.press(anna, "Liever niet")
    assert "geen bericht" in h.last_text(anna)
    with world.session() as session:
        assert session.get(User, anna.id).activity_news is False


async def test_activity_from_creation_to_rsvp_reminder_and_cancellation(world: World) -> None:
    h, carla, anna, piet = world.harness, world.coordinator, world.resident, world.volunteer
    await anna_opts_in(world)
    activity_id = await create_activity(world)
    assert "Verstuurd: 0 van 2" in h.last_text(carla)
    progress_message_id = h.api.messages(carla.id)[-1]["message_id"]

    world.fire_timers()  # the progress timer edits the preview while the batch is pending
    await world.deliver()
    assert "Samen eten" in h.last_text(world.group_id)
    assert "Wij komen met z'n tweeën" in " ".join(h.buttons(world.group_id))
    assert "Samen eten" in h.last_text(anna)
    with world.session() as session:
        rows = session.exec(select(Outbox).where(Outbox.batch_id.is_not(None))).all()
        assert len({row.batch_id for row in rows}) == 1 and len(rows) == 2
    world.clock.advance(timedelta(seconds=30))
    world.fire_timers()
    await world.deliver()
    final = h.api.message(carla.id, progress_message_id)["text"]
    assert "Bezorgd: 2" in final and "Kan geen berichten meer ontvangen: 0" in final
    assert "Deelnemers" in " ".join(h.buttons(carla))

    # RSVPs: Anna comes with 2, Piet fills the last seat from the group, Joep waits.
    await h.press(anna, "Wij komen met z'n tweeën")
    assert "2 personen" in world.alert()
    await h.press(piet, "Ik kom", chat_id=world.group_id)
    assert "op de lijst" in world.alert()
    joep = make_user(303, "Joep")
    await h.press(joep, "Ik kom", chat_id=world.group_id)
    assert "wachtlijst" in world.alert()

    # Anna cancels: Joep moves up and hears it.
    await h.press(anna, "Ik kom toch niet")
    assert "afgemeld" in world.alert()
    await world.deliver()
    assert "Er is plek" in h.last_text(joep)
    with world.session() as session:
        statuses = {a.user_id: a.status for a in session.exec(select(ActivityRsvp)).all()}
        assert statuses == {anna.id: "cancelled", piet.id: "going", joep.id: "going"}
        assert session.get(Activity, activity_id).seats_taken == 2

    # The attendee list, for the coordinator only.
    await h.press(carla, "Deelnemers")
    listing = h.last_text(carla)
    assert "Piet" in listing and "Joep" in listing and "Anna" not in listing

    # The day before: a reminder to everyone on the list.
    world.clock.set(datetime(2026, 11, 26, 17, 0, tzinfo=UTC))
    world.fire_timers()
    await world.deliver()
    assert "Herinnering" in h.last_text(piet) and "Herinnering" in h.last_text(joep)

    # Cancelled: the group and everyone who answered hear it; RSVPs are closed.
    await h.process(callback(carla, h.api.message(carla.id, progress_message_id), f"act:{activity_id}:cancel"))
    await world.deliver()
    for chat in (world.group_id, piet.id, joep.id):
        assert "gaat niet door" in h.last_text(chat)
    await h.press(piet, "Ik kom", chat_id=world.group_id)
    assert "gaat niet door" in world.alert()


async def test_waiting_list_respects_capacity_under_repeated_presses(world: World) -> None:
    h = world.harness
    await create_activity(world, capacity="1")
    await world.deliver()
    first, second = make_user(401, "Els"), make_user(402, "Wim")
    await h.press(first, "Ik kom", chat_id=world.group_id)
    await h.press(first, "Ik kom", chat_id=world.group_id)
    await h.press(second, "Ik kom", chat_id=world.group_id)
    assert "wachtlijst" in world.alert()
    await h.press(first, "Wij komen met z'n tweeën", chat_id=world.group_id)
    assert "geen plek" in world.alert()
    with world.session() as session:
        assert session.exec(select(Activity)).one().seats_taken == 1


async def test_non_coordinators_and_other_municipalities_are_refused(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.command(anna, "/activiteit")
    assert "dat mag u niet" in h.last_text(anna)
    activity_id = await create_activity(world)
    heerlen = make_user(901, "Hanna")
    with world.session() as session:
        session.add(User(id=heerlen.id, first_name="Hanna", created_at=world.clock.now()))
        session.add(Coordinator(user_id=heerlen.id, municipality_slug="heerlen", added_at=world.clock.now()))
        session.commit()
    message = h.api.messages(world.coordinator.id)[-1]
    for data in (f"act:{activity_id}:cancel", f"act:{activity_id}:people"):
        await h.process(callback(heerlen, message, data))
        assert "dat mag u niet" in world.alert()
    await h.process(callback(anna, message, f"act:{activity_id}:cancel"))
    assert "dat mag u niet" in world.alert()
    with world.session() as session:
        assert session.get(Activity, activity_id).status == "published"
    await h.command(heerlen, "/deelnemers")
    assert "niets gepland" in h.last_text(heerlen)


def test_parsing_the_coordinators_answers() -> None:
    from zoneinfo import ZoneInfo

    today = datetime(2026, 11, 23).date()
    zone = ZoneInfo("Europe/Amsterdam")
    assert parse_time("om 14 uur") and parse_time("14.30").minute == 30
    assert parse_moment("24 november 14:30", today, zone) == datetime(2026, 11, 24, 13, 30, tzinfo=UTC)
    assert parse_moment("vrijdag", today, zone) is None
    assert parse_amount("€ 7,50") == 750 and parse_amount("5") == 500 and parse_amount("gratis") is None


async def test_the_answer_stays_in_sight_and_a_seat_that_comes_free_says_when_and_where(world: World) -> None:
    h, anna = world.harness, world.resident
    await anna_opts_in(world)
    await create_activity(world, capacity="1")
    world.fire_timers()
    await world.deliver()
    els, wim = make_user(401, "Els"), make_user(402, "Wim")

    await h.press(els, "Ik kom", chat_id=world.group_id)
    assert "Vol." in h.last_text(world.group_id) and "wachtlijst" in h.last_text(world.group_id)
    assert "Ik kom" in " ".join(h.buttons(world.group_id))  # the card keeps its buttons
    await h.press(anna, "Ik kom")
    assert "wachtlijst" in world.alert()
    assert "Samen eten" in h.last_text(anna) and "⏳ Wachtlijst" in h.last_text(anna)

    await h.press(els, "Ik kom toch niet", chat_id=world.group_id)
    await world.deliver()
    assert "Vol." in h.last_text(world.group_id)  # Anna moved up: full again
    seat = h.last_text(anna)
    assert "Er is plek!" in seat and "Samen eten" in seat
    assert "vrijdag 27 november om 18:00" in seat and "Gemeenschapshuis" in seat
    assert h.buttons(anna) == ["❌ Ik kom toch niet"]
    await h.press(anna, "Ik kom toch niet")
    assert "afgemeld" in world.alert() and "👍 U komt niet" in h.last_text(anna)
    await h.press(wim, "Wij komen met z'n tweeën", chat_id=world.group_id)
    assert "wachtlijst" in world.alert() and "Nog 1 plek vrij" in h.last_text(world.group_id)
    with world.session() as session:
        statuses = {a.user_id: (a.status, a.people) for a in session.exec(select(ActivityRsvp)).all()}
    assert statuses[anna.id][0] == "cancelled" and statuses[wim.id] == ("waiting", 2)


async def test_the_activity_by_typing_only(world: World) -> None:
    """Every question with buttons takes a typed answer: municipality, kern, "klaar", "geen limiet", "gratis", "ja"."""
    h, carla = world.harness, world.coordinator
    await h.command(carla, "/activiteit")
    await h.send(carla, "voerendaal")
    await h.send(carla, "Koffie-ochtend")
    await h.send(carla, "Samen koffie drinken en praten.")
    await h.send(carla, "vandaag 08:00")  # an hour ago
    assert "al voorbij" in h.last_text(carla)
    await h.send(carla, "24 november 10:00")
    await h.send(carla, "Buurthuis")
    await h.send(carla, "Nergenshuizen")
    assert "Die plaats ken ik niet" in h.last_text(carla)
    await h.send(carla, "klimmen")
    assert "✅ Klimmen" in " ".join(h.buttons(carla))
    await h.send(carla, "klaar")
    await h.send(carla, "veel")
    assert "Typ alleen een getal" in h.last_text(carla)
    await h.send(carla, "geen limiet")
    await h.send(carla, "gratis")
    preview = h.last_text(carla)
    assert "Koffie-ochtend" in preview and "Gratis" in preview and "Klimmen" in preview
    await h.send(carla, "ja")
    assert "Het bericht gaat naar 1 groep of bewoner" in h.last_text(carla)
    assert "Deelnemers" in " ".join(h.buttons(carla))
    with world.session() as session:
        activity = session.exec(select(Activity)).one()
    assert (activity.status, activity.capacity, activity.cost_cents) == ("published", 0, None)
    assert activity.neighbourhoods == ["klimmen"]
    await world.deliver()
    assert "Koffie-ochtend" in h.last_text(world.group_id)


async def test_stop_leaves_the_activity_as_a_draft(world: World) -> None:
    h, carla = world.harness, world.coordinator
    await h.command(carla, "/activiteit")
    await h.press(carla, "Voerendaal")
    await h.send(carla, "stop")
    await h.send(carla, "Samen eten")
    assert "Wat is de naam" not in h.last_text(carla)
    with world.session() as session:
        activity = session.exec(select(Activity)).one()
    assert activity.status == "draft" and activity.title == ""


def test_the_typed_answers_file_is_valid_and_checked(tmp_path) -> None:
    words = activity_words()
    assert words.says(Typed.NO_LIMIT, "Er is GEEN limiet!") and words.says(Typed.FREE, "Gratis")
    assert not words.says(Typed.FREE, "gratisbus") and not words.says(Typed.DONE, "klaargezet")
    doubled = tmp_path / "activity_answers.toml"
    doubled.write_text(
        "\n".join(f'[{kind}]\nwords = ["{kind}", "klaar"]' for kind in Typed if kind is not Typed.DONE)
        + '\n[done]\nwords = ["klaar"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="in both"):
        ActivityWords.from_file(doubled)
    doubled.write_text('[free]\nwords = ["gratis"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="needs a list"):
        ActivityWords.from_file(doubled)
