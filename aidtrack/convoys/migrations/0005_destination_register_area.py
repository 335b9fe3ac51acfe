from collections import defaultdict

from django.db import migrations


def link_register_areas(apps, schema_editor):
    """Destinations given as a community count for the register area covering it (when exactly one does).

    Until now a destination chosen as a community was never linked to its
    register area, so that area's last delivery did not change with it.
    """
    Area = apps.get_model("areas", "Area")
    ConvoyDestination = apps.get_model("convoys", "ConvoyDestination")
    covering = defaultdict(set)
    for area_id, community_id in Area.communities.through.objects.values_list("area_id", "adminarea_id"):
        covering[community_id].add(area_id)
    unlinked = ConvoyDestination.objects.filter(area__isnull=True, community__isnull=False)
    for destination_id, community_id in unlinked.values_list("pk", "community_id"):
        areas = covering.get(community_id, ())
        if len(areas) == 1:
            ConvoyDestination.objects.filter(pk=destination_id).update(area_id=next(iter(areas)))


class Migration(migrations.Migration):

    dependencies = [
        ("areas", "0003_area_history_organization"),
        ("convoys", "0004_reference_unique_per_lead"),
    ]

    operations = [
        migrations.RunPython(link_register_areas, migrations.RunPython.noop),
    ]
