"""`samenbot`: run the bot and look after its database from the command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence

from sqlmodel import Session, select
from telegram.error import InvalidToken, NetworkError

from bot.clock import SystemClock
from bot.config import Settings
from db.models import Coordinator, Municipality, Neighbourhood
from db.session import make_engine

BAD_TOKEN = "Telegram refused the bot token. Check TELEGRAM_BOT_TOKEN with @BotFather (/mybots → API Token)."
NO_TOKEN = (
    "No bot token. Ask @BotFather in Telegram for one (/newbot), then start the bot with:\n"
    "  TELEGRAM_BOT_TOKEN=123456:ABC... samenbot run\n"
    "(or put TELEGRAM_BOT_TOKEN=... in a .env file)."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="samenbot", description="Samen voor Elkaar: neighbours helping neighbours.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run_parser = commands.add_parser("run", help="run the bot (long polling); migrates the database first")
    run_parser.add_argument(
        "--webhook", action="store_true", help="serve Telegram's webhook (WEBHOOK_URL, WEBHOOK_SECRET) instead"
    )
    run_parser.add_argument(
        "--no-desk", action="store_true", help="do not serve the desk here (several bot workers: run `samenbot desk`)"
    )
    commands.add_parser("desk", help="serve only the desk (DESK_HOST, DESK_PORT), beside separate bot workers")
    database = commands.add_parser("db", help="database tasks").add_subparsers(dest="db_command", required=True)
    database.add_parser("upgrade", help="apply the migrations and load the data files")
    volunteer = commands.add_parser("volunteer", help="manage volunteers").add_subparsers(
        dest="volunteer_command", required=True
    )
    add_volunteer = volunteer.add_parser("add", help="register an approved volunteer")
    add_volunteer.add_argument("user_id", type=int, help="the volunteer's Telegram user id")
    add_volunteer.add_argument("neighbourhoods", nargs="+", help="neighbourhood slugs or names, e.g. klimmen")
    coordinator = commands.add_parser("coordinator", help="manage coordinators").add_subparsers(
        dest="coordinator_command", required=True
    )
    add_coordinator = coordinator.add_parser("add", help="make a Telegram user a coordinator")
    add_coordinator.add_argument("user_id", type=int)
    add_coordinator.add_argument("municipality", nargs="?", help="municipality slug; all when left out")
    remove_coordinator = coordinator.add_parser("remove", help="remove a coordinator")
    remove_coordinator.add_argument("user_id", type=int)
    coordinator.add_parser("list", help="list the coordinators")
    desk_volunteer = commands.add_parser("desk-volunteer", help="manage desk volunteers").add_subparsers(
        dest="desk_volunteer_command", required=True
    )
    add_desk_volunteer = desk_volunteer.add_parser("add", help="let a Telegram user work at the desk")
    add_desk_volunteer.add_argument("user_id", type=int)
    add_desk_volunteer.add_argument("municipality", help="municipality slug, e.g. voerendaal")
    add_desk_volunteer.add_argument(
        "--steunpunt", help="steunpunt slug from steunpunten.toml, e.g. wijksteunpunt-klimmen"
    )
    remove_desk_volunteer = desk_volunteer.add_parser("remove", help="end someone's desk role")
    remove_desk_volunteer.add_argument("user_id", type=int)
    list_desk_volunteers = desk_volunteer.add_parser("list", help="list the desk volunteers")
    list_desk_volunteers.add_argument("municipality", nargs="?", help="municipality slug; all when left out")
    export = commands.add_parser("export", help="CSV of the requests without personal data (stdout or --output)")
    export.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
    export.add_argument("--to", dest="date_to", required=True, help="last day (included), YYYY-MM-DD")
    export.add_argument("--municipality", help="municipality slug; all when left out")
    export.add_argument("--output", help="file to write; stdout when left out")
    export.add_argument(
        "--kind",
        choices=("vragen", "cheques", "uren"),
        default="vragen",
        help="vragen: one row per request; cheques: dienstencheques per resident and month; "
        "uren: hours per re-integration helper (by code) and month",
    )
    match = commands.add_parser("match", help="match request texts to categories (stdin: one per line, JSON out)")
    match.add_argument("text", nargs="*")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `samenbot` command."""
    args = build_parser().parse_args(argv)
    # Telegram's waits as timedeltas already (PTB v23's way; `retry_after_seconds` reads both), without v22's warning.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    settings = Settings.from_env()
    if args.command == "match":
        from bot.cli_match import run_match

        return run_match(args.text, sys.stdin, sys.stdout)
    if args.command == "run":
        return run(settings, webhook=args.webhook, desk=not args.no_desk)
    if args.command == "desk":
        return run_desk(settings)
    engine = make_engine(settings.database_url)
    if args.command == "export":
        from bot.cli_export import export_command

        return export_command(engine, settings, args)
    if args.command == "db":
        categories, places = prepare_database(settings, engine)
        print(f"Database ready: {categories} categories, {places} neighbourhoods.")
        return 0
    with Session(engine) as session:
        if args.command == "volunteer":
            return add_volunteer_command(session, args.user_id, args.neighbourhoods)
        if args.command == "desk-volunteer":
            from bot.cli_desk import desk_volunteer_command

            return desk_volunteer_command(session, settings, args)
        return coordinator_command(session, args)


