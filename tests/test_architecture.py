"""The layers hold: every module of `bot` has a place in the import contract, and the services know no Telegram.

`lint-imports` (run by .ci/run) checks the contract in pyproject.toml; these tests keep the contract complete.
"""

from __future__ import annotations

import pkgutil
import re
import tomllib
from pathlib import Path

import bot

ROOT = Path(__file__).resolve().parent.parent
TELEGRAM_IMPORT = re.compile(r"import telegram|from telegram")


def layered_modules() -> set[str]:
    """Every module named in a layer of the layers contract."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(contract["layers"] for contract in contracts if contract["type"] == "layers")
    return {name.strip() for layer in layers for name in re.split(r"[|:]", layer)}


def test_every_module_of_bot_has_a_layer() -> None:
    """A new module or package under bot/ is placed in a layer, or the contract would not check it."""
    modules = {f"bot.{module.name}" for module in pkgutil.iter_modules(bot.__path__)}
    assert modules - layered_modules() == set()
    assert layered_modules() - modules == {"db"}


def test_no_service_imports_telegram() -> None:
    """`grep -rn "import telegram\\|from telegram" bot/services` finds nothing."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "bot" / "services").rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if TELEGRAM_IMPORT.search(line)
    ]
    assert found == []
