"""Serializers: the described shape of every response (for the OpenAPI schema) and the input of every write.

Read rows are built by the ``*_rows`` modules; the read serializers here
document them field by field. Write serializers parse and type-check input,
refuse unknown fields, and hand over to the domain services.
"""

from django.utils.translation import gettext as _
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
    kind = serializers.ChoiceField(choices=SourceType.choices, help_text="Who the information came from.")
    name = serializers.CharField(max_length=200, help_text="e.g. SARC field team, Reuters.")
    reference = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    reliability = serializers.ChoiceField(choices=Reliability.choices, required=False, default=Reliability.UNKNOWN)
    contact = serializers.CharField(
        max_length=300, required=False, default="", allow_blank=True, help_text="Never shown to the public."
    )


class IncidentWriteSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """Report (POST) or edit (PATCH, with the version you edited) an incident."""

    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), help_text="Your organization that reports it (creation only)."
    )
    stated_area = PcodeField(required=False, allow_null=True, help_text="P-code, when there is no point.")
    perpetrator = serializers.PrimaryKeyRelatedField(queryset=Party.objects.all(), required=False, allow_null=True)
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), required=False, allow_null=True)
    convoy = serializers.PrimaryKeyRelatedField(queryset=ConvoyRequest.objects.none(), required=False, allow_null=True)
    sources = SourceInputSerializer(many=True, required=False, help_text="Sources (creation only).")
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="Edits: the version you read; a newer saved version gives 409."
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
        choices=[VerificationStatus.VERIFIED, VerificationStatus.DISPUTED, VerificationStatus.REJECTED]
    )
    note = serializers.CharField(required=False, default="", allow_blank=True, help_text="Required unless verified.")
    version = serializers.IntegerField(min_value=1, help_text="The version you reviewed.")


class DestinationInputSerializer(StrictSerializerMixin, serializers.Serializer):
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), required=False, allow_null=True)
    community = PcodeField(
        required=False, allow_null=True, queryset=AdminArea.objects.filter(level__gte=3), help_text="P-code."
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
            self.fields["version"] = serializers.IntegerField(min_value=1, help_text="The version you read.")


class TransitionSerializer(StrictSerializerMixin, serializers.Serializer):
    to_status = serializers.ChoiceField(choices=ConvoyStatus.choices)
    note = serializers.CharField(required=False, default="", allow_blank=True)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    reached_beneficiaries = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text="With a delivery: destination id -> people reached.",
    )
    version = serializers.IntegerField(min_value=1, help_text="The version you read.")

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
        queryset=Organization.objects.all(), required=False, allow_null=True, help_text="Your organization."
    )
    version = serializers.IntegerField(min_value=1, help_text="The area's version you read.")


