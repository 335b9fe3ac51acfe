"""Writing the register: status periods (one open at a time, never overlapping) and population."""

import datetime

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from aidtrack.areas.models import AccessStatus, Area, StatusPeriod
from aidtrack.errors import check_version
from aidtrack.geo.bulk import Target
from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.geo.placement import NO_MATCH, placement_index
from aidtrack.geo.services import place_point
from aidtrack.orgs.permissions import can_write_for, is_site_admin


def check_may_update(by, organization) -> None:
    if organization is None:
        if not is_site_admin(by):
            raise PermissionDenied(_("Say which of your organizations records this status change."))
    elif not can_write_for(by, organization):
        raise PermissionDenied(
            _("%(user)s may not record area updates for %(organization)s.")
            % {"user": by, "organization": organization.short_name}
        )


def area_assign_admin_areas(area: Area) -> None:
    """Fill the governorate, district and sub-district from the area's point.

    Without a point the governorate stays as the user gave it; a point
    outside every boundary keeps it too, and says so in ``placement_problem``.
    """
    if area.latitude is None or area.longitude is None:
        area.admin2 = area.admin3 = None
        area.placement_problem = ""
        return
    placement = place_point(area.latitude, area.longitude)
    area.placement_problem = placement.problem
    if placement.is_placed:
        area.governorate = placement.admin1
        area.admin2 = placement.admin2
        area.admin3 = placement.admin3


def area_placement_target() -> Target:
    """Register areas with a point, for assigning admin areas in bulk after a boundary update."""
    return Target(
        name="register areas",
        model=Area,
        points=lambda: Area.objects.filter(latitude__isnull=False, longitude__isnull=False).values_list(
            "pk", "latitude", "longitude"
        ),
        fields={"admin1": "governorate", "admin2": "admin2", "admin3": "admin3"},
        problem_field="placement_problem",
    )


@transaction.atomic
def area_create(*, by, organization=None, communities=(), besieging_parties=(), **fields) -> Area:
    """Add a place to the register for ``organization`` (its status periods are recorded separately)."""
    check_may_update(by, organization)
    area = Area(**fields)
    area_assign_admin_areas(area)
    area.full_clean()
    _check_communities(communities)
    area._history_user = by
    area._history_organization = organization
    area.save()
    area.communities.set(communities)
    area.besieging_parties.set(besieging_parties)
    return area


@transaction.atomic
def area_update_details(
    *,
    area: Area,
    by,
    organization=None,
    expected_version: int | None = None,
    name_ar: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    communities=None,
    besieging_parties=None,
    import_key: str | None = None,
) -> Area:
    """Change an area's Arabic name, point, communities, besieging parties or import key.

    An argument left as None leaves that detail as it is. A new point places
    the area in its admin areas again. The change is one versioned step of
    the area's history, with the parties and communities as they are after it.
    """
    area = _lock(area)
    check_version(area, expected_version)
    check_may_update(by, organization)
    if name_ar is not None:
        area.name_ar = name_ar.strip()
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("Give both latitude and longitude, or neither."))
    if latitude is not None:
        area.latitude, area.longitude = latitude, longitude
        area_assign_admin_areas(area)
    if import_key is not None:
        area.import_key = import_key.strip() or None
    area.full_clean()
    if communities is not None:
        _check_communities(communities)
        area.communities.set(communities)
    if besieging_parties is not None:
        area.besieging_parties.set(besieging_parties)
    _touch(area, by, organization)
    return area


def _check_communities(communities) -> None:
    wrong = [c for c in communities if c.level != AdminLevel.COMMUNITY]
    if wrong:
        names = ", ".join(
            _("%(name)s (%(pcode)s, level %(level)s)") % {"name": c.name, "pcode": c.pcode, "level": c.level}
            for c in wrong
        )
        raise ValidationError(
            {"communities": _("An area covers communities (admin level 4), not %(names)s.") % {"names": names}}
        )


def _lock(area: Area) -> Area:
    return Area.objects.select_for_update().get(pk=area.pk)


