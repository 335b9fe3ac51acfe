from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "aidtrack.web"
    verbose_name = "Web pages"
