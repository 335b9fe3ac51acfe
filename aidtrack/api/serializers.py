"""Serializers: the described shape of every response (for the OpenAPI schema) and the input of every write.

Read rows are built by the ``*_rows`` modules; the read serializers here
document them field by field. Write serializers parse and type-check input,
refuse unknown fields, and hand over to the domain services.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from aidtrack.areas.models import AccessStatus, Area
from aidtrack.convoys.models import ConvoyRequest, ConvoyStatus, Sector
from aidtrack.geo.models import AdminArea
from aidtrack.incidents.models import (
    AccessEffect,
    Category,
    DatePrecision,
    GeoPrecision,
    Incident,
    IncidentKind,
    Reliability,
    SourceType,
    VerificationStatus,
)
from aidtrack.orgs.models import Organization, Party, PartyType, Visibility

# ---------------------------------------------------------------- input


class StrictSerializerMixin:
    """Refuse fields the endpoint does not take, rather than silently ignoring a typo."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Send a JSON object, not %(type)s.") % {"type": type(data).__name__}]}
            )
        writable = {name for name, field in self.fields.items() if not field.read_only}
        unknown = sorted(set(data) - writable)
        if unknown:
            raise serializers.ValidationError(
                {name: [f"Unknown field: this endpoint takes {', '.join(sorted(writable))}."] for name in unknown}
            )
        return super().to_internal_value(data)


class PcodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "pcode")
        kwargs.setdefault("queryset", AdminArea.objects.all())
        super().__init__(**kwargs)

    default_error_messages = {
        "does_not_exist": "No admin area has the P-code {value}: see /api/v1/admin-areas/.",
        "invalid": "Give a P-code as text, e.g. SY0100 or C2450.",
    }


class SourceInputSerializer(StrictSerializerMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=SourceType.choices, help_text=gettext_lazy("Who the information came from."))
    name = serializers.CharField(max_length=200, help_text=gettext_lazy("e.g. SARC field team, Reuters."))
    reference = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    reliability = serializers.ChoiceField(choices=Reliability.choices, required=False, default=Reliability.UNKNOWN)
    contact = serializers.CharField(
        max_length=300,
        required=False,
        default="",
        allow_blank=True,
        help_text=gettext_lazy("Never shown to the public."),
    )


class IncidentWriteSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """Report (POST) or edit (PATCH, with the version you edited) an incident."""

    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        help_text=gettext_lazy("Your organization that reports it (creation only)."),
    )
    stated_area = PcodeField(required=False, allow_null=True, help_text=gettext_lazy("P-code, when there is no point."))
    perpetrator = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all(), required=False, allow_null=True)
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), required=False, allow_null=True)
    convoy = serializers.PrimaryKeyRelatedField(queryset=ConvoyRequest.objects.none(), required=False, allow_null=True)
    sources = SourceInputSerializer(many=True, required=False, help_text=gettext_lazy("Sources (creation only)."))
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text=gettext_lazy("Edits: the version you read; a newer saved version gives 409."),
    )

    class Meta:
        model = Incident
        fields = [
            "organization",
            "kind",
            "category",
            "title",
            "occurred_on",
            "occurred_time",
            "date_precision",
            "location_name",
            "latitude",
            "longitude",
            "geo_precision",
            "stated_area",
            "publish_exact_location",
            "area",
            "convoy",
            "perpetrator",
            "perpetrator_kind",
            "public_summary",
            "internal_description",
            "people_killed",
            "people_injured",
            "aid_workers_killed",
            "aid_workers_injured",
            "aid_workers_abducted",
            "aid_workers_detained",
            "vehicles_damaged",
            "supplies_lost",
            "beneficiaries_affected",
            "access_effect",
            "visibility",
            "external_id",
            "reported_at",
            "sources",
            "version",
        ]
        extra_kwargs = {"reported_at": {"required": False}}
        validators = []  # the service checks the database constraints and says how to fix each

    def __init__(self, *args, convoys=None, **kwargs):
        super().__init__(*args, **kwargs)
        if convoys is not None:
            # Only convoys the writer may see can be linked: anything else would reveal that they exist.
            self.fields["convoy"].queryset = convoys
        if self.instance is not None:
            self.fields["version"].required = True
            for name in ("organization", "sources"):
                self.fields[name].read_only = True


class ReviewSerializer(StrictSerializerMixin, serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[
            (outcome, outcome.label)
            for outcome in (VerificationStatus.VERIFIED, VerificationStatus.DISPUTED, VerificationStatus.REJECTED)
        ]
    )
    note = serializers.CharField(
        required=False, default="", allow_blank=True, help_text=gettext_lazy("Required unless verified.")
    )
    version = serializers.IntegerField(min_value=1, help_text=gettext_lazy("The version you reviewed."))


