from django.apps import AppConfig


def admin_area_changed(sender, **kwargs):
    from aidtrack.geo.state import mark_geodata_changed

    mark_geodata_changed()


class GeoConfig(AppConfig):
    name = "aidtrack.geo"
    verbose_name = "Geography"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from aidtrack.geo.models import AdminArea

        post_save.connect(admin_area_changed, sender=AdminArea, dispatch_uid="geo.admin_area_saved")
        post_delete.connect(admin_area_changed, sender=AdminArea, dispatch_uid="geo.admin_area_deleted")
