from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "aidtrack.accounts"
    verbose_name = _("Sign-in and security")

    def ready(self):
        from aidtrack.accounts import signals  # noqa: F401  (records sign-ins, failures and lockouts)
