"""The wijksteunpunt desk: a web workplace for coordinators and desk volunteers (Starlette, Jinja2, htmx)."""

from bot.desk.app import create_desk

__all__ = ["create_desk"]
