from django.apps import AppConfig


class JobsConfig(AppConfig):
    """The job queue: long work (imports) runs in a worker process, through Django's tasks interface."""

    name = "aidtrack.jobs"
    verbose_name = "Jobs"
