from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "aidtrack.api"
    verbose_name = "REST API"

    def ready(self):
        from aidtrack.api import (
            schema,  # noqa: F401  (registers the token scheme with drf-spectacular)
            signals,  # noqa: F401  (revokes tokens when a password changes)
        )
