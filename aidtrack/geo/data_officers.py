"""The "Data officers" group: the accounts that load platform-wide geodata on the staff import page.

Boundaries, community lists, population tables and roads are reference data for every organization, so no
organization role grants loading them (README, "Importing OCHA geodata"). A data migration
(``geo/migrations/0007_data_officers_group.py``) creates this group in every installation with exactly the
permissions those uploads ask, so that a site administrator only adds people to it (Django admin: Users → the
account → Groups). It grants loading only: what a member sees of incidents, convoys and areas is still decided by
their organization roles, through the selectors, which read no Django permission.
"""

DATA_OFFICERS = "Data officers"
# What the geodata tabs of the staff import page ask (the ``perms`` of the file kinds registered by the geo and
# areas apps): add and change admin areas (boundaries, communities, population), add a roads layer.
DATA_OFFICER_PERMISSIONS = frozenset({"geo.add_adminarea", "geo.change_adminarea", "geo.add_contextlayer"})


def data_officers_group():
    """The group, made again with its permissions if it is missing (migrate made it; a site administrator may have
    deleted it, or a test emptied the database)."""
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name=DATA_OFFICERS)
    if created:
        codenames = [name.removeprefix("geo.") for name in DATA_OFFICER_PERMISSIONS]
        group.permissions.set(Permission.objects.filter(content_type__app_label="geo", codename__in=codenames))
    return group
