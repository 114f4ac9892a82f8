"""`samenbot desk-volunteer add|remove|list`: who works at the desk, managed like coordinators."""

from __future__ import annotations

import argparse
import sys

from sqlmodel import Session

from bot.clock import SystemClock
from bot.config import Settings
from bot.services.desk_roles import RoleChange, add_desk_volunteer, list_desk_volunteers, remove_desk_volunteer
from bot.services.steunpunten import load_steunpunten

PROBLEMS = {
    RoleChange.UNKNOWN_MUNICIPALITY: "Unknown municipality: {municipality}",
    RoleChange.IS_COORDINATOR: "{user_id} is a coordinator; a coordinator can already do everything at the desk.",
    RoleChange.NOT_FOUND: "{user_id} is not a desk volunteer.",
}


def desk_volunteer_command(session: Session, settings: Settings, args: argparse.Namespace) -> int:
    """Add, remove or list desk volunteers (the operator may manage every municipality)."""
    if args.desk_volunteer_command == "list":
        for entry in list_desk_volunteers(session, municipality_slug=args.municipality):
            print(f"{entry.user_id}\t{entry.municipality_slug}\t{entry.steunpunt_slug or '-'}")
        return 0
    if args.desk_volunteer_command == "remove":
        change = remove_desk_volunteer(session, by_user_id=None, user_id=args.user_id)
    else:
        steunpunten = {
            steunpunt.slug: steunpunt for steunpunt in load_steunpunten(settings.data_dir / "steunpunten.toml")
        }
        steunpunt = steunpunten.get(args.steunpunt) if args.steunpunt else None
        if args.steunpunt and (steunpunt is None or steunpunt.municipality != args.municipality):
            print(f"Unknown steunpunt in {args.municipality}: {args.steunpunt}", file=sys.stderr)
            return 1
        change = add_desk_volunteer(
            session,
            by_user_id=None,
            user_id=args.user_id,
            municipality_slug=args.municipality,
            steunpunt_slug=args.steunpunt,
            now=SystemClock().now(),
        )
    if change in PROBLEMS:
        print(
            PROBLEMS[change].format(user_id=args.user_id, municipality=getattr(args, "municipality", "")),
            file=sys.stderr,
        )
        return 1
    session.commit()
    if change is RoleChange.REMOVED:
        print(f"Desk volunteer {args.user_id} removed.")
    else:
        print(
            f"Desk volunteer {args.user_id} for {args.municipality}"
            + (f" ({args.steunpunt})." if args.steunpunt else ".")
        )
    return 0
