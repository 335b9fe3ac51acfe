"""aidtrack: a humanitarian access tracker."""

from django.db.models.signals import class_prepared

from aidtrack.labels import translate_derived_names

# Names Django derives from field and class names are shown translated (aidtrack/labels.py).
class_prepared.connect(translate_derived_names, dispatch_uid="aidtrack.labels")
