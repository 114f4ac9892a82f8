"""`samenbot run --webhook`: settings checked before start, PTB's webhook server started with the secret."""

from __future__ import annotations

import pytest

from bot import cli
from bot.config import Settings
from bot.webhook import NO_TORNADO, webhook_options, webhook_problem

GOOD = Settings(
    bot_token="123456:TEST",
    webhook_url="https://bot.example.nl/telegram/hook",
    webhook_secret="s3cret_-X",
    webhook_port=8081,
)


def test_settings_are_read_from_the_environment() -> None:
    env = {"WEBHOOK_URL": "https://b.example.nl/x", "WEBHOOK_SECRET": "abc", "WEBHOOK_LISTEN": "127.0.0.1"}
    settings = Settings.from_env({**env, "PORT": "9000", "TELEGRAM_THROTTLE": "off"})
    assert (settings.webhook_url, settings.webhook_secret, settings.webhook_listen) == (
        "https://b.example.nl/x",
        "abc",
        "127.0.0.1",
    )
    assert settings.webhook_port == 9000 and settings.throttle is False
    assert Settings.from_env({}).throttle is True


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"webhook_url": ""}, "WEBHOOK_URL"),
        ({"webhook_url": "http://bot.example.nl/hook"}, "https://"),
        ({"webhook_secret": ""}, "WEBHOOK_SECRET"),
        ({"webhook_secret": "no spaces allowed"}, "WEBHOOK_SECRET"),
    ],
)
def test_bad_settings_are_explained(changes: dict, expected: str) -> None:
    from dataclasses import replace

    assert expected in webhook_problem(replace(GOOD, **changes), server_installed=True)


def test_good_settings_give_ptbs_webhook_server_the_secret() -> None:
    assert webhook_problem(GOOD, server_installed=True) is None
    assert webhook_problem(GOOD, server_installed=False) == NO_TORNADO
    options = webhook_options(GOOD)
    assert options["secret_token"] == "s3cret_-X"
    assert options["url_path"] == "telegram/hook"
    assert options["webhook_url"] == "https://bot.example.nl/telegram/hook"
    assert (options["listen"], options["port"]) == ("0.0.0.0", 8081)


def test_run_webhook_refuses_to_start_without_its_settings(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST")
    monkeypatch.delenv("WEBHOOK_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert cli.main(["run", "--webhook"]) == 2
    assert "WEBHOOK_URL" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("api", "files"),
    [
        ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot"),
        ("http://127.0.0.1:8081/bot/", "http://127.0.0.1:8081/file/bot"),
        ("http://botapi.local:8081", "http://botapi.local:8081/file/bot"),
    ],
)
def test_files_come_from_the_same_bot_api_server(api: str, files: str) -> None:
    assert Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_API_BASE_URL": api}).api_file_url == files
