from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "aidtrack.incidents"
    verbose_name = "Access incidents"
