"""Uploading OCHA geodata (boundaries, a community list, a population table, roads) on the staff import page.

The same flow as a table: the file is checked first (a dry run, by a worker of the job queue), its run page
shows the progress, the counts and every problem, and "Import this file" writes exactly the file that was
checked. These are platform-wide data, so only a site administrator or an account given the permissions of the
data they write (``imports.files.may_import_file``) sees these tabs.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from aidtrack.geo.context_layers import MAIN_ROADS
from aidtrack.geo.importers import boundaries, communities
from aidtrack.imports.columns import parse_mapping
from aidtrack.imports.file_uploads import commit_upload, queue_upload
from aidtrack.imports.files import FileKind, file_kinds, may_import_file
from aidtrack.imports.models import ImportKind, ImportRun
from aidtrack.imports.report import ImportFailed
from aidtrack.orgs.models import Organization
from aidtrack.staff.selectors import writable_organizations

LEVELS = [
    ("", gettext_lazy("Found from the P-code columns")),
    ("0", gettext_lazy("0: country")),
    ("1", gettext_lazy("1: governorates")),
    ("2", gettext_lazy("2: districts")),
    ("3", gettext_lazy("3: sub-districts")),
]


def _columns_field(fields: set[str]) -> forms.CharField:
    return forms.CharField(
        required=False,
        label=gettext_lazy("Columns (optional)"),
        widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr", "placeholder": "pcode=ADM3_PCODE"}),
        help_text=format_lazy(
            gettext_lazy(
                "One FIELD=COLUMN per line, for a column not recognised by its name (the command's --map). "
                "Fields: {fields}."
            ),
            fields=", ".join(sorted(fields)),
        ),
    )


class GeoUploadForm(forms.Form):
    """What every kind asks: the file. Each kind adds its options; ``options()`` gives them as a job carries them."""

    mappable: set[str] = set()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_columns(self):
        lines = [line for line in self.cleaned_data.get("columns", "").splitlines() if line.strip()]
        try:
            return parse_mapping(lines, self.mappable)
        except ImportFailed as error:
            raise forms.ValidationError(str(error)) from error

    def options(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in {"file", "columns"}}


class BoundariesForm(GeoUploadForm):
    mappable = boundaries.MAPPABLE_FIELDS
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "COD-AB GeoJSON, GeoPackage (.gpkg) or a zipped shapefile (.zip with .shp, .dbf, .prj)."
        ),
    )
    level = forms.ChoiceField(label=gettext_lazy("Admin level"), choices=LEVELS, required=False)
    layer = forms.CharField(
        label=gettext_lazy("Layer (optional)"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Only this layer of a GeoPackage; by default every layer, parents before children."),
    )
    source_label = forms.CharField(
        label=gettext_lazy("Edition"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("How records cite this edition, e.g. “OCHA COD-AB 2016”; by default the file's name."),
    )
    crs = forms.CharField(
        label=gettext_lazy("Coordinate system (optional)"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"dir": "ltr", "placeholder": "EPSG:4326"}),
        help_text=gettext_lazy("Only for a shapefile without its .prj file."),
    )
    columns = _columns_field(boundaries.MAPPABLE_FIELDS)

    def options(self) -> dict:
        data = self.cleaned_data
        return {
            "level": int(data["level"]) if data["level"] else None,
            "layer": data["layer"] or None,
            "source_label": data["source_label"],
            "crs": data["crs"] or None,
            "mapping": data["columns"],
        }


class CommunitiesForm(GeoUploadForm):
    mappable = communities.MAPPABLE_FIELDS
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("The community list as CSV, HXL CSV or XLSX (P-code, names, latitude and longitude)."),
    )
    as_of = forms.DateField(
        label=gettext_lazy("Statuses hold from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Needed when the list has an access-status column: the date its statuses begin."),
    )
    source_label = forms.CharField(
        label=gettext_lazy("Source"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Whose list this is, e.g. “OCHA HNO 2017” (needed for access statuses)."),
    )
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organization recording the statuses"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=gettext_lazy("A site administrator may leave it empty."),
    )
    population_year = forms.IntegerField(
        label=gettext_lazy("Year of the population figures"), required=False, min_value=1900, max_value=2100
    )
    ignore_status = forms.BooleanField(
        label=gettext_lazy("Load only the communities (leave the register as it is)"), required=False
    )
    columns = _columns_field(communities.MAPPABLE_FIELDS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organization"].queryset = writable_organizations(user)

    def options(self) -> dict:
        data = self.cleaned_data
        return {
            "as_of": data["as_of"].isoformat() if data["as_of"] else None,
            "source_label": data["source_label"],
            "organization": (data["organization"].acronym or data["organization"].name)
            if data["organization"]
            else None,
            "population_year": data["population_year"],
            "ignore_status": data["ignore_status"],
            "mapping": data["columns"],
        }


class PopulationForm(GeoUploadForm):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("A population table as CSV, HXL CSV or XLSX, one row per P-code."),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year of the figures"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=gettext_lazy("By default read from the column's name (e.g. Pop_2017)."),
    )
    source_label = forms.CharField(
        label=gettext_lazy("Source"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("How the figures are cited, e.g. “OCHA HNO 2017”; by default the file's name."),
    )
    pcode_column = forms.CharField(
        label=gettext_lazy("P-code column (optional)"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("By default the finest ADMn_PCODE column found."),
    )
    population_column = forms.CharField(
        label=gettext_lazy("Population column (optional)"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("By default the first column whose name starts with “pop”."),
    )

    def options(self) -> dict:
        data = self.cleaned_data
        return {
            "year": data["year"],
            "source_label": data["source_label"],
            "pcode_column": data["pcode_column"] or None,
            "population_column": data["population_column"] or None,
        }


class RoadsForm(GeoUploadForm):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "Roads as GeoJSON, GeoPackage (.gpkg) or a zipped shapefile, e.g. HDX's “Syria - Roads” "
            "(OpenStreetMap). They replace the roads loaded before."
        ),
    )
    source_label = forms.CharField(
        label=gettext_lazy("Source"),
        max_length=500,
        help_text=gettext_lazy("Where the file came from, e.g. “HDX: Syria - Roads (OpenStreetMap export)”."),
    )
    licence = forms.CharField(
        label=gettext_lazy("Licence"), max_length=200, help_text=gettext_lazy("The data's licence, e.g. “ODbL 1.0”.")
    )
    attribution = forms.CharField(
        label=gettext_lazy("Attribution"),
        max_length=300,
        help_text=gettext_lazy("The maps' credit, e.g. “© OpenStreetMap contributors (ODbL)”."),
    )
    layer = forms.CharField(
        label=gettext_lazy("Layer (optional)"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("The layer with the roads, in a file of several."),
    )
    classes = forms.CharField(
        label=gettext_lazy("Road classes kept"),
        required=False,
        initial=",".join(MAIN_ROADS),
        max_length=300,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
        help_text=gettext_lazy("When the file has a highway or fclass column (OpenStreetMap's), comma-separated."),
    )

    def options(self) -> dict:
        data = self.cleaned_data
        return {
            "source_label": data["source_label"],
            "licence": data["licence"],
            "attribution": data["attribution"],
            "layer": data["layer"] or None,
            "classes": [value.strip() for value in data["classes"].split(",") if value.strip()] or list(MAIN_ROADS),
        }


@dataclass(frozen=True)
class GeoPage:
    """How the staff page shows one kind of geodata upload."""

    form: type[GeoUploadForm]
    about: str
    command: str


PAGES = {
    ImportKind.BOUNDARIES: GeoPage(
        BoundariesForm,
        gettext_lazy(
            "Administrative boundaries, levels 0 to 3, with their P-codes. A newer edition updates the areas in "
            "place by P-code, so records keep pointing at them; areas missing from the file are kept and listed. "
            "Load the levels in order (country, governorates, districts, sub-districts), or a GeoPackage with all."
        ),
        "import_boundaries",
    ),
    ImportKind.COMMUNITIES: GeoPage(
        CommunitiesForm,
        gettext_lazy(
            "Communities (admin level 4 points). An access-status column (Besieged, Military encircled, Hard to "
            "reach, Accessible) opens and closes periods in the besieged-areas register, dated and cited as you "
            "say below."
        ),
        "import_communities",
    ),
    ImportKind.POPULATION: GeoPage(
        PopulationForm,
        gettext_lazy("Population figures joined to the admin areas by P-code; codes matching no area are listed."),
        "import_population",
    ),
    ImportKind.ROADS: GeoPage(
        RoadsForm,
        gettext_lazy(
            "Roads for the maps' context: the main classes are kept, clipped to Syria, joined and simplified, and "
            "credited on every map with the source, licence and attribution below."
        ),
        "import_context_layer",
    ),
}


def geo_kinds_for(user) -> list[FileKind]:
    """The kinds of geodata the user may upload, in the page's order."""
    return [kind for kind in file_kinds().values() if kind.name in PAGES and may_import_file(user, kind)]


