"""Public pages."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


def home(request):
    return render(request, "web/home.html", {})


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
