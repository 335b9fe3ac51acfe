"""Health, readiness, and the answers given when something behind the app is down."""

import sys

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error as django_server_error

from aidtrack.ops import outage
from aidtrack.ops.outage import close_if_broken


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.META.get("HTTP_ACCEPT", "")


def unavailable(request):
    """503 while the database is out of reach: JSON for the API, a plain page for people; both say when to retry."""
    retry = str(outage.RETRY_AFTER_SECONDS)
    if wants_json(request):
        response = JsonResponse(
            {
                "status": 503,
                "code": "database_unavailable",
                "detail": _(
                    "The database is out of reach for a moment. Nothing you sent was saved; "
                    "try again in %(seconds)s seconds."
                )
                % {"seconds": retry},
                "errors": {},
            },
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html", {"retry": retry}), status=503)
    response["Retry-After"] = retry
    response["Cache-Control"] = "no-store"
    # Django logs every 5xx with a traceback; an outage is logged once, by aidtrack.ops.outage.
    response._has_been_logged = True
    return response


def server_error(request, template_name="500.html"):
    """Django's 500 handler, except that an unreachable database answers 503, and the API always answers JSON."""
    error = sys.exc_info()[1]
    if outage.is_database_unreachable(error):
        outage.database_down(error)
        return unavailable(request)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "status": 500,
                "code": "server_error",
                "detail": _("Something went wrong on the server. It has been logged; try again later."),
                "errors": {},
            },
            status=500,
        )
    return django_server_error(request, template_name=template_name)


@never_cache
def healthz(request):
    """The process is up and answers requests; nothing behind it is asked (a load balancer's liveness check)."""
    return JsonResponse({"status": "ok"})


def _check(probe) -> str:
    try:
        probe()
    except Exception as error:  # noqa: BLE001 - any failure makes the check fail, and says why
        return f"error: {type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
    return "ok"


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    cache.set("ops:ready-probe", 1, timeout=10)
    if cache.get("ops:ready-probe") != 1:
        raise RuntimeError("the cache does not keep what it is given")


def _queue():
    from aidtrack.jobs import queue_reachable

    queue_reachable()


@never_cache
def readyz(request):
    """Whether this server can serve: the database, the shared cache and the job queue answer.

    A load balancer takes a server out of rotation while this answers 503. When the database answers, runs left
    "running" by a worker or database that went away are recorded as failed (see ``aidtrack.jobs``).
    """
    checks = {"database": _check(_database), "cache": _check(_cache), "queue": _check(_queue)}
    ready = all(value == "ok" for value in checks.values())
    if checks["database"] == "ok":
        outage.database_up()
        try:
            from aidtrack.jobs import sweep_stale_runs

            sweep_stale_runs()
        except DatabaseError:
            close_if_broken()
    else:
        close_if_broken()
    return JsonResponse({"status": "ready" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)
