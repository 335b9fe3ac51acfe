"""The language switch shown on every page, and the direction of the page."""

from django import template
from django.conf import settings
from django.utils import translation

from aidtrack.web.i18n import path_without_language

register = template.Library()


@register.inclusion_tag("web/_language_switch.html", takes_context=True)
def language_switch(context):
    """A form posting to ``set_language`` with one button per other language, each named in its own language:
    works without JavaScript and needs no inline script."""
    request = context.get("request")
    current = translation.get_language()
    return {
        "csrf_token": context.get("csrf_token"),
        "next": path_without_language(request) if request is not None else "/",
        "choices": [(code, name) for code, name in settings.LANGUAGES if code != current],
    }


@register.simple_tag
def page_direction() -> str:
    return "rtl" if translation.get_language_bidi() else "ltr"
