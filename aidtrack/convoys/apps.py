from django.apps import AppConfig


class ConvoysConfig(AppConfig):
    name = "aidtrack.convoys"
    verbose_name = "Convoy requests"