class DestinationInputSerializer(StrictSerializerMixin, serializers.Serializer):
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), required=False, allow_null=True)
    community = PcodeField(
        required=False,
        allow_null=True,
        queryset=AdminArea.objects.filter(level__gte=3),
        help_text=gettext_lazy("P-code."),
    )
    planned_beneficiaries = serializers.IntegerField(min_value=0, max_value=100_000_000, default=0)

    def validate(self, attrs):
        if not attrs.get("area") and not attrs.get("community"):
            raise serializers.ValidationError(_("A destination needs a register area or a community P-code."))
        return attrs


class CargoInputSerializer(StrictSerializerMixin, serializers.Serializer):
    sector = serializers.ChoiceField(choices=Sector.choices)
    item = serializers.CharField(max_length=200)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    unit = serializers.CharField(max_length=40)


class ConvoyCreateSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """A new convoy request: created as a draft with its destinations and cargo."""

    lead_organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    partner_organizations = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), many=True, required=False
    )
    origin_area = PcodeField(required=False, allow_null=True)
    destinations = DestinationInputSerializer(many=True, required=False)
    cargo_lines = CargoInputSerializer(many=True, required=False)

    class Meta:
        model = ConvoyRequest
        fields = [
            "reference",
            "title",
            "lead_organization",
            "partner_organizations",
            "modality",
            "origin_name",
            "origin_area",
            "origin_latitude",
            "origin_longitude",
            "plan_month",
            "trucks",
            "planned_date",
            "notes",
            "visibility",
            "destinations",
            "cargo_lines",
        ]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            # Edits: the lead organization is fixed at creation; the version read must be sent back.
            self.fields["lead_organization"].read_only = True
            self.fields["version"] = serializers.IntegerField(
                min_value=1, help_text=gettext_lazy("The version you read.")
            )


class TransitionSerializer(StrictSerializerMixin, serializers.Serializer):
    to_status = serializers.ChoiceField(choices=ConvoyStatus.choices)
    note = serializers.CharField(required=False, default="", allow_blank=True)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    reached_beneficiaries = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text=gettext_lazy("With a delivery: destination id -> people reached."),
    )
    version = serializers.IntegerField(min_value=1, help_text=gettext_lazy("The version you read."))

    def validate_reached_beneficiaries(self, value):
        out = {}
        for key, people in value.items():
            try:
                out[int(key)] = people
            except ValueError as error:
                raise serializers.ValidationError(_("“%(key)s” is not a destination id.") % {"key": key}) from error
        return out


class AreaStatusSerializer(StrictSerializerMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=AccessStatus.choices)
    start_date = serializers.DateField()
    source = serializers.CharField(max_length=300)
    note = serializers.CharField(required=False, default="", allow_blank=True)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Your organization."),
    )
    version = serializers.IntegerField(min_value=1, help_text=gettext_lazy("The area's version you read."))


class TokenCreateSerializer(StrictSerializerMixin, serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text=gettext_lazy("What the token is for."))
    days = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=gettext_lazy(
            "How many days the token works (default AIDTRACK_API_TOKEN_DAYS, 90; at most "
            "AIDTRACK_API_TOKEN_MAX_DAYS, 365)."
        ),
    )
    password = serializers.CharField(
        required=False,
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text=gettext_lazy(
            "Your password, when you ask from a signed-in browser session (HTTP Basic already sends it)."
        ),
    )
    otp = serializers.CharField(
        required=False,
        write_only=True,
        max_length=20,
        help_text=gettext_lazy(
            "With HTTP Basic, for an account with two-factor sign-in: a code from your authenticator app."
        ),
    )


# ---------------------------------------------------------------- output (documentation of the rows)


def _doc(name: str, doc: str, spec: dict) -> type[serializers.Serializer]:
    attrs = {"__doc__": doc}
    for key, field in spec.items():
        field.read_only = True
        attrs[key] = field
    return type(name, (serializers.Serializer,), attrs)


def _s(help_text, **kw):
    return serializers.CharField(help_text=help_text, allow_null=True, **kw)


def _i(help_text):
    return serializers.IntegerField(help_text=help_text, allow_null=True)


def _f(help_text):
    return serializers.FloatField(help_text=help_text, allow_null=True)


def _b(help_text):
    return serializers.BooleanField(help_text=help_text, allow_null=True)


