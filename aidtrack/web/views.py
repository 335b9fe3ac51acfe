"""Public pages: what anyone may see without signing in."""

import datetime

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone

from aidtrack.web.selectors import public_overview


def home(request):
    day = timezone.localdate()
    requested = request.GET.get("as_of", "")
    error = ""
    if requested:
        try:
            day = datetime.date.fromisoformat(requested)
        except ValueError:
            error = f"“{requested}” is not a date: use YYYY-MM-DD, e.g. 2016-09-19."
    return render(request, "web/home.html", {"overview": public_overview(day), "as_of": day, "error": error})


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included."""
    return redirect(static("web/favicon.svg"), permanent=True)
