from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running aidtrack on several servers: health and readiness, the answer while the database is down, the cache."""

    name = "aidtrack.ops"
    verbose_name = "Operations"
