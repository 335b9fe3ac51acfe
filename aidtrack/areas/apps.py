from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "aidtrack.areas"
    verbose_name = "Besieged and hard-to-reach areas"

    def ready(self):
        from aidtrack.areas.importers import KIND
        from aidtrack.imports.kinds import register

        register(KIND)
        from simple_history.signals import pre_create_historical_record

        from aidtrack.areas.models import Area

        pre_create_historical_record.connect(_record_organization, sender=Area.history.model)


def _record_organization(sender, instance, history_instance, **kwargs):
    """The services say which organization a change is recorded for (``_history_organization``)."""
    organization = getattr(instance, "_history_organization", None)
    history_instance.history_organization_id = getattr(organization, "pk", organization)
