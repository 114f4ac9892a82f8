"""Price levels, update by update: the sentence before "Klopt dit?" for a free kind of help and for one paid with
dienstencheques, and "wat kost het?" from idle and in the middle of a request."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from tests.support.app import World

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
NBSP = "\xa0"
# Voerendaal with a woonservice project for the garden, as WoonZorgService in de Wijk works in Waalre: only in tests.
WOONSERVICE = """
order = ["vrijwilliger", "woonservice", "particulier", "bedrijf"]

[dienstencheque]
euro = "5.00"

[[route]]
level = "vrijwilliger"
municipalities = ["voerendaal"]
categories = ["boodschappen", "klussen"]

[[route]]
level = "woonservice"
municipalities = ["voerendaal"]
categories = ["tuin"]
cheques_per_hour = 1

[[route]]
level = "particulier"
municipalities = ["voerendaal"]
categories = ["tuin", "huishouden"]
price_per_hour = ""
"""


def data_dir_with(tmp_path: Path, **replaced: str) -> Path:
    """A copy of the data folder (links) whose named files hold other text."""
    folder = tmp_path / "data"
    folder.mkdir()
    for source in DATA_DIR.iterdir():
        name = source.stem
        if name in replaced:
            (folder / source.name).write_text(replaced[name], encoding="utf-8")
        else:
            (folder / source.name).symlink_to(source)
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        bot_token="123456:TEST",
        coordinator_ids=(900,),
        throttle=False,
        data_dir=data_dir_with(tmp_path, routes=WOONSERVICE),
    )


async def reach_summary(world: World, text: str, category: str) -> str:
    """Anna in Klimmen asks `text`, confirms `category` and reaches the summary; its text."""
    h, anna = world.harness, world.resident
    await h.command(anna, "/start")
    await h.press(anna, "Voerendaal")
    await h.press(anna, "Klimmen")
    await h.send(anna, text)
    assert category in h.last_text(anna)
    await h.press(anna, "Ja")
    await h.press(anna, "Maakt niet uit")
    await h.press(anna, "Nee, verder")
    assert "Klopt dit?" in h.last_text(anna)
    return h.last_text(anna)


async def ask_for_the_garden(world: World) -> str:
    return await reach_summary(world, "kan iemand mijn gras maaien?", "Tuin")


async def test_a_free_kind_of_help_says_so_before_confirming(world: World) -> None:
    summary = await reach_summary(world, "kan iemand boodschappen voor mij doen?", "Boodschappen")
    assert "🏷️ Gratis: een vrijwilliger uit uw buurt helpt." in summary


async def test_a_kind_of_help_paid_with_dienstencheques_says_what_it_costs(world: World) -> None:
    summary = await ask_for_the_garden(world)
    assert f"🏷️ Dit kost 1 dienstencheque van €{NBSP}5,00 per uur." in summary


async def test_the_price_is_in_the_residents_language(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.command(anna, "/taal")
    await h.press(anna, "English")
    await h.command(anna, "/start")
    await h.press(anna, "Voerendaal")
    await h.press(anna, "Klimmen")
    await h.send(anna, "kan iemand mijn gras maaien?")
    await h.press(anna, "Yes")
    await h.press(anna, "Any time")
    await h.press(anna, "No, continue")
    assert "This costs 1 service voucher of €5.00 per hour." in h.last_text(anna)


async def test_what_does_it_cost_from_idle_answers_for_the_municipality(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.command(anna, "/start")
    await h.press(anna, "Voerendaal")
    await h.press(anna, "Klimmen")
    await h.press(anna, "Graag")
    await h.send(anna, "wat kost het?")
    answer = h.last_text(anna)
    assert "Wat kost hulp in Voerendaal?" in answer
    assert "Hulp van een vrijwilliger is gratis." in answer
    assert f"Tuin: Dit kost 1 dienstencheque van €{NBSP}5,00 per uur." in answer
    assert "Boodschappen" not in answer  # free: said once for all
    assert "Huishouden: Hier betaalt u voor." in answer
    assert "Ik zoek hulp" in h.buttons(anna)[0]


async def test_what_does_it_cost_without_a_place_is_the_general_answer(world: World) -> None:
    h, anna = world.harness, world.resident
    await h.send(anna, "is het gratis?")
    assert "Hulp van een vrijwilliger is gratis." in h.last_text(anna)
    assert "Voerendaal" not in h.last_text(anna)


async def test_what_does_it_cost_during_a_request_answers_for_its_kind_and_asks_again(world: World) -> None:
    h, anna = world.harness, world.resident
    await ask_for_the_garden(world)
    await h.send(anna, "wat kost dat?")
    answer = h.last_text(anna)
    assert f"💶 Dit kost 1 dienstencheque van €{NBSP}5,00 per uur." in answer
    assert "Klopt dit?" in answer
