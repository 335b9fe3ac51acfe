from django.apps import AppConfig


def admin_area_changed(sender, **kwargs):
    from aidtrack.geo.state import mark_geodata_changed

    mark_geodata_changed()


def run_boundaries(source, **options):
    """The boundary import on the run machinery (``imports.files``); read lazily, since it brings geopandas."""
    from aidtrack.geo.importers.boundaries import import_boundaries

    return import_boundaries(source, **options)


def run_population(source, **options):
    from aidtrack.geo.importers.population import import_population

    return import_population(source, **options)


class GeoConfig(AppConfig):
    name = "aidtrack.geo"
    verbose_name = "Geography"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from aidtrack.geo.models import AdminArea
        from aidtrack.imports.files import FileKind, register
        from aidtrack.imports.models import ImportKind

        register(FileKind(ImportKind.BOUNDARIES, run_boundaries))
        register(FileKind(ImportKind.POPULATION, run_population))

        post_save.connect(admin_area_changed, sender=AdminArea, dispatch_uid="geo.admin_area_saved")
        post_delete.connect(admin_area_changed, sender=AdminArea, dispatch_uid="geo.admin_area_deleted")
