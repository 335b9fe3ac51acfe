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


def run_roads(source, **options):
    from aidtrack.geo.context_layers import run_roads

    return run_roads(source, **options)


VECTOR_UPLOADS = frozenset({".zip", ".gpkg", ".geojson", ".json"})
TABLE_UPLOADS = frozenset({".csv", ".txt", ".xlsx"})
# Admin areas are platform-wide reference data: who may add and change them may load them (a site admin may all).
AREA_PERMS = ("geo.add_adminarea", "geo.change_adminarea")


class GeoConfig(AppConfig):
    name = "aidtrack.geo"
    verbose_name = "Geography"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from aidtrack.geo.models import AdminArea
        from aidtrack.imports.files import FileKind, register
        from aidtrack.imports.models import ImportKind

        register(
            FileKind(
                ImportKind.BOUNDARIES,
                run_boundaries,
                suffixes=VECTOR_UPLOADS,
                perms=AREA_PERMS,
                bound="max_features",
                position=10,
            )
        )
        register(
            FileKind(
                ImportKind.POPULATION,
                run_population,
                suffixes=TABLE_UPLOADS,
                perms=("geo.change_adminarea",),
                bound="max_rows",
                position=30,
            )
        )
        # Roads bound their lines themselves (AIDTRACK_CONTEXT_LAYER_MAX_LINES); the admin's upload asks the same.
        register(
            FileKind(ImportKind.ROADS, run_roads, suffixes=VECTOR_UPLOADS, perms=("geo.add_contextlayer",), position=40)
        )

        post_save.connect(admin_area_changed, sender=AdminArea, dispatch_uid="geo.admin_area_saved")
        post_delete.connect(admin_area_changed, sender=AdminArea, dispatch_uid="geo.admin_area_deleted")
