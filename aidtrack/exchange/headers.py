"""Column headers of CSV and XLSX downloads in the reader's language (README, "Arabic and translations").

The first row of a download names each column: in English the field's own name (``occurred_on``), as scripts
expect; in Arabic a header an Arabic reader understands (``تاريخ الوقوع``). The second row, the HXL hashtags, is
the same in every language, and the importers recognise a column by its hashtag, so a file downloaded in Arabic
imports back unchanged. Every exported column must have a header here (``tests/api/test_download_headers.py``).
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from aidtrack.imports.columns import normalise
from aidtrack.names import arabic_requested

HEADERS = {
    "id": _("Identifier"),
    "reference": _("Reference"),
    "kind": _("Kind"),
    "category": _("Category code"),
    "category_label": _("Category"),
    "title": _("Title"),
    "occurred_on": _("Date of the incident"),
    "occurred_time": _("Time of the incident"),
    "date_precision": _("Date precision"),
    "location_name": _("Place name"),
    "latitude": _("Latitude"),
    "longitude": _("Longitude"),
    "geo_precision": _("Location precision"),
    "location_generalised": _("Place generalised"),
    "location_generalised_to": _("Generalised to"),
    "admin1_pcode": _("Governorate P-code"),
    "admin1_name": _("Governorate"),
    "admin2_pcode": _("District P-code"),
    "admin2_name": _("District"),
    "admin3_pcode": _("Sub-district P-code"),
    "admin3_name": _("Sub-district"),
    "community_pcode": _("Community P-code"),
    "community_name": _("Community"),
    "area_id": _("Register area identifier"),
    "area_name": _("Register area"),
    "convoy_reference": _("Convoy reference"),
    "organization": _("Organization"),
    "organization_acronym": _("Organization acronym"),
    "perpetrator": _("Perpetrator"),
    "perpetrator_kind": _("Perpetrator type"),
    "public_summary": _("Public summary"),
    "people_killed": _("People killed"),
    "people_injured": _("People injured"),
    "weapon": _("Weapon or means"),
    "perpetrator_as_given": _("Perpetrator as the source names it"),
    "national_aid_workers_killed": _("National aid workers killed"),
    "national_aid_workers_injured": _("National aid workers injured"),
    "national_aid_workers_kidnapped": _("National aid workers kidnapped"),
    "national_aid_workers_arrested": _("National aid workers arrested"),
    "international_aid_workers_killed": _("International aid workers killed"),
    "international_aid_workers_injured": _("International aid workers injured"),
    "international_aid_workers_kidnapped": _("International aid workers kidnapped"),
    "international_aid_workers_arrested": _("International aid workers arrested"),
    "facilities_damaged": _("Facilities damaged"),
    "facilities_destroyed": _("Facilities destroyed"),
    "attribution": _("Attribution required by the source's licence"),
    "aid_workers_killed": _("Aid workers killed"),
    "aid_workers_injured": _("Aid workers injured"),
    "aid_workers_abducted": _("Aid workers abducted"),
    "aid_workers_detained": _("Aid workers detained"),
    "vehicles_damaged": _("Vehicles damaged"),
    "supplies_lost": _("Supplies lost"),
    "beneficiaries_affected": _("Beneficiaries affected"),
    "access_effect": _("Effect on access"),
    "verification_status": _("Verification"),
    "verified_at": _("Verified at"),
    "visibility": _("Visibility"),
    "reported_at": _("Reported at"),
    "updated_at": _("Last updated"),
    "full_view": _("Full record"),
    "exact_location_published": _("Exact place published"),
    "stated_area_pcode": _("Stated area P-code"),
    "internal_description": _("Internal description"),
    "external_id": _("External identifier"),
    "reported_by": _("Reported by"),
    "verified_by": _("Verified by"),
    "verification_note": _("Verification note"),
    "version": _("Version"),
    "notes": _("Notes"),
    "lead_organization": _("Lead organization"),
    "partner_organizations": _("Partner organizations"),
    "modality": _("Modality"),
    "status": _("Status"),
    "origin_name": _("Origin"),
    "origin_pcode": _("Origin P-code"),
    "plan_month": _("Plan month"),
    "trucks": _("Trucks"),
    "requested_date": _("Request date"),
    "planned_date": _("Planned dispatch date"),
    "destinations": _("Destinations"),
    "planned_beneficiaries": _("Planned beneficiaries"),
    "reached_beneficiaries": _("Beneficiaries reached"),
    "cargo_lines": _("Cargo"),
    "name_en": _("Name (English)"),
    "name_ar": _("Name (Arabic)"),
    "governorate_pcode": _("Governorate P-code"),
    "governorate_name": _("Governorate"),
    "district_pcode": _("District P-code"),
    "district_name": _("District"),
    "community_pcodes": _("Community P-codes"),
    "population": _("Population"),
    "population_date": _("Population date"),
    "population_source": _("Population source"),
    "besieging_parties": _("Besieging parties"),
    "as_of": _("As of"),
    "status_since": _("Status since"),
    "days_under_siege": _("Days under siege"),
    "name": _("Name"),
    "starts_at": _("Starts"),
    "ends_at": _("Ends"),
    "announced_on": _("Announced on"),
    "brokers": _("Brokers"),
    "summary": _("Summary"),
    "source": _("Source"),
    "area_ids": _("Register area identifiers"),
    "governorate_pcodes": _("Governorate P-codes"),
    "excluded_party_ids": _("Excluded party identifiers"),
    "conditions": _("Conditions"),
    "event_id": _("Event identifier"),
    "event_date": _("Event date"),
    "event_type": _("Event type"),
    "sub_event_type": _("Sub-event type"),
    "actor1": _("Actor 1"),
    "actor2": _("Actor 2"),
    "location": _("Location"),
    "fatalities": _("Fatalities"),
    "imported_at": _("Imported at"),
}


def column_header(key: str) -> str:
    """The first-row header of a column: its field name, or in Arabic its Arabic header."""
    if arabic_requested() and key in HEADERS:
        return str(HEADERS[key])
    return key


def arabic_header_names(names: set[str]) -> set[str]:
    """The Arabic download headers of the columns an importer knows by these (normalised) English ``names``,
    normalised the same way: a file downloaded in Arabic is then read exactly as the English one is."""

    with translation.override("ar"):
        return {normalise(str(header)) for key, header in HEADERS.items() if normalise(key) in names}
