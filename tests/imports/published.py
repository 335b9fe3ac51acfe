"""Sample files shaped as public datasets on Syria are published, built here (no downloaded data is committed).

Each builder writes one file as its publisher gives it: its real column names and HXL row, its value vocabulary
and its quirks (a byte-order mark, a title row above the header, trailing blank columns, numbers as text,
"Unknown" and "N/A", US dates or Excel dates, Arabic place names, country-level rows without coordinates, a very
long description, a repeated row). The place names are those of the test geography and the demo: Rural
Damascus (SY03) and Madaya (C2450), spelt as the publisher spells them.
"""

import csv
import datetime
import io

import openpyxl

LONG = (
    "19 September 2016: In Madaya, Rif Dimashq governorate, a clinic was hit during an aerial bombardment; the "
    "facility was partially destroyed and two health workers were killed. " * 12
).strip()

# Insecurity Insight, "Syria: Attacks on Health Care" (SHCC data on HDX): an XLSX, header then HXL row; the
# precision column has no hashtag; dates are Excel dates; counts are blank when none.
SHCC_HEADER = [
    ("Date", "#date"),
    ("Country", "#country +name"),
    ("Country ISO", "#country +code"),
    ("Admin 1", "#adm1 +name"),
    ("Latitude", "#geo +lat"),
    ("Longitude", "#geo +long"),
    ("Geo Precision", ""),
    ("Reported Perpetrator", "#group +perp"),
    ("Reported Perpetrator Name", "#group +perp +name"),
    ("Weapon Carried/Used", "#weapon"),
    ("Number of Attacks on Health Facilities Reporting Destruction", "#indicator +health_facility +destroyed +num"),
    ("Number of Attacks on Health Facilities Reporting Damaged", "#indicator +health_facility +damaged +num"),
    ("Health Transportation Destroyed", "#indicator +health_transport +destroyed +num"),
    ("Health Transportation Damaged", "#indicator +health_transport +damaged +num"),
    ("Health Supplies Taken", "#indicator +health_supplies +taken +num"),
    ("Access Denied or Obstructed", "#indicator +health_obstruction"),
    ("Health Workers Killed", "#affected +healthworker +killed"),
    ("Health Workers Injured", "#affected +healthworker +injured"),
    ("Health Workers Kidnapped", "#affected +healthworker +kidnapped"),
    ("Health Workers Arrested", "#affected +healthworker +arrested"),
    ("Event Description", "#description"),
    ("SiND Event ID", "#event +id"),
]
SHCC_ROWS = [
    # Date, country, ISO, admin 1, lat, lon, precision, perp type, perp name, weapon, fac destroyed, fac damaged,
    # transport destroyed, transport damaged, supplies, access, killed, injured, kidnapped, arrested, text, id
    [datetime.datetime(2016, 9, 19), "Syria", "SYR", "Rif Dimashq", 33.69, 36.09, "(1) Exact Location",
     "State Military", "Syrian Arab Armed Forces", "Aerial Bomb", None, 1, None, None, None, None, 2, None, None,
     None, LONG, 20161],
    [datetime.datetime(2016, 9, 5), "Syria", "SYR", "Rif Dimashq", 33.5, 36.5, "(2) 25 km Precision",
     "Non-State Armed Group", "Unknown", "Firearm", None, None, None, 1, None, None, None, 1, 1, None,
     "5 September 2016: In Rif Dimashq, a nurse was shot and a driver taken. Source: SOHR", 20162],
    [datetime.datetime(2016, 10, 7), "Syria", "SYR", None, None, None, "(6) Country", "Unknown", "Unknown",
     "Unknown", None, None, None, None, None, "Yes", None, None, None, 2, "October 2016: two doctors arrested.",
     20163],
    [datetime.datetime(2016, 10, 12), "Syria", "SYR", "Rif Dimashq", None, None,
     "(4) Province, State, Governorate", "State Military", "Russian Armed Forces", "Explosive Weapon", 1, None,
     1, None, None, None, None, None, None, None,
     "12 October 2016: a hospital was destroyed by airstrikes.", 20164],
    [datetime.datetime(2016, 11, 2), "Syria", "SYR", "Idlib", None, None, "censored by HDX", "Unknown", "Unknown",
     "Unknown", None, None, None, None, None, None, 1, None, None, None, "2 November 2016: a paramedic killed.",
     20165],
]  # fmt: skip