def prepare_database(settings: Settings, engine) -> tuple[int, int]:
    """Migrate the schema and load the data files."""
    from bot.services.people import ensure_coordinators
    from db.migrate import upgrade_schema
    from db.seed import load_data_files

    upgrade_schema(engine)
    with Session(engine) as session:
        counts = load_data_files(session, settings.data_dir)
        ensure_coordinators(session, settings.coordinator_ids, now=SystemClock().now())
        session.commit()
        return counts


def run(settings: Settings, *, webhook: bool = False, desk: bool = True) -> int:
    """Serve the bot (long polling, or the webhook) and, beside it in the same event loop, the desk."""
    if not settings.bot_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    if webhook:
        from bot.webhook import webhook_problem

        problem = webhook_problem(settings)
        if problem:
            print(problem, file=sys.stderr)
            return 2
    from bot.app import build_application
    from bot.desk import create_desk
    from bot.serve import ServerDidNotStart, desk_server, serve, webhook_server
    from bot.webhook import register_webhook, webhook_app

    engine = make_engine(settings.database_url)
    prepare_database(settings, engine)
    application = build_application(settings, engine=engine)
    server = desk_server(create_desk(application.bot_data["runtime"], application.bot), settings) if desk else None
    hook = webhook_server(webhook_app(application, settings), settings) if webhook else None
    options = {"webhook": hook, "on_webhook": lambda: register_webhook(application, settings)}
    try:
        asyncio.run(serve(application, server, stop=asyncio.Event(), **options))
    except InvalidToken:
        print(BAD_TOKEN, file=sys.stderr)
        return 2
    except NetworkError as error:
        print(f"Cannot reach the Bot API at {settings.api_base_url} ({type(error).__name__}).", file=sys.stderr)
        print("Check TELEGRAM_API_BASE_URL and the network, then start again.", file=sys.stderr)
        return 1
    except ServerDidNotStart as error:
        print(f"{error}: choose another DESK_PORT or PORT, or start with --no-desk.", file=sys.stderr)
        return 1
    return 0


def run_desk(settings: Settings) -> int:
    """Serve only the desk; the bot workers (`samenbot run --no-desk`) deliver what it writes to the outbox."""
    from bot.app import build_runtime
    from bot.desk import create_desk
    from bot.serve import ServerDidNotStart, desk_server, serve

    engine = make_engine(settings.database_url)
    prepare_database(settings, engine)
    server = desk_server(create_desk(build_runtime(settings, engine, SystemClock())), settings)
    try:
        asyncio.run(serve(None, server, stop=asyncio.Event()))
    except ServerDidNotStart as error:
        print(f"{error}: choose another DESK_PORT.", file=sys.stderr)
        return 1
    return 0


def _resolve_places(session: Session, names: Sequence[str]) -> list[str] | None:
    from bot.matching import default_place_matcher

    matcher = default_place_matcher()
    slugs = []
    for name in names:
        if session.get(Neighbourhood, name) is not None:
            slugs.append(name)
            continue
        matches = matcher.match(name)
        if not matches:
            print(f"Unknown neighbourhood: {name}", file=sys.stderr)
            return None
        slugs.append(matches[0][0])
    return slugs


def add_volunteer_command(session: Session, user_id: int, names: Sequence[str]) -> int:
    from bot.services.people import add_volunteer

    slugs = _resolve_places(session, names)
    if slugs is None:
        return 1
    add_volunteer(session, user_id=user_id, neighbourhoods=slugs, now=SystemClock().now())
    session.commit()
    print(f"Volunteer {user_id} approved for: {', '.join(slugs)}")
    return 0


def coordinator_command(session: Session, args: argparse.Namespace) -> int:
    if args.coordinator_command == "list":
        for coordinator in session.exec(select(Coordinator).order_by(Coordinator.user_id)):
            print(f"{coordinator.user_id}\t{coordinator.municipality_slug or 'all'}")
        return 0
    existing = session.get(Coordinator, args.user_id)
    if args.coordinator_command == "remove":
        if existing is None:
            print(f"{args.user_id} is not a coordinator.", file=sys.stderr)
            return 1
        session.delete(existing)
        session.commit()
        print(f"Coordinator {args.user_id} removed.")
        return 0
    if args.municipality and session.get(Municipality, args.municipality) is None:
        print(f"Unknown municipality: {args.municipality}", file=sys.stderr)
        return 1
    coordinator = existing or Coordinator(user_id=args.user_id, added_at=SystemClock().now())
    coordinator.municipality_slug = args.municipality
    session.add(coordinator)
    session.commit()
    print(f"Coordinator {args.user_id} for {args.municipality or 'all municipalities'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