@transaction.atomic
def area_set_status(
    *,
    area: Area,
    status: str,
    start_date: datetime.date,
    source: str,
    by,
    organization=None,
    note: str = "",
    expected_version: int | None = None,
) -> StatusPeriod:
    """Record that the area's status changed on ``start_date``: the current period ends there."""
    area = _lock(area)
    check_version(area, expected_version)
    check_may_update(by, organization)
    if status not in AccessStatus.values:
        raise ValidationError(
            {
                "status": _("%(status)r is not a status: use one of %(statuses)s.")
                % {"status": status, "statuses": ", ".join(AccessStatus.values)}
            }
        )
    if not source.strip():
        raise ValidationError({"source": _("Say where the status comes from (e.g. OCHA besieged list, Oct 2016).")})
    current = area.status_periods.filter(end_date__isnull=True).first()
    if current is not None:
        if current.status == status:
            raise ValidationError(
                {
                    "status": _("%(area)s is already %(status)s (since %(date)s).")
                    % {
                        "area": area,
                        "status": current.get_status_display().lower(),
                        "date": date_format(current.start_date),
                    }
                }
            )
        if start_date <= current.start_date:
            raise ValidationError(
                {
                    "start_date": _(
                        "The current status of %(area)s (%(status)s) started on %(date)s; a change must start "
                        "after it. To correct the current period, edit that period instead."
                    )
                    % {
                        "area": area,
                        "status": current.get_status_display().lower(),
                        "date": date_format(current.start_date),
                    }
                }
            )
        current.end_date = start_date
        current._history_user = by
        current.full_clean()
        current.save()
    later = area.status_periods.filter(start_date__gte=start_date).first()
    if later is not None:
        raise ValidationError(
            {
                "start_date": _("%(area)s already has a period starting %(date)s; record changes in date order.")
                % {"area": area, "date": date_format(later.start_date)}
            }
        )
    period = StatusPeriod(
        area=area,
        status=status,
        start_date=start_date,
        source=source.strip(),
        note=note,
        organization=organization,
        recorded_by=by,
    )
    period.full_clean()
    period._history_user = by
    period.save()
    _touch(area, by, organization)
    return period


@transaction.atomic
def status_period_add(
    *,
    area: Area,
    status: str,
    start_date: datetime.date,
    end_date: datetime.date | None,
    source: str,
    by,
    organization=None,
    note: str = "",
) -> StatusPeriod:
    """Add a period to the area's history (e.g. from an older list); it may not overlap another."""
    area = _lock(area)
    check_may_update(by, organization)
    period = StatusPeriod(
        area=area,
        status=status,
        start_date=start_date,
        end_date=end_date,
        source=source.strip(),
        note=note,
        organization=organization,
        recorded_by=by,
    )
    period.full_clean()
    period._history_user = by
    period.save()
    _touch(area, by, organization)
    return period


@transaction.atomic
def area_update_population(
    *,
    area: Area,
    population: int,
    population_date: datetime.date,
    population_source: str,
    by,
    organization=None,
    expected_version: int | None = None,
) -> Area:
    area = _lock(area)
    check_version(area, expected_version)
    check_may_update(by, organization)
    if population is None or population < 0:
        raise ValidationError({"population": _("A population estimate is a whole number, 0 or more.")})
    if not population_source.strip():
        raise ValidationError({"population_source": _("Say where the estimate comes from.")})
    area.population = population
    area.population_date = population_date
    area.population_source = population_source.strip()
    area.full_clean()
    _touch(area, by, organization)
    return area


def _touch(area: Area, by, organization) -> None:
    area.version += 1
    area._history_user = by
    area._history_organization = organization
    area.save()


# How often a community list's register changes report their progress (each is checked one by one).
REGISTER_PROGRESS_EVERY = 250


