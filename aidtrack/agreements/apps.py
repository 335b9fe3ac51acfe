from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "aidtrack.agreements"
    verbose_name = "Agreements"