def geo_import_page(request, kind: FileKind, *, tabs: dict):
    if not may_import_file(request.user, kind):
        raise PermissionDenied
    page = PAGES[kind.name]
    form = page.form(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            run = queue_upload(form.cleaned_data["file"], kind=kind, by=request.user, options=form.options())
        except ImportFailed as error:
            form.add_error("file", str(error))
        else:
            return redirect("staff:import_run", pk=run.pk)
    return render(
        request,
        "staff/imports/upload_geo.html",
        {
            "form": form,
            "geo_kind": kind,
            "label": ImportKind(kind.name).label,
            "page": page,
            # File names read left to right on an Arabic page too (".geojson", not "geojson.").
            "suffixes": format_html('<bdi dir="ltr">{}</bdi>', ", ".join(sorted(kind.suffixes))),
            **tabs,
        },
    )


def geo_commit(request, run: ImportRun):
    """Queue the writing of a checked geodata file; the new run's page follows it."""
    kind = file_kinds()[run.kind]
    if not may_import_file(request.user, kind):
        raise PermissionDenied
    try:
        committed = commit_upload(run, by=request.user)
    except ImportFailed as error:
        messages.error(request, str(error))
        return redirect("staff:import_run", pk=run.pk)
    return redirect("staff:import_run", pk=committed.pk)
