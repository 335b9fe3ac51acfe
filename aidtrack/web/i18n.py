"""The language of each request, and the switch that changes it (README, "Translations").

Django's LocaleMiddleware reads the language cookie, else the browser's Accept-Language. On top of it:

- ``?lang=ar`` on any address shows that page in Arabic and keeps the choice in the cookie, so that a link or
  a permalink sent to a colleague opens in the language it was copied in;
- a signed-in account's own language (``accounts.Profile.language``) is applied at sign-in and in a browser that
  has not chosen one yet, so the choice follows the person from the office laptop to their phone;
- the switch on every page posts to Django's ``set_language`` through :func:`set_language`, which also remembers
  the choice on the account.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

LANGUAGE_PARAMETER = "lang"


def supported_language(code: str | None) -> str | None:
    """The language of ours that ``code`` names (``ar``, ``ar-SY``, ``EN``), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


def account_language(user) -> str | None:
    if not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
    return supported_language(profile.language) if profile else None


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class ChosenLanguageMiddleware:
    """``?lang=`` and the account's language, applied after Django's LocaleMiddleware has chosen from the
    cookie and Accept-Language (it runs after AuthenticationMiddleware, to know the account)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = supported_language(request.GET.get(LANGUAGE_PARAMETER))
        if language is None and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            language = account_language(request.user)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # A sign-in during this request may have chosen the account's language (see ``apply_account_language``).
        language = getattr(request, "signed_in_language", None) or language
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            set_language_cookie(response, language)
        return response


@receiver(user_logged_in, dispatch_uid="aidtrack.web.i18n.account_language")
def apply_account_language(sender, request, user, **kwargs):
    """At sign-in, the account's language wins over the browser's; an account without one remembers the language
    chosen with the switch before signing in, so that its next browser opens in it too."""
    if request is None:
        return
    from aidtrack.accounts.services import profile_set_language

    language = account_language(user)
    if language is None:
        chosen = supported_language(getattr(request, "COOKIES", {}).get(settings.LANGUAGE_COOKIE_NAME))
        if chosen:
            profile_set_language(user=user, language=chosen)
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language
    request.signed_in_language = language


@require_POST
def set_language(request):
    """Django's ``set_language`` (cookie, then back to ``next``), and the account remembers the choice."""
    response = django_set_language(request)
    language = supported_language(request.POST.get("language"))
    if language and request.user.is_authenticated:
        from aidtrack.accounts.services import profile_set_language

        profile_set_language(user=request.user, language=language)
    return response


def path_without_language(request) -> str:
    """The address of this page without ``?lang=``, for the switch's ``next`` (the parameter would win over the
    new choice)."""
    query = [(key, value) for key, values in request.GET.lists() for value in values if key != LANGUAGE_PARAMETER]
    return request.path + (f"?{urlencode(query)}" if query else "")
