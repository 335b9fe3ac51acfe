"""/api/v1/admin-areas/, /organizations/, /parties/: reference data, readable by everyone."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from aidtrack.api.base import ApiViewMixin, point
from aidtrack.api.filters import AdminAreaFilter, OrganizationFilter, PartyFilter
from aidtrack.api.incidents import as_id
from aidtrack.api.pagination import KeysetPagination
from aidtrack.geo.models import AdminArea
from aidtrack.orgs.models import Organization, Party

Ascending = type("AscendingPagination", (KeysetPagination,), {"ordering": "id"})


class AdminAreaSerializer(serializers.ModelSerializer):
    parent_pcode = serializers.CharField(
        source="parent.pcode",
        allow_null=True,
        read_only=True,
        help_text=gettext_lazy("P-code of the area one level up."),
    )

    id = serializers.IntegerField(read_only=True, help_text=gettext_lazy("Identifier."))

    class Meta:
        model = AdminArea
        fields = [
            "id",
            "pcode",
            "level",
            "name_en",
            "name_ar",
            "parent_pcode",
            "centroid_lat",
            "centroid_lon",
            "min_lon",
            "min_lat",
            "max_lon",
            "max_lat",
            "population",
            "population_year",
            "population_source",
            "source",
            "geometry",
            "updated_at",
        ]
        extra_kwargs = {
            "centroid_lat": {"help_text": gettext_lazy("Latitude of a point inside the area.")},
            "centroid_lon": {"help_text": gettext_lazy("Longitude of a point inside the area.")},
            "min_lon": {"help_text": gettext_lazy("Bounding box: west.")},
            "min_lat": {"help_text": gettext_lazy("Bounding box: south.")},
            "max_lon": {"help_text": gettext_lazy("Bounding box: east.")},
            "max_lat": {"help_text": gettext_lazy("Bounding box: north.")},
            "updated_at": {"help_text": gettext_lazy("Last change.")},
            "population_year": {"help_text": gettext_lazy("Year of the population figure.")},
            "population_source": {"help_text": gettext_lazy("Source of the population figure.")},
            "population": {"help_text": gettext_lazy("Population (COD-PS / HNO).")},
            "level": {"help_text": gettext_lazy("0 country, 1 governorate, 2 district, 3 sub-district, 4 community.")},
            "name_en": {"help_text": gettext_lazy("Name in English.")},
            "name_ar": {"help_text": gettext_lazy("Name in Arabic.")},
        }


class OrganizationSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=gettext_lazy("Identifier."))

    class Meta:
        model = Organization
        fields = ["id", "name", "acronym", "kind", "website", "is_active"]
        extra_kwargs = {
            "name": {"help_text": gettext_lazy("Full name.")},
            "acronym": {"help_text": gettext_lazy("Short name, e.g. SARC.")},
            "kind": {"help_text": gettext_lazy("Type of organization.")},
            "website": {"help_text": gettext_lazy("Website.")},
            "is_active": {"help_text": gettext_lazy("Whether it still reports.")},
        }


class PartySerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=gettext_lazy("Identifier."))

    class Meta:
        model = Party
        fields = ["id", "name", "short_name", "kind", "description"]
        extra_kwargs = {
            "name": {"help_text": gettext_lazy("Name of the armed actor.")},
            "short_name": {"help_text": gettext_lazy("Short name.")},
            "kind": {"help_text": gettext_lazy("Type of party.")},
            "description": {"help_text": gettext_lazy("Description.")},
        }


class ReferenceViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    pagination_class = Ascending

    def get_object(self):
        self.kwargs[self.lookup_field] = as_id(self.kwargs.get(self.lookup_field))
        return super().get_object()

    def paginate_queryset(self, queryset):
        # Downloads (GeoJSON, CSV, XLSX) are whole lists; JSON is paged.
        return super().paginate_queryset(queryset) if self.wants_json else None

    def export_columns(self):
        return [(name, self.hxl.get(name, "")) for name in self.get_serializer_class().Meta.fields]


@extend_schema_view(list=extend_schema(summary=gettext_lazy("Admin areas (COD-AB) and communities")))
class AdminAreaViewSet(ReferenceViewSet):
    queryset = AdminArea.objects.select_related("parent").order_by("id")
    serializer_class = AdminAreaSerializer
    filterset_class = AdminAreaFilter
    export_sheet_title = "admin_areas"
    hxl = {
        "pcode": "#loc+code",
        "level": "#loc+level",
        "name_en": "#loc+name",
        "name_ar": "#loc+name+i_ar",
        "parent_pcode": "#loc+code+parent",
        "centroid_lat": "#geo+lat",
        "centroid_lon": "#geo+lon",
        "population": "#population",
    }

    def export_columns(self):
        return [column for column in super().export_columns() if column[0] != "geometry"]

    def geometry_of(self, row):
        return row["geometry"] or point(row["centroid_lon"], row["centroid_lat"])


@extend_schema_view(list=extend_schema(summary=gettext_lazy("Organizations")))
class OrganizationViewSet(ReferenceViewSet):
    queryset = Organization.objects.order_by("id")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    export_sheet_title = "organizations"
    hxl = {"name": "#org+name", "acronym": "#org+acronym", "kind": "#org+type", "website": "#contact+url"}


@extend_schema_view(list=extend_schema(summary=gettext_lazy("Parties (armed actors)")))
class PartyViewSet(ReferenceViewSet):
    queryset = Party.objects.order_by("id")
    serializer_class = PartySerializer
    filterset_class = PartyFilter
    export_sheet_title = "parties"
    hxl = {"name": "#group+name", "short_name": "#group+name+short", "kind": "#group+type"}
