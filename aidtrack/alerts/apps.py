from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "aidtrack.alerts"
    verbose_name = _("Alerts and webhooks")

    def ready(self):
        from aidtrack.alerts import signals  # noqa: F401  (records an alert event when a record changes)