@transaction.atomic
def areas_register_from_list(*, changes: list, as_of, source: str, organization, by, progress=None) -> None:
    """Apply a community list's statuses: new register areas (with their first period), then status changes.

    ``progress(n)`` hears how many of the changes are done, every ``REGISTER_PROGRESS_EVERY`` (a list of OCHA's
    size adds some 2,500 areas, each checked with ``full_clean``: seconds that a run's page should show moving).

    Each change names its ``row`` (pcode, latitude, longitude, population, where), its import ``key``, the
    stored ``area`` (None for a new one), the ``status`` and, for a new area, its ``name``. New areas and their
    periods are checked one by one (``full_clean``) and then written in batches; a stored area changes through
    ``area_set_status``, so the register's rules are kept in one place.
    """
    check_may_update(by, organization)
    progress = progress or (lambda done: None)
    pcodes = {change.row.pcode for change in changes}
    community_pks = dict(AdminArea.objects.filter(pcode__in=pcodes).values_list("pcode", "pk"))
    fresh = [change for change in changes if change.area is None]
    if fresh:
        rows = [change.row for change in fresh]
        with_point = [i for i, row in enumerate(rows) if row.latitude is not None]
        placed = placement_index().place_many(
            np.array([rows[i].latitude for i in with_point], dtype=float),
            np.array([rows[i].longitude for i in with_point], dtype=float),
        )
        placement = {
            i: (placed.admin1_ids[j], placed.admin2_ids[j], placed.admin3_ids[j], placed.problems.get(j, ""))
            for j, i in enumerate(with_point)
        }
        areas = []
        for i, change in enumerate(fresh):
            if i and i % REGISTER_PROGRESS_EVERY == 0:
                progress(i // 2)  # half the work of a new area: its period is checked and written after
            admin1, admin2, admin3, problem = placement.get(i, (NO_MATCH, NO_MATCH, NO_MATCH, ""))
            area = Area(
                name_en=change.name,
                import_key=change.key,
                latitude=change.row.latitude,
                longitude=change.row.longitude,
                governorate_id=None if admin1 == NO_MATCH else int(admin1),
                admin2_id=None if admin2 == NO_MATCH else int(admin2),
                admin3_id=None if admin3 == NO_MATCH else int(admin3),
                placement_problem=problem,
                population=change.row.population,
                population_date=as_of if change.row.population is not None else None,
                population_source=source if change.row.population is not None else "",
            )
            area.full_clean(exclude=["communities"], validate_unique=False)
            areas.append(area)
        bulk_create_with_history(areas, Area, batch_size=1000, default_user=by, default_change_reason=source)
        created = dict(Area.objects.filter(import_key__in=[c.key for c in fresh]).values_list("import_key", "pk"))
        links = [
            Area.communities.through(area_id=created[change.key], adminarea_id=community_pks[change.row.pcode])
            for change in fresh
            if change.row.pcode in community_pks
        ]
        Area.communities.through.objects.bulk_create(links, batch_size=1000)
        periods = [
            StatusPeriod(
                area_id=created[change.key],
                status=change.status,
                start_date=as_of,
                source=source,
                organization=organization,
                recorded_by=by,
            )
            for change in fresh
        ]
        progress(len(fresh) // 2)
        for i, period in enumerate(periods):
            if i and i % REGISTER_PROGRESS_EVERY == 0:
                progress((len(fresh) + i) // 2)
            period.full_clean(exclude=["area"], validate_unique=False, validate_constraints=False)
        bulk_create_with_history(periods, StatusPeriod, batch_size=1000, default_user=by, default_change_reason=source)
        progress(len(fresh))
    done = len(fresh)
    for change in changes:
        if change.area is None:
            continue
        done += 1
        if done % REGISTER_PROGRESS_EVERY == 0:
            progress(done)
        area = change.area
        if area.import_key != change.key:
            Area.objects.filter(pk=area.pk).update(import_key=change.key)
        try:
            area_set_status(
                area=area, status=change.status, start_date=as_of, source=source, by=by, organization=organization
            )
        except ValidationError as error:
            raise ValidationError(f"{change.row.where} ({area}): {'; '.join(error.messages)}") from error
        population = change.row.population
        if population is not None and population != area.population:
            area_update_population(
                area=area,
                population=population,
                population_date=as_of,
                population_source=source,
                by=by,
                organization=organization,
            )
