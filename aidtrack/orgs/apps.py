from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "aidtrack.orgs"
    verbose_name = "Organizations and parties"
