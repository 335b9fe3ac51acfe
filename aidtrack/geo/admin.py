from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aidtrack.geo.context_layers import MAIN_ROADS
from aidtrack.geo.models import AdminArea, ContextLayer, ContextLayerKind
from aidtrack.imports.file_uploads import queue_upload
from aidtrack.imports.files import file_kinds
from aidtrack.imports.models import ImportKind, ImportStatus
from aidtrack.imports.report import ImportFailed
from aidtrack.imports.sources import default_max_bytes, human_size


@admin.register(AdminArea)
class AdminAreaAdmin(SimpleHistoryAdmin):
    list_display = ("pcode", "name_en", "name_ar", "level", "parent", "population", "population_year", "has_geometry")
    list_filter = ("level", "population_year")
    search_fields = ("pcode", "name_en", "name_ar")
    autocomplete_fields = ("parent",)
    readonly_fields = ("centroid_lat", "centroid_lon", "min_lon", "min_lat", "max_lon", "max_lat", "updated_at")
    list_select_related = ("parent",)
    fieldsets = (
        (None, {"fields": ("pcode", "level", "name_en", "name_ar", "parent", "source")}),
        ("Population", {"fields": ("population", "population_year", "population_source")}),
        (
            "Geometry",
            {
                "fields": ("geometry", ("centroid_lat", "centroid_lon"), ("min_lon", "min_lat", "max_lon", "max_lat")),
                "classes": ("collapse",),
            },
        ),
        (None, {"fields": ("updated_at",)}),
    )

    @admin.display(boolean=True, description=_("geometry"))
    def has_geometry(self, area):
        return area.min_lon is not None

    def get_queryset(self, request):
        # The list never shows geometry; don't read megabytes of GeoJSON for it.
        return super().get_queryset(request).defer("geometry", "parent__geometry")


class ContextLayerUploadForm(forms.Form):
    """A roads file to load, with the credits the maps must show for it."""

    kind = forms.ChoiceField(label=_("kind"), choices=ContextLayerKind.choices)
    file = forms.FileField(
        label=_("file"), help_text=_("A zipped shapefile (.zip), a GeoPackage (.gpkg) or GeoJSON (.geojson).")
    )
    source = forms.CharField(
        label=_("source"), max_length=500, help_text=ContextLayer._meta.get_field("source").help_text
    )
    licence = forms.CharField(
        label=_("licence"), max_length=200, help_text=ContextLayer._meta.get_field("licence").help_text
    )
    attribution = forms.CharField(
        label=_("attribution"), max_length=300, help_text=ContextLayer._meta.get_field("attribution").help_text
    )
    classes = forms.CharField(
        label=_("road classes kept"),
        initial=",".join(MAIN_ROADS),
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "size": 45}),
        help_text=_("When the file has a highway or fclass column (OpenStreetMap's road classes), comma-separated."),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        suffix = Path(uploaded.name or "").suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(
                _("%(name)s: upload a zipped shapefile (.zip), a GeoPackage (.gpkg) or GeoJSON (.geojson).")
                % {"name": uploaded.name}
            )
        limit = default_max_bytes()
        if uploaded.size > limit:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s, more than the import limit of %(limit)s: load it on the server with "
                    "manage.py import_context_layer."
                )
                % {"size": human_size(uploaded.size), "limit": human_size(limit)}
            )
        return uploaded


UPLOAD_SUFFIXES = {".zip", ".gpkg", ".geojson", ".json"}


@admin.register(ContextLayer)
class ContextLayerAdmin(admin.ModelAdmin):
    """Roads loaded for the maps: listed, deleted, and loaded from an uploaded file through the job queue."""

    list_display = ("kind", "source", "licence", "features", "loaded_at", "loaded_by")
    fields = ("kind", "source", "licence", "attribution", "features", "kept", "version", "loaded_at", "loaded_by")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # a layer is added by loading a file (the upload below, or the command)

    def has_change_permission(self, request, obj=None):
        return False  # its credits are written into the layer: load the file again to change them

    def get_urls(self):
        upload = path("upload/", self.admin_site.admin_view(self.upload_view), name="geo_contextlayer_upload")
        return [upload, *super().get_urls()]

    def upload_view(self, request):
        if not request.user.has_perm("geo.add_contextlayer"):
            raise PermissionDenied
        form = ContextLayerUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                record = self._queue(request, form)
            except ImportFailed as error:
                form.add_error("file", str(error))
            else:
                if record.status == ImportStatus.FAILED:
                    messages.error(request, record.summary)
                elif record.status == ImportStatus.SUCCEEDED:
                    messages.success(request, record.summary)
                else:
                    messages.info(request, _("The file is queued: its import run shows when it is loaded."))
                return redirect("admin:imports_importrun_change", record.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Load a roads file"),
        }
        return TemplateResponse(request, "admin/geo/contextlayer/upload.html", context)

    def _queue(self, request, form):
        """The same door as the staff import page's roads tab (``imports.file_uploads``), written at once."""
        data = form.cleaned_data
        options = {
            "source_label": data["source"],
            "licence": data["licence"],
            "attribution": data["attribution"],
            "classes": [value.strip() for value in data["classes"].split(",") if value.strip()],
        }
        kind = file_kinds()[ImportKind.ROADS]
        return queue_upload(data["file"], kind=kind, by=request.user, options=options, dry_run=False)