def _d(help_text):
    return serializers.DateField(help_text=help_text, allow_null=True)


def _dt(help_text):
    return serializers.DateTimeField(help_text=help_text, allow_null=True)


def _c(choices, help_text):
    return serializers.ChoiceField(choices=choices, help_text=help_text, allow_null=True, allow_blank=True)


def _full(help_text):
    """Help for a key only the reporting organization's members (and site admins) read in full."""
    return format_lazy(
        "{} {}",
        help_text,
        gettext_lazy(
            "Only for members of the reporting organization and site admins; null for other readers, absent for "
            "the public."
        ),
    )


SourceReadSerializer = _doc(
    "IncidentSource",
    gettext_lazy("A source of an incident."),
    {
        "kind": _c(SourceType.choices, gettext_lazy("Type of source.")),
        "name": _s(gettext_lazy("Name, e.g. SARC field team.")),
        "reference": _s(gettext_lazy("URL or document reference.")),
        "reliability": _c(Reliability.choices, gettext_lazy("How reliable the source is judged.")),
        "licence": _s(gettext_lazy("The source's licence and the attribution it requires (a published dataset's).")),
        "contact": _s(_full(gettext_lazy("How to reach the source."))),
    },
)

IncidentReadSerializer = _doc(
    "Incident",
    gettext_lazy("An access incident as the reader may see it."),
    {
        "id": _i(gettext_lazy("Identifier.")),
        "reference": _s(gettext_lazy("e.g. INC-2016-000042.")),
        "kind": _c(IncidentKind.choices, gettext_lazy("Obstruction, or access achieved.")),
        "category": _c(
            Category.choices, gettext_lazy("OCHA access category (1-9 or other); blank for some access events.")
        ),
        "category_label": _s(gettext_lazy("The category's name.")),
        "title": _s(gettext_lazy("Short title.")),
        "occurred_on": _d(gettext_lazy("Date it happened.")),
        "occurred_time": serializers.TimeField(help_text=gettext_lazy("Time, when known."), allow_null=True),
        "date_precision": _c(DatePrecision.choices, gettext_lazy("How precise the date is.")),
        "location_name": _s(gettext_lazy("Place name; the sub-district's name when the location is generalised.")),
        "latitude": _f(
            gettext_lazy(
                "Latitude (WGS 84) as shown: when generalised, the point of the area location_generalised_to names; "
                "null when only the governorate is known."
            )
        ),
        "longitude": _f(gettext_lazy("Longitude (WGS 84) as shown; see latitude.")),
        "geo_precision": _c(
            GeoPrecision.choices, gettext_lazy("1 exact, 2 near, 3 admin area only (always 3 when generalised).")
        ),
        "location_generalised": _b(
            gettext_lazy("True when the exact point is withheld and an admin area is shown instead.")
        ),
        "location_generalised_to": serializers.ChoiceField(
            choices=[
                ("sub-district", gettext_lazy("sub-district")),
                ("district", gettext_lazy("district")),
                ("governorate", gettext_lazy("governorate")),
            ],
            allow_null=True,
            help_text=gettext_lazy(
                "When generalised, the admin area the place is shown as: the sub-district, the district when "
                "no sub-district is known, or the governorate (then without a point). Null when not generalised."
            ),
        ),
        "admin1_pcode": _s(gettext_lazy("Governorate P-code.")),
        "admin1_name": _s(gettext_lazy("Governorate name.")),
        "admin2_pcode": _s(gettext_lazy("District P-code.")),
        "admin2_name": _s(gettext_lazy("District name.")),
        "admin3_pcode": _s(gettext_lazy("Sub-district P-code.")),
        "admin3_name": _s(gettext_lazy("Sub-district name.")),
        "community_pcode": _s(gettext_lazy("Community P-code; null when the location is generalised.")),
        "community_name": _s(gettext_lazy("Community name; null when the location is generalised.")),
        "area_id": _i(gettext_lazy("Register area; null when the location is generalised.")),
        "area_name": _s(gettext_lazy("Register area name; null when the location is generalised.")),
        "convoy_reference": _s(gettext_lazy("Linked convoy request, when the reader may see it.")),
        "organization_id": _i(gettext_lazy("Reporting organization.")),
        "organization": _s(gettext_lazy("Reporting organization's name.")),
        "organization_acronym": _s(gettext_lazy("Reporting organization's acronym.")),
        "perpetrator_id": _i(gettext_lazy("Perpetrator (party), when named.")),
        "perpetrator": _s(gettext_lazy("Perpetrator's name.")),
        "perpetrator_kind": _c(PartyType.choices, gettext_lazy("Perpetrator type.")),
        "perpetrator_as_given": _s(
            gettext_lazy("The perpetrator as the source names it, when it names no known party.")
        ),
        "weapon": _s(gettext_lazy("Weapon or means, as the source gives it.")),
        "public_summary": _s(gettext_lazy("What the public may read.")),
        "people_killed": _i(gettext_lazy("People killed.")),
        "people_injured": _i(gettext_lazy("People injured.")),
        "aid_workers_killed": _i(gettext_lazy("Aid workers killed.")),
        "aid_workers_injured": _i(gettext_lazy("Aid workers injured.")),
        "aid_workers_abducted": _i(gettext_lazy("Aid workers abducted.")),
        "aid_workers_detained": _i(gettext_lazy("Aid workers detained.")),
        "vehicles_damaged": _i(gettext_lazy("Vehicles damaged.")),
        "supplies_lost": _s(gettext_lazy("Supplies lost, in words.")),
        "beneficiaries_affected": _i(gettext_lazy("People whose assistance was affected.")),
        "national_aid_workers_killed": _i(gettext_lazy("National aid workers killed (AWSD codebook).")),
        "national_aid_workers_injured": _i(gettext_lazy("National aid workers injured (AWSD codebook).")),
        "national_aid_workers_kidnapped": _i(gettext_lazy("National aid workers kidnapped (AWSD codebook).")),
        "national_aid_workers_arrested": _i(gettext_lazy("National aid workers arrested (AWSD codebook).")),
        "international_aid_workers_killed": _i(gettext_lazy("International aid workers killed (AWSD codebook).")),
        "international_aid_workers_injured": _i(gettext_lazy("International aid workers injured (AWSD codebook).")),
        "international_aid_workers_kidnapped": _i(gettext_lazy("International aid workers kidnapped (AWSD codebook).")),
        "international_aid_workers_arrested": _i(gettext_lazy("International aid workers arrested (AWSD codebook).")),
        "facilities_damaged": _i(gettext_lazy("Health or aid facilities damaged.")),
        "facilities_destroyed": _i(gettext_lazy("Health or aid facilities destroyed.")),
        "access_effect": _c(AccessEffect.choices, gettext_lazy("Effect on access.")),
        "verification_status": _c(VerificationStatus.choices, gettext_lazy("Review outcome.")),
        "verified_at": _dt(gettext_lazy("When it was reviewed.")),
        "visibility": _c(Visibility.choices, gettext_lazy("Who may see it.")),
        "reported_at": _dt(gettext_lazy("When it was reported.")),
        "updated_at": _dt(gettext_lazy("Last change; use with updated_since to sync.")),
        "attribution": _s(gettext_lazy("The attribution the licences of its sources require (dataset and licence).")),
        "sources": SourceReadSerializer(many=True, help_text=gettext_lazy("Sources (JSON only).")),
        "full_view": _b(gettext_lazy("Whether this reader sees the full record. Absent for the public.")),
        "exact_location_published": _b(_full(gettext_lazy("Whether the exact point may be published."))),
        "stated_area_pcode": _s(_full(gettext_lazy("P-code the reporter gave."))),
        "internal_description": _s(_full(gettext_lazy("Internal description."))),
        "external_id": _s(_full(gettext_lazy("The reporting organization's own identifier."))),
        "reported_by": _s(_full(gettext_lazy("Username of the reporter."))),
        "verified_by": _s(_full(gettext_lazy("Username of the reviewer."))),
        "verification_note": _s(_full(gettext_lazy("Reviewer's note."))),
        "version": _i(_full(gettext_lazy("Version to send back with an edit."))),
    },
)

RemovedSerializer = _doc(
    "Removed",
    gettext_lazy("A record the reader could once see that was deleted or withdrawn from its view (a tombstone)."),
    {
        "id": _i(gettext_lazy("Identifier of the removed record.")),
        "reference": _s(gettext_lazy("Its reference.")),
        "removed_at": _dt(gettext_lazy("When it was deleted or withdrawn.")),
        "deleted": _b(
            gettext_lazy("True if deleted; false if it is no longer visible to you (e.g. sent back for review).")
        ),
    },
)

RemovedListSerializer = _doc(
    "RemovedList",
    gettext_lazy("Tombstones since a moment."),
    {
        "since": _dt(gettext_lazy("The moment asked for.")),
        "results": RemovedSerializer(many=True, help_text=gettext_lazy("Removed records.")),
    },
)
