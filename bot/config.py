"""Settings read from the environment (and an optional `.env` file)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from dotenv import load_dotenv

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'samenbot.sqlite3'}"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"


def _int_list(raw: str) -> tuple[int, ...]:
    return tuple(int(part) for part in raw.replace(";", ",").split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Everything the bot needs to know about its surroundings."""

    bot_token: str = ""
    database_url: str = DEFAULT_DATABASE_URL
    api_base_url: str = DEFAULT_API_BASE_URL
    coordinator_ids: tuple[int, ...] = ()
    default_locale: str = "nl"
    time_zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Amsterdam"))
    data_dir: Path = REPO_ROOT / "data"
    bump_after_hours: float = 4.0
    escalate_after_hours: float = 24.0
    quiet_hours: tuple[int, int] = (22, 8)
    requests_per_day: int = 10
    messages_per_minute: int = 20
    retention_days: int = 365
    throttle: bool = True
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    desk_host: str = "127.0.0.1"
    desk_port: int = 8080
    desk_base_url: str = ""
    desk_secret: str = ""

    @property
    def api_file_url(self) -> str:
        """Where the Bot API serves files: its address with `/file` before the `/bot` part."""
        base = self.api_base_url.rstrip("/")
        return base.removesuffix("/bot") + "/file/bot"

    @property
    def desk_url(self) -> str:
        """The address people open for the desk (DESK_BASE_URL, else host and port), without a trailing slash."""
        return (self.desk_base_url or f"http://{self.desk_host}:{self.desk_port}").rstrip("/")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Build settings from `env` (default: the process environment plus `.env`)."""
        if env is None:
            load_dotenv()
            env = dict(os.environ)
        defaults = cls()
        return cls(
            bot_token=env.get("TELEGRAM_BOT_TOKEN", "").strip(),
            database_url=env.get("DATABASE_URL") or defaults.database_url,
            api_base_url=env.get("TELEGRAM_API_BASE_URL") or defaults.api_base_url,
            coordinator_ids=_int_list(env.get("COORDINATOR_IDS", "")),
            default_locale=env.get("DEFAULT_LOCALE", defaults.default_locale),
            time_zone=ZoneInfo(env.get("TIME_ZONE", "Europe/Amsterdam")),
            data_dir=Path(env.get("SAMENBOT_DATA_DIR") or defaults.data_dir),
            bump_after_hours=float(env.get("BUMP_AFTER_HOURS", defaults.bump_after_hours)),
            escalate_after_hours=float(env.get("ESCALATE_AFTER_HOURS", defaults.escalate_after_hours)),
            requests_per_day=int(env.get("REQUESTS_PER_DAY", defaults.requests_per_day)),
            messages_per_minute=int(env.get("MESSAGES_PER_MINUTE", defaults.messages_per_minute)),
            retention_days=int(env.get("RETENTION_DAYS", defaults.retention_days)),
            throttle=env.get("TELEGRAM_THROTTLE", "on").strip().lower() not in ("0", "off", "false", "no"),
            webhook_url=env.get("WEBHOOK_URL", "").strip(),
            webhook_secret=env.get("WEBHOOK_SECRET", "").strip(),
            webhook_listen=env.get("WEBHOOK_LISTEN") or defaults.webhook_listen,
            webhook_port=int(env.get("PORT") or env.get("WEBHOOK_PORT") or defaults.webhook_port),
            desk_host=env.get("DESK_HOST") or defaults.desk_host,
            desk_port=int(env.get("DESK_PORT") or defaults.desk_port),
            desk_base_url=env.get("DESK_BASE_URL", "").strip(),
            desk_secret=env.get("DESK_SECRET", "").strip(),
        )
