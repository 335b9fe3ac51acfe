from django.apps import AppConfig


def run_communities(source, **options):
    """The community import on the run machinery (``imports.files``); read lazily, as the other importers."""
    from aidtrack.areas.importers.communities import run_communities

    return run_communities(source, **options)


class AreasConfig(AppConfig):
    name = "aidtrack.areas"
    verbose_name = "Besieged and hard-to-reach areas"

    def ready(self):
        from aidtrack.areas.importers import KIND
        from aidtrack.imports import files
        from aidtrack.imports.kinds import register
        from aidtrack.imports.models import ImportKind

        register(KIND)
        from aidtrack.geo.apps import AREA_PERMS, TABLE_UPLOADS

        # Access statuses go into the register through its own rule (a site admin, or a reporter of the
        # organization named for the run), checked when the list is.
        files.register(
            files.FileKind(
                ImportKind.COMMUNITIES,
                run_communities,
                suffixes=TABLE_UPLOADS,
                perms=AREA_PERMS,
                bound="max_rows",
                position=20,
            )
        )
        from simple_history.signals import pre_create_historical_record

        from aidtrack.areas.models import Area

        pre_create_historical_record.connect(_record_organization, sender=Area.history.model)


def _record_organization(sender, instance, history_instance, **kwargs):
    """The services say which organization a change is recorded for (``_history_organization``)."""
    organization = getattr(instance, "_history_organization", None)
    history_instance.history_organization_id = getattr(organization, "pk", organization)
