"""Ready-made column plans for public incident datasets that NGOs exchange.

A preset is chosen like a saved mapping ("Preset: Aid Worker Security Database") and can be adjusted on the
column plan page, then saved as the organization's own mapping. ACLED's conflict events have their own importer
(``violence``), since they are not access incidents.
"""

from django.utils.translation import gettext_lazy as _

AWSD_ATTRIBUTION = "Humanitarian Outcomes, Aid Worker Security Database (aidworkersecurity.org)"

# The Aid Worker Security Database's export: one row per incident, its date in Year, Month, Day columns,
# aid workers affected by nationality and outcome (its codebook's split).
AWSD = {
    "columns": {
        "external_id": "Incident ID",
        "occurred_year": "Year",
        "occurred_month": "Month",
        "occurred_day": "Day",
        "country": "Country",
        "adm1_name": "Region",
        "adm2_name": "District",
        "location_name": "City",
        "latitude": "Latitude",
        "longitude": "Longitude",
        "national_aid_workers_killed": "Nationals killed",
        "national_aid_workers_injured": "Nationals wounded",
        "national_aid_workers_kidnapped": "Nationals kidnapped",
        "international_aid_workers_killed": "Internationals killed",
        "international_aid_workers_injured": "Internationals wounded",
        "international_aid_workers_kidnapped": "Internationals kidnapped",
        "aid_workers_killed": "Total killed",
        "aid_workers_injured": "Total wounded",
        "aid_workers_abducted": "Total kidnapped",
        "weapon": "Means of attack",
        "perpetrator": "Actor name",
        "public_summary": "Details",
    },
    "ignored": [
        "Country Code",
        "UN",
        "INGO",
        "ICRC",
        "NRCS and IFRC",
        "NNGO",
        "Other",
        "Total nationals",
        "Total internationals",
        "Total affected",
        "Gender Male",
        "Gender Female",
        "Gender Unknown",
        "Attack context",
        "Location",
        "Motive",
        "Actor type",
        "Verified",
        "Source",
    ],
    "constants": {
        "category": "5",
        "kind": "obstruction",
        "source_name": "Aid Worker Security Database",
        "source_type": "other",
        "source_reference": "https://www.aidworkersecurity.org/",
        "source_licence": AWSD_ATTRIBUTION,
    },
}

# HXL-tagged files from HDX: the common access hashtags are recognised as they are (#date+occurred,
# #event+type, #group+name+perp, #adm1+name, #adm1+code, #loc+name, #geo+lat, #geo+lon, #affected+killed, ...);
# the preset leaves the organization and status columns out and keeps the rows it cannot read aside.
HDX_HXL = {
    "ignored": [],
    "refused_rows": "skip",
    "constants": {"source_type": "un"},
}

INSECURITY_INSIGHT_ATTRIBUTION = "Insecurity Insight (insecurityinsight.org), via HDX, CC BY 4.0"

# Insecurity Insight's incident datasets on HDX (attacks on health care; aid workers killed, kidnapped or arrested;
# education, food systems): an HXL row, one row per event with its SiND event id, the precision as numbered labels
# (recoded here), the perpetrator's kind ("State Military", left out) beside its name (the perpetrator). The
# counts of health or aid workers and of facilities are recognised by their hashtags. There is no category: 5
# (violence against humanitarian personnel, assets and facilities) is given for every row, to be changed by a
# rule on the column plan where the file says more.
INSECURITY_INSIGHT = {
    "ignored": ["Country ISO", "Reported Perpetrator"],
    "recodings": {
        "geo_precision": {
            "(1) Exact Location": "1",
            "(1) Exact location": "1",
            "(2) 25 km Precision": "2",
            "(3) District, Communicipality or Commune": "adm2",
            "(3) District, Municipality or Commune": "adm2",
            "(4) Province, State, Governorate": "adm1",
            "(5) Linear Feature e.g. Along Road/River": "2",
            "(6) Country": "adm0",
            # Coordinates withheld from the public file: the row is known to its governorate (Admin 1).
            "censored": "adm1",
            "censored by HDX": "adm1",
        }
    },
    "constants": {
        "category": "5",
        "kind": "obstruction",
        "source_name": "Insecurity Insight",
        "source_type": "other",
        "source_reference": "https://data.humdata.org/organization/insecurity-insight",
        "source_licence": INSECURITY_INSIGHT_ATTRIBUTION,
    },
}

PRESETS = {
    "awsd": {"label": _("Aid Worker Security Database"), "plan": AWSD},
    "hdx-hxl": {"label": _("HXL-tagged file from HDX"), "plan": HDX_HXL},
    "insecurity-insight": {"label": _("Insecurity Insight incident data (HDX)"), "plan": INSECURITY_INSIGHT},
}
