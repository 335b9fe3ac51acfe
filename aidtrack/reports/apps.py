from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "aidtrack.reports"
    verbose_name = "Public reports"