class TokenCreateSerializer(StrictSerializerMixin, serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="What the token is for.")
    days = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="How many days the token works (default AIDTRACK_API_TOKEN_DAYS, 90; at most "
        "AIDTRACK_API_TOKEN_MAX_DAYS, 365).",
    )
    password = serializers.CharField(
        required=False,
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="Your password, when you ask from a signed-in browser session (HTTP Basic already sends it).",
    )
    otp = serializers.CharField(
        required=False,
        write_only=True,
        max_length=20,
        help_text="With HTTP Basic, for an account with two-factor sign-in: a code from your authenticator app.",
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


FULL = " Only for members of the reporting organization and site admins; null for other readers, absent for the public."

SourceReadSerializer = _doc(
    "IncidentSource",
    "A source of an incident.",
    {
        "kind": _c(SourceType.choices, "Type of source."),
        "name": _s("Name, e.g. SARC field team."),
        "reference": _s("URL or document reference."),
        "reliability": _c(Reliability.choices, "How reliable the source is judged."),
        "licence": _s("The source's licence and the attribution it requires (a published dataset's)."),
        "contact": _s("How to reach the source." + FULL),
    },
)

IncidentReadSerializer = _doc(
    "Incident",
    "An access incident as the reader may see it.",
    {
        "id": _i("Identifier."),
        "reference": _s("e.g. INC-2016-000042."),
        "kind": _c(IncidentKind.choices, "Obstruction, or access achieved."),
        "category": _c(Category.choices, "OCHA access category (1-9 or other); blank for some access events."),
        "category_label": _s("The category's name."),
        "title": _s("Short title."),
        "occurred_on": _d("Date it happened."),
        "occurred_time": serializers.TimeField(help_text="Time, when known.", allow_null=True),
        "date_precision": _c(DatePrecision.choices, "How precise the date is."),
        "location_name": _s("Place name; the sub-district's name when the location is generalised."),
        "latitude": _f(
            "Latitude (WGS 84) as shown: when generalised, the point of the area location_generalised_to names; "
            "null when only the governorate is known."
        ),
        "longitude": _f("Longitude (WGS 84) as shown; see latitude."),
        "geo_precision": _c(GeoPrecision.choices, "1 exact, 2 near, 3 admin area only (always 3 when generalised)."),
        "location_generalised": _b("True when the exact point is withheld and an admin area is shown instead."),
        "location_generalised_to": serializers.ChoiceField(
            choices=["sub-district", "district", "governorate"],
            allow_null=True,
            help_text="When generalised, the admin area the place is shown as: the sub-district, the district when "
            "no sub-district is known, or the governorate (then without a point). Null when not generalised.",
        ),
        "admin1_pcode": _s("Governorate P-code."),
        "admin1_name": _s("Governorate name."),
        "admin2_pcode": _s("District P-code."),
        "admin2_name": _s("District name."),
        "admin3_pcode": _s("Sub-district P-code."),
        "admin3_name": _s("Sub-district name."),
        "community_pcode": _s("Community P-code; null when the location is generalised."),
        "community_name": _s("Community name; null when the location is generalised."),
        "area_id": _i("Register area; null when the location is generalised."),
        "area_name": _s("Register area name; null when the location is generalised."),
        "convoy_reference": _s("Linked convoy request, when the reader may see it."),
        "organization_id": _i("Reporting organization."),
        "organization": _s("Reporting organization's name."),
        "organization_acronym": _s("Reporting organization's acronym."),
        "perpetrator_id": _i("Perpetrator (party), when named."),
        "perpetrator": _s("Perpetrator's name."),
        "perpetrator_kind": _c(PartyType.choices, "Perpetrator type."),
        "perpetrator_as_given": _s("The perpetrator as the source names it, when it names no known party."),
        "weapon": _s("Weapon or means, as the source gives it."),
        "public_summary": _s("What the public may read."),
        "people_killed": _i("People killed."),
        "people_injured": _i("People injured."),
        "aid_workers_killed": _i("Aid workers killed."),
        "aid_workers_injured": _i("Aid workers injured."),
        "aid_workers_abducted": _i("Aid workers abducted."),
        "aid_workers_detained": _i("Aid workers detained."),
        "vehicles_damaged": _i("Vehicles damaged."),
        "supplies_lost": _s("Supplies lost, in words."),
        "beneficiaries_affected": _i("People whose assistance was affected."),
        **{
            f"{origin}_aid_workers_{what}": _i(f"{origin.capitalize()} aid workers {what} (AWSD codebook).")
            for origin in ("national", "international")
            for what in ("killed", "injured", "kidnapped", "arrested")
        },
        "facilities_damaged": _i("Health or aid facilities damaged."),
        "facilities_destroyed": _i("Health or aid facilities destroyed."),
        "access_effect": _c(AccessEffect.choices, "Effect on access."),
        "verification_status": _c(VerificationStatus.choices, "Review outcome."),
        "verified_at": _dt("When it was reviewed."),
        "visibility": _c(Visibility.choices, "Who may see it."),
        "reported_at": _dt("When it was reported."),
        "updated_at": _dt("Last change; use with updated_since to sync."),
        "attribution": _s("The attribution the licences of its sources require (dataset and licence)."),
        "sources": SourceReadSerializer(many=True, help_text="Sources (JSON only)."),
        "full_view": _b("Whether this reader sees the full record. Absent for the public."),
        "exact_location_published": _b("Whether the exact point may be published." + FULL),
        "stated_area_pcode": _s("P-code the reporter gave." + FULL),
        "internal_description": _s("Internal description." + FULL),
        "external_id": _s("The reporting organization's own identifier." + FULL),
        "reported_by": _s("Username of the reporter." + FULL),
        "verified_by": _s("Username of the reviewer." + FULL),
        "verification_note": _s("Reviewer's note." + FULL),
        "version": _i("Version to send back with an edit." + FULL),
    },
)

RemovedSerializer = _doc(
    "Removed",
    "A record the reader could once see that was deleted or withdrawn from its view (a tombstone).",
    {
        "id": _i("Identifier of the removed record."),
        "reference": _s("Its reference."),
        "removed_at": _dt("When it was deleted or withdrawn."),
        "deleted": _b("True if deleted; false if it is no longer visible to you (e.g. sent back for review)."),
    },
)

RemovedListSerializer = _doc(
    "RemovedList",
    "Tombstones since a moment.",
    {"since": _dt("The moment asked for."), "results": RemovedSerializer(many=True, help_text="Removed records.")},
)
