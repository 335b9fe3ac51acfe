from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "aidtrack.demo"
    verbose_name = "Demo scenario"
