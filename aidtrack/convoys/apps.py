from django.apps import AppConfig


class ConvoysConfig(AppConfig):
    name = "aidtrack.convoys"
    verbose_name = "Convoy requests"

    def ready(self):
        from aidtrack.convoys.importers import KIND
        from aidtrack.imports.kinds import register

        register(KIND)
