"""The time a volunteer spent, typed in their own words, read as minutes (data/durations.toml)."""

from __future__ import annotations

import pytest

from bot.understanding import Durations, default_durations

READ = {
    "20 minuten": 20,
    "een uur": 60,
    "Een uurtje.": 60,
    "anderhalf uur": 90,
    "half uurtje": 30,
    "een half uur": 30,
    "twee en een half uur": 150,
    "drie kwartier": 45,
    "1,5 uur": 90,
    "1.5 uur": 90,
    "90 min": 90,
    "1 uur en 20 minuten": 80,
    "ongeveer 2 uur": 120,
    "2": 120,
    "45": 45,
    "zwei Stunden": 120,
    "half an hour": 30,
}


@pytest.mark.parametrize(("text", "minutes"), READ.items())
def test_a_typed_time_is_read_as_minutes(text: str, minutes: int) -> None:
    assert default_durations().minutes(text) == minutes


@pytest.mark.parametrize("text", ["weet ik niet", "kan iemand mijn boodschappen doen", "0", "", "nee"])
def test_what_names_no_time_is_none(text: str) -> None:
    assert default_durations().minutes(text) is None


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"numbers": {"een": 1}}, "expected"),
        ({"numbers": {}, "units": {"uur": 60}}, "missing or empty"),
        ({"numbers": {"Een": 1}, "units": {"uur": 60}}, "one word"),
        ({"numbers": {"een": 0}, "units": {"uur": 60}}, "positive"),
        ({"numbers": {"uur": 1}, "units": {"uur": 60}}, "both"),
    ],
)
def test_the_data_file_is_checked(data: dict, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        Durations.from_dict(data)
