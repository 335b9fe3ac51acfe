"""Checking a signed-in user's own password where a page or the API asks for it again."""

from django.contrib.auth import authenticate


def password_is_right(request, user, password: str) -> bool:
    """Check the password through Django's ``authenticate``, so that django-axes counts a wrong one (and refuses
    while the account is locked out) as on the sign-in page; ``user.check_password`` would be a way around it."""
    django_request = getattr(request, "_request", request)
    checked = authenticate(django_request, username=user.get_username(), password=password or "")
    return checked is not None and checked.pk == user.pk
