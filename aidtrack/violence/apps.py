from django.apps import AppConfig


class ViolenceConfig(AppConfig):
    name = "aidtrack.violence"
    verbose_name = "Conflict events (violence layer)"
