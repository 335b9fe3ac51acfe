"""Every installation gets the "Data officers" group (``aidtrack.geo.data_officers``), with exactly the permissions
the staff page's geodata uploads ask, so that a site administrator only adds people to it.

The names are written out here rather than imported, so that this migration stays what it was when it ran.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Data officers"
PERMISSIONS = [("adminarea", "add_adminarea"), ("adminarea", "change_adminarea"), ("contextlayer", "add_contextlayer")]


def create_group(apps, schema_editor):
    database = schema_editor.connection.alias
    # On a fresh database Django makes the permissions only after the last migration (post_migrate): make geo's now.
    geo = apps.get_app_config("geo")
    geo.models_module = True  # a migration state's app says it has no models module, and would be skipped
    create_permissions(geo, verbosity=0, using=database, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(database).get_or_create(name=GROUP)
    wanted = [
        Permission.objects.using(database).get(content_type__app_label="geo", content_type__model=model, codename=code)
        for model, code in PERMISSIONS
    ]
    # Through the link table itself: a many-to-many signal here would reach handlers that read tables later
    # migrations create (the data version's stamp).
    Link = Group.permissions.through
    Link.objects.using(database).bulk_create(
        [Link(group_id=group.pk, permission_id=permission.pk) for permission in wanted], ignore_conflicts=True
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0006_context_layer"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