def shcc_health_xlsx(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Syria Health Care"
    sheet.append([name for name, _tag in SHCC_HEADER])
    sheet.append([tag for _name, tag in SHCC_HEADER])
    for row in SHCC_ROWS:
        sheet.append(row)
    for cell in sheet["A"][2:]:
        cell.number_format = "m/d/yyyy"
    book.save(path)
    return path


# Insecurity Insight, "Syria: Aid Worker Killed, Kidnapped or Arrested (KIKA)": a CSV with a byte-order mark,
# US dates as text, an HXL row, and the SiND id last.
KIKA_HEADER = [
    ("Date", "#date"),
    ("Country", "#country +name"),
    ("Admin 1", "#adm1 +name"),
    ("Latitude", "#geo +lat"),
    ("Longitude", "#geo +long"),
    ("Geo Precision", ""),
    ("Reported Perpetrator", "#group +perp"),
    ("Reported Perpetrator Name", "#group +perp +name"),
    ("Weapon Carried/Used", "#weapon"),
    ("Aid Workers Killed", "#affected +aidworker +killed"),
    ("Aid Workers Injured", "#affected +aidworker +injured"),
    ("Aid Workers Kidnapped", "#affected +aidworker +kidnapped"),
    ("Aid Workers Arrested", "#affected +aidworker +arrested"),
    ("Event Description", "#description"),
    ("SiND Event ID", "#event +id"),
]
KIKA_ROWS = [
    ["9/19/2016", "Syria", "Rif Dimashq", "33.69", "36.09", "(1) Exact Location", "State Military",
     "Syrian Arab Armed Forces", "Aerial Bomb", "3", "", "", "", "An aid convoy was struck near Madaya.", "30001"],
    ["9/21/2016", "Syria", "Rif Dimashq", "", "", "(4) Province, State, Governorate", "Non-State Armed Group",
     "Unknown", "Unknown", "", "", "2", "", "Two SARC volunteers abducted.", "30002"],
    ["10/3/2016", "Syria", "", "", "", "(6) Country", "State Military", "Syrian Arab Armed Forces", "N/A", "", "",
     "", "1", "An NGO staff member arrested at a checkpoint.", "30003"],
    ["10/3/2016", "Syria", "", "", "", "(6) Country", "State Military", "Syrian Arab Armed Forces", "N/A", "", "",
     "", "1", "An NGO staff member arrested at a checkpoint.", "30003"],
]  # fmt: skip


def kika_csv(path):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([name for name, _tag in KIKA_HEADER])
    writer.writerow([tag for _name, tag in KIKA_HEADER])
    writer.writerows(KIKA_ROWS)
    path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    return path


# The Aid Worker Security Database's full export: every country, Day often blank, counts as text.
AWSD_HEADER = [
    "Incident ID", "Year", "Month", "Day", "Country Code", "Country", "Region", "District", "City", "UN", "INGO",
    "ICRC", "NRCS and IFRC", "NNGO", "Other", "Nationals killed", "Nationals wounded", "Nationals kidnapped",
    "Total nationals", "Internationals killed", "Internationals wounded", "Internationals kidnapped",
    "Total internationals", "Total killed", "Total wounded", "Total kidnapped", "Total affected", "Gender Male",
    "Gender Female", "Gender Unknown", "Means of attack", "Attack context", "Location", "Latitude", "Longitude",
    "Motive", "Actor type", "Actor name", "Details", "Verified", "Source",
]  # fmt: skip


def awsd_row(**values):
    row = dict.fromkeys(AWSD_HEADER, "")
    row.update(dict.fromkeys(AWSD_HEADER[9:30], "0"))
    row.update(
        {
            "Country Code": "SY",
            "Country": "Syrian Arab Republic",
            "Location": "Road",
            "Verified": "Archived",
            "Motive": "Unknown",
            "Actor type": "Unknown",
            "Actor name": "Unknown",
            "Source": "Media",
        }
    )
    row.update(values)
    return [row[name] for name in AWSD_HEADER]


AWSD_ROWS = [
    awsd_row(**{"Incident ID": "2461", "Year": "2016", "Month": "9", "Day": "19", "Region": "Rif Dimashq",
                "District": "Az-Zabdani", "City": "Madaya", "Latitude": "33.6902", "Longitude": "36.0927",
                "NRCS and IFRC": "1", "Nationals killed": "12", "Total killed": "12", "Total affected": "12",
                "Means of attack": "Aerial bombardment", "Attack context": "Combat/Crossfire",
                "Actor type": "Host state", "Actor name": "Government of Syria",
                "Details": "An aid convoy was struck by an aerial attack; twelve SARC staff killed."}),
    awsd_row(**{"Incident ID": "2470", "Year": "2016", "Month": "10", "Day": "", "Region": "Rif Dimashq",
                "Nationals kidnapped": "2", "Total kidnapped": "2", "Means of attack": "Kidnapping",
                "Actor type": "Non-state armed group: National", "Actor name": "Unknown",
                "Details": "Two drivers kidnapped."}),
    awsd_row(**{"Incident ID": "2475", "Year": "2016", "Month": "11", "Day": "2", "Region": "", "City": "",
                "Nationals wounded": "1", "Total wounded": "1", "Means of attack": "Shelling",
                "Details": "A staff member wounded by shelling; place not given."}),
    awsd_row(**{"Incident ID": "2480", "Year": "2016", "Month": "9", "Day": "30", "Country Code": "AF",
                "Country": "Afghanistan", "Region": "Kabul", "City": "Kabul", "Latitude": "34.5553",
                "Longitude": "69.2075", "Internationals kidnapped": "1", "Total kidnapped": "1",
                "Means of attack": "Kidnapping", "Details": "An international staff member kidnapped in Kabul."}),
]  # fmt: skip


def awsd_csv(path):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(AWSD_HEADER)
    writer.writerows(AWSD_ROWS)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# ACLED's export for Syria, 2016, as HDX re-shares it: an HXL row, dates as "19 September 2016".
ACLED_HEADER = [
    ("data_id", "#x_data_id"), ("iso", "#country+code"), ("event_id_cnty", "#event+code"),
    ("event_id_no_cnty", "#x_event_id_no"), ("event_date", "#date+occurred"), ("year", "#date+year"),
    ("time_precision", "#x_time_precision"), ("event_type", "#event+type"),
    ("sub_event_type", "#event+type+sub"), ("actor1", "#group+name+first"), ("assoc_actor_1", "#x_assoc1"),
    ("inter1", "#x_inter1"), ("actor2", "#group+name+second"), ("assoc_actor_2", "#x_assoc2"),
    ("inter2", "#x_inter2"), ("interaction", "#x_interaction"), ("region", "#region+name"),
    ("country", "#country+name"), ("admin1", "#adm1+name"), ("admin2", "#adm2+name"), ("admin3", "#adm3+name"),
    ("location", "#loc+name"), ("latitude", "#geo+lat"), ("longitude", "#geo+lon"),
    ("geo_precision", "#geo+precision"), ("source", "#meta+source"), ("source_scale", "#x_source_scale"),
    ("notes", "#description"), ("fatalities", "#affected+killed"), ("timestamp", "#date+updated"),
    ("iso3", "#country+code"),
]  # fmt: skip
ACLED_ROWS = [
    ["1", "760", "SYR10001", "10001", "19 September 2016", "2016", "1", "Explosions/Remote violence",
     "Air/drone strike", "Military Forces of Syria (2000-)", "", "1", "Civilians (Syria)", "", "7", "17",
     "Middle East", "Syria", "Rural Damascus", "Az-Zabdani", "Madaya", "Madaya", "33.6902", "36.0927", "1",
     "SOHR", "National", "An aid convoy was struck.", "12", "1552582110", "SYR"],
    ["2", "760", "SYR10002", "10002", "05 September 2016", "2016", "1", "Battles", "Armed clash",
     "Military Forces of Syria (2000-)", "", "1", "Jabhat Fateh al-Sham", "", "2", "12", "Middle East", "Syria",
     "Rural Damascus", "Az-Zabdani", "Madaya", "Madaya", "33.6902", "36.0927", "2", "SOHR", "National",
     "Clashes near Madaya.", "0", "1552582110", "SYR"],
]  # fmt: skip


def acled_csv(path):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([name for name, _tag in ACLED_HEADER])
    writer.writerow([tag for _name, tag in ACLED_HEADER])
    writer.writerows(ACLED_ROWS)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# A generic HDX file with the common access hashtags, in Arabic place names and with trailing blank columns.
HDX_TEXT = (
    "Date,Constraint type,Perpetrator,Governorate,Governorate P-code,Community,Latitude,Longitude,Killed,Injured,"
    "Aid workers killed,Organization,Description,,\n"
    "#date+occurred,#event+type,#group+name+perp,#adm1+name,#adm1+code,#loc+name,#geo+lat,#geo+lon,"
    "#affected+killed,#affected+injured,#affected+killed+aid,#org+name,#description,,\n"
    "2016-09-19,Military operations,Government of Syria,ريف دمشق,SY03,مضايا,33.69,36.09,3,4,1,SARC,Shelling,,\n"
    "2016-09-21,Interference in implementation,N/A,Rural Damascus,SY03,,,,0,0,0,SARC,Checkpoint refused passage,,\n"
    "2016-09-22,Restriction of movement within the country,Unknown,Rural Damascus,SY03,Madaya,,,,,,SARC,"
    "Convoy delayed at checkpoint,,\n"
    ",,,,,,,,,,,,,,\n"
)


def hdx_csv(path):
    path.write_text(HDX_TEXT, encoding="utf-8")
    return path


# An OCHA access monitoring sheet (Humanitarian Access Monitoring and Reporting Framework): a title row and a
# note above the header, the AMRF categories as "1. Denial of ...", sub-categories, governorate to community
# with P-codes, an impact column, merged-looking blank cells.
ACCESS_HEADER = [
    "Incident #", "Date of incident", "Governorate", "District", "Sub-district", "Community", "Admin4 Pcode",
    "Access constraint category", "Sub-category", "Perpetrator", "Description of the incident",
    "Impact on humanitarian operations", "Reported by", "Remarks",
]  # fmt: skip
ACCESS_ROWS = [
    ["AC-2016-0091", "19/09/2016", "Rural Damascus", "Az-Zabdani", "Madaya", "Madaya", "C2450",
     "3. Restriction of movement within the country", "3.1 Checkpoints", "Government of Syria",
     "Convoy held at checkpoint for six hours.", "Delayed", "SARC", ""],
    ["AC-2016-0092", "21/09/2016", "Rural Damascus", "", "", "", "",
     "5. Violence against humanitarian personnel, assets and facilities", "5.2 Attack on aid workers",
     "Unknown", "Aid worker injured by sniper fire.", "Suspended", "OCHA", "N/A"],
    ["AC-2016-0093", "30/09/2016", "Rural Damascus", "", "", "Madaya", "C2450",
     "1. Denial of the existence of humanitarian needs or entitlements to assistance",
     "1.1 Denial of needs", "Government of Syria", "Needs assessment refused.", "Blocked", "OCHA", ""],
]  # fmt: skip


def access_xlsx(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Access incidents"
    sheet.append(["Syria: humanitarian access incidents, Q3 2016"])
    sheet.append(["Source: OCHA access monitoring; for humanitarian partners only."])
    sheet.append(ACCESS_HEADER)
    for row in ACCESS_ROWS:
        sheet.append(row)
    book.save(path)
    return path
