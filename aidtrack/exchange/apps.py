from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "aidtrack.exchange"
    verbose_name = "Bulk data exchange"
