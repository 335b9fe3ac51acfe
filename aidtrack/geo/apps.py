from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "aidtrack.geo"
    verbose_name = "Geography"
