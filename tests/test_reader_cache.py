"""The reader's tables kept on disk between starts: used when nothing changed, built anew when anything did."""

from __future__ import annotations

import pickle

from bot.understanding import cache
from bot.understanding.loaders import _build_reader, _reader_sources


def test_a_second_start_loads_what_the_first_built_and_a_change_builds_anew(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SAMENBOT_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "words.toml"
    source.write_text("a = 1\n")
    builds: list[int] = []

    def build() -> dict[str, int]:
        builds.append(1)
        return {"built": len(builds)}

    assert cache.load_or_build("thing", [source], build) == {"built": 1}
    assert cache.load_or_build("thing", [source], build) == {"built": 1}  # from disk
    source.write_text("a = 2\n")
    assert cache.load_or_build("thing", [source], build) == {"built": 2}
    assert [path.name.split("-")[0] for path in (tmp_path / "cache").iterdir()] == ["thing"]  # the old one is gone


def test_an_unreadable_or_unwritable_cache_only_costs_a_build(tmp_path, monkeypatch) -> None:
    source = tmp_path / "words.toml"
    source.write_text("a = 1\n")
    monkeypatch.setenv("SAMENBOT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / f"thing-{cache.fingerprint([source])}.pickle").write_bytes(b"not a pickle")
    assert cache.load_or_build("thing", [source], lambda: "built") == "built"
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("SAMENBOT_CACHE_DIR", str(blocked / "cache"))  # a directory that cannot be made
    assert cache.load_or_build("thing", [source], lambda: "built again") == "built again"


def test_the_reader_from_the_cache_reads_like_the_one_just_built() -> None:
    built = _build_reader()
    loaded = pickle.loads(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    for text in ("kan iemand mijn boodschappen doen en ook de tuin", "ik wil niet meer leven", "dank u wel", "Klimmen"):
        assert loaded.understand(text) == built.understand(text)
    assert any(path.name == "categories.toml" for path in _reader_sources())
    assert any(path.name == "normalise.py" for path in _reader_sources())
