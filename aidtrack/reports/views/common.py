"""What the report pages share: answering bad input with a page that says how to fix it."""

from django.shortcuts import render


def problem(request, message: str, status: int = 400):
    return render(request, "reports/problem.html", {"message": message}, status=status)
