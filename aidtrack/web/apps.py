from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "aidtrack.web"
    verbose_name = _("Web pages")

    def ready(self):
        from aidtrack.web import i18n  # noqa: F401  (applies an account's language at sign-in)
