"""The plumbing every desk page shares: who is logged in, what they may do, CSRF, rendering, the audit line.

A page is a plain function `handler(desk) -> Response` registered with `desk_route(path, handler, permission)`.
The wrapper finds the session from the cookie, checks the role's permission (the municipality is checked by
the page's service), checks the CSRF token of every POST, and runs the handler in a worker thread, so the
database never blocks the event loop the bot shares (an async handler, which waits on Telegram, runs in the loop
and opens its database work in a thread itself). The permission is kept on the endpoint, so the
authorisation test can list every route with what it requires.
"""

from __future__ import annotations

import hmac
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.i18n import Translator, resolve_locale, translator
from bot.services.desk_audit import record_action
from bot.services.desk_login import active_session
from bot.services.desk_roles import DeskIdentity, DeskPermission, desk_identity
from bot.services.runtime import Runtime
from bot.services.unit_of_work import UnitOfWork
from db.models import User

PLAIN_COOKIE = "balie"
# Behind https the cookie gets the __Host- prefix: the browser then insists on Secure, Path=/ and no Domain.
SECURE_COOKIE = "__Host-balie"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def secure_cookies(runtime: Any) -> bool:
    """Whether the desk is opened over https (then its cookie is Secure)."""
    return runtime.settings.desk_url.startswith("https://")


def cookie_name(runtime: Any) -> str:
    return SECURE_COOKIE if secure_cookies(runtime) else PLAIN_COOKIE


def request_translator(request: Request, locale: str | None = None) -> Translator:
    """The translator for a page: the user's own language, else the browser's first choice, else Dutch."""
    settings = request.app.state.runtime.settings
    browser = request.headers.get("accept-language", "").split(",")[0].split(";")[0].strip() or None
    return translator(resolve_locale(locale, browser, settings.default_locale), settings.time_zone)


def render_page(request: Request, template: str, _: Translator, *, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a template with the translator and the shared context; never cached (pages hold personal data)."""
    environment: Environment = request.app.state.templates
    html = environment.get_template(template).render(_=_, lang=_.locale, request=request, **context)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


@dataclass
class Desk:
    """One request of a logged-in person: who, what they may do, their language, the form, the database."""

    request: Request
    identity: DeskIdentity
    csrf_token: str
    _: Translator
    form: FormData | None = None
    query: dict[str, str] = field(default_factory=dict)

    @property
    def runtime(self) -> Runtime:
        return self.request.app.state.runtime

    def now(self) -> datetime:
        return self.runtime.clock.now()

    def unit_of_work(self) -> UnitOfWork:
        """One unit of work for this request: call services, then `uow.commit()` once (notices rendered)."""
        return self.runtime.unit_of_work()

    def value(self, name: str, default: str = "") -> str:
        """A form field (POST) or query parameter (GET), stripped."""
        source = self.form if self.form is not None else self.query
        raw = source.get(name, default) if source is not None else default
        return raw.strip() if isinstance(raw, str) else default

    def values(self, name: str) -> list[str]:
        """All values of a repeated form field."""
        return [value for value in (self.form.getlist(name) if self.form is not None else []) if isinstance(value, str)]

    def may(self, permission: DeskPermission) -> bool:
        return self.identity.may(permission)

    def render(self, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        return render_page(self.request, template, self._, status=status, desk=self, **context)

    def redirect(self, path: str, **params: str | int | None) -> RedirectResponse:
        """See the page at `path` after a POST (303), with the given query parameters."""
        query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
        return RedirectResponse(path + ("?" + query if query else ""), status_code=303)

    def refuse(self) -> HTMLResponse:
        """A polite 'not for you' page (also for something of another municipality)."""
        return self.render("refused.html", status=403)

    def not_found(self) -> HTMLResponse:
        return self.render("refused.html", status=404)

    def audit(
        self,
        session: Session,
        action: str,
        *,
        municipality_slug: str | None = None,
        target_kind: str | None = None,
        target_id: int | None = None,
    ) -> None:
        """One line in the audit log, in the page's own transaction."""
        record_action(
            session,
            user_id=self.identity.user_id,
            action=action,
            now=self.now(),
            municipality_slug=municipality_slug if municipality_slug is not None else self.identity.municipality_slug,
            target_kind=target_kind,
            target_id=target_id,
        )


@dataclass(frozen=True)
class _LoggedIn:
    identity: DeskIdentity
    csrf_token: str
    locale: str | None


def _logged_in(runtime: Runtime, cookie_value: str | None) -> _LoggedIn | None:
    if not cookie_value:
        return None
    with runtime.unit_of_work() as uow:
        session = uow.session
        found = active_session(session, cookie_value=cookie_value, now=runtime.clock.now())
        identity = desk_identity(session, found.user_id) if found else None
        if found is None or identity is None:
            return None
        user = session.get(User, found.user_id)
        locale = resolve_locale(user.chosen_locale, user.telegram_locale) if user else None
        return _LoggedIn(identity=identity, csrf_token=found.csrf_token, locale=locale)


def desk_route(
    path: str,
    handler: Callable[[Desk], Response] | Callable[[Desk], Awaitable[Response]],
    *,
    permission: DeskPermission | None,
    methods: tuple[str, ...] = ("GET",),
    name: str | None = None,
) -> Route:
    """A route for logged-in people; `permission` None means any desk role."""

    async def endpoint(request: Request) -> Response:
        runtime = request.app.state.runtime
        logged_in = await run_in_threadpool(_logged_in, runtime, request.cookies.get(cookie_name(runtime)))
        if logged_in is None:
            _ = request_translator(request)
            if request.method == "GET" and "hx-request" not in request.headers:
                return RedirectResponse("/welkom", status_code=303)
            return render_page(request, "welcome.html", _, status=401)
        form = await request.form() if request.method == "POST" else None
        desk = Desk(
            request=request,
            identity=logged_in.identity,
            csrf_token=logged_in.csrf_token,
            _=request_translator(request, logged_in.locale),
            form=form,
            query=dict(request.query_params),
        )
        if permission is not None and not desk.may(permission):
            return desk.refuse()
        if form is not None:
            sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
            if not isinstance(sent, str) or not hmac.compare_digest(sent, logged_in.csrf_token):
                return desk.refuse()
        if inspect.iscoroutinefunction(handler):  # a page that waits on Telegram; it opens its own threads
            return await handler(desk)
        return await run_in_threadpool(handler, desk)

    endpoint.permission = permission  # type: ignore[attr-defined]
    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return Route(path, endpoint, methods=list(methods), name=name or handler.__name__)
