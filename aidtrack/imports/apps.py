from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """The import kernel: runs, uploads, column mappings, values, the row loop and the preview.

    It sits at the bottom of the house: it imports no other aidtrack app. The
    domain apps register their importers here (``kinds.register``) from their
    own ``ready``.
    """

    name = "aidtrack.imports"
    verbose_name = "Imports"
