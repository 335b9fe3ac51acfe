from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "aidtrack.incidents"
    verbose_name = "Access incidents"

    def ready(self):
        from aidtrack.imports.kinds import register
        from aidtrack.incidents.importers import KIND

        register(KIND)
