"""How a convoy request reads in the API: in full for its lead and partner organizations, else its public part.

The public part leaves out internal notes, who created the request and
recorded each event, the event notes and the checkpoints' coordinates.
"""

from aidtrack.convoys.models import ConvoyRequest
from aidtrack.convoys.selectors import end_of_day
from aidtrack.convoys.services import DELIVERED_STATUSES
from aidtrack.orgs.audience import Audience

PUBLIC_COLUMNS = [
    ("id", "#meta+id"),
    ("reference", "#activity+convoy+ref"),
    ("title", "#activity+convoy+name"),
    ("lead_organization", "#org+name+lead"),
    ("partner_organizations", "#org+name+partner"),
    ("modality", "#activity+modality"),
    ("status", "#status+convoy"),
    ("origin_name", "#loc+name+origin"),
    ("origin_pcode", "#loc+code+origin"),
    ("plan_month", "#date+plan"),
    ("trucks", "#indicator+trucks"),
    ("requested_date", "#date+requested"),
    ("planned_date", "#date+planned"),
    ("destinations", "#loc+name+destination"),
    ("planned_beneficiaries", "#targeted"),
    ("reached_beneficiaries", "#reached"),
    ("cargo_lines", "#item+name"),
    ("visibility", "#meta+visibility"),
    ("updated_at", "#date+updated"),
]
FULL_ONLY_COLUMNS = [("full_view", "#meta+full"), ("notes", "#description+internal"), ("version", "#meta+version")]


def export_columns(audience: Audience):
    return PUBLIC_COLUMNS if audience.is_public else PUBLIC_COLUMNS + FULL_ONLY_COLUMNS


def is_full_view(convoy: ConvoyRequest, audience: Audience) -> bool:
    if audience.is_site_admin:
        return True
    orgs = {convoy.lead_organization_id, *(org.pk for org in convoy.partner_organizations.all())}
    return bool(orgs & audience.organization_ids)


def _org(org):
    return {
        "id": org.pk,
        "name": org.name,
        "acronym": org.acronym,
        "name_ar": org.name_ar,
        "acronym_ar": org.acronym_ar,
    }


def convoy_row(convoy: ConvoyRequest, audience: Audience) -> dict:
    """The convoy as ``audience`` may see it; read through ``convoys_as_of``, as it stood at the end of that day."""
    as_of = getattr(convoy, "as_of", None)
    full = is_full_view(convoy, audience)
    destinations = list(convoy.destinations.all())
    events = list(convoy.events.all())
    removals = list(convoy.removals.all())
    status = convoy.status
    if as_of is not None:
        until = end_of_day(as_of)
        events = [event for event in events if event.occurred_at < until]
        removals = [removal for removal in removals if removal.removed_on <= as_of]
        status = events[-1].to_status if events else convoy.status
    reached = as_of is None or status in DELIVERED_STATUSES
    row = {
        "id": convoy.pk,
        "reference": convoy.reference,
        "title": convoy.title,
        "lead_organization": _org(convoy.lead_organization),
        "partner_organizations": [_org(org) for org in convoy.partner_organizations.all()],
        "modality": convoy.modality,
        "status": status,
        "origin_name": convoy.origin_name,
        "origin_pcode": convoy.origin_area.pcode if convoy.origin_area_id else None,
        "origin_latitude": convoy.origin_latitude,
        "origin_longitude": convoy.origin_longitude,
        "plan_month": convoy.plan_month,
        "trucks": convoy.trucks,
        "requested_date": convoy.requested_date,
        "planned_date": convoy.planned_date,
        "destinations": [
            {
                "id": d.pk,
                "area_id": d.area_id,
                "community_pcode": d.community.pcode if d.community_id else None,
                "name": d.place_name,
                "latitude": _dest_point(d)[1],
                "longitude": _dest_point(d)[0],
                "planned_beneficiaries": d.planned_beneficiaries,
                "reached_beneficiaries": d.reached_beneficiaries if reached else None,
            }
            for d in destinations
        ],
        "planned_beneficiaries": sum(d.planned_beneficiaries for d in destinations),
        "reached_beneficiaries": sum(d.reached_beneficiaries or 0 for d in destinations) if reached else 0,
        "cargo_lines": [
            {
                "id": line.pk,
                "sector": line.sector,
                "item": line.item,
                "quantity": line.quantity,
                "unit": line.unit,
                "name": f"{line.quantity.normalize():f} {line.unit} {line.item}",
            }
            for line in convoy.cargo_lines.all()
        ],
        "events": [
            {
                "from_status": event.from_status,
                "to_status": event.to_status,
                "occurred_at": event.occurred_at,
                **({"note": event.note, "recorded_by": event.recorded_by.username} if full else {}),
            }
            for event in events
        ],
        "removals": [
            {
                "id": removal.pk,
                "cargo_line_id": removal.cargo_line_id,
                "item": removal.cargo_line.item,
                "unit": removal.cargo_line.unit,
                "quantity_removed": removal.quantity_removed,
                "removed_on": removal.removed_on,
                "place_name": removal.place_name,
                "party": removal.party.name if removal.party_id else None,
                "reason": removal.reason,
                **(
                    {
                        "latitude": removal.latitude,
                        "longitude": removal.longitude,
                        "incident_id": removal.incident_id,
                        "recorded_by": removal.recorded_by.username if removal.recorded_by_id else None,
                    }
                    if full
                    else {}
                ),
            }
            for removal in removals
        ],
        "visibility": convoy.visibility,
        "updated_at": convoy.updated_at,
    }
    if not audience.is_public:
        row.update(
            {
                "full_view": full,
                "notes": convoy.notes if full else None,
                "created_by": (convoy.created_by.username if convoy.created_by_id else None) if full else None,
                "version": convoy.version if full else None,
            }
        )
    return row


def _dest_point(destination):
    if destination.area_id and destination.area.latitude is not None:
        return destination.area.longitude, destination.area.latitude
    if destination.community_id:
        return destination.community.centroid_lon, destination.community.centroid_lat
    return None, None
