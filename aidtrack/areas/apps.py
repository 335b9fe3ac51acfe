from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "aidtrack.areas"
    verbose_name = "Besieged and hard-to-reach areas"
