from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "aidtrack.staff"
    verbose_name = "Staff screens"
