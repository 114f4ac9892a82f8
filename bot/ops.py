"""`/healthz` and `/metrics`, served by the desk and by the webhook server (the app's `state.runtime`)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.metrics import render_metrics
from bot.services.health import Backlog, read_backlog
from bot.services.runtime import Runtime


def _backlog(runtime: Runtime) -> Backlog:
    with runtime.unit_of_work() as uow:
        return read_backlog(uow.session, now=runtime.clock.now())


async def healthz(request: Request) -> Response:
    """200 with the backlog when the database answers, else 503 (the error's class only)."""
    try:
        backlog = await run_in_threadpool(_backlog, request.app.state.runtime)
    except Exception as error:
        return JSONResponse({"database": "error", "error": type(error).__name__}, status_code=503)
    return JSONResponse(
        {
            "database": "ok",
            "outbox_backlog": backlog.outbox_pending,
            "outbox_oldest_due_seconds": round(backlog.outbox_oldest_due_seconds, 3),
            "timers_due": backlog.timers_due,
        }
    )


async def metrics(request: Request) -> Response:
    """Prometheus' text format."""
    body = await run_in_threadpool(render_metrics, request.app.state.runtime)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


OPS_ROUTES = [Route("/healthz", healthz, methods=["GET"]), Route("/metrics", metrics, methods=["GET"])]
