"""Access incidents: obstructions to humanitarian access, and access achieved."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aidtrack.geo.geometry import latitude_validators, longitude_validators
from aidtrack.geo.models import assigned_admin_area
from aidtrack.orgs.models import PartyType, Visibility


class IncidentKind(models.TextChoices):
    OBSTRUCTION = "obstruction", _("Obstruction")
    ACCESS = "access", _("Access achieved")


class Category(models.TextChoices):
    """The OCHA Access Monitoring and Reporting Framework categories (also used by ACAPS)."""

    DENIAL_OF_NEEDS = "1", _("1. Denial of the existence of humanitarian needs or entitlements")
    ENTRY_RESTRICTION = "2", _("2. Restriction of movement into the country")
    MOVEMENT_RESTRICTION = "3", _("3. Restriction of movement within the country")
    INTERFERENCE = "4", _("4. Interference in the implementation of humanitarian activities")
    VIOLENCE_AGAINST_AID = "5", _("5. Violence against humanitarian personnel, assets and facilities")
    BENEFICIARY_RESTRICTION = "6", _("6. Restriction of beneficiaries' access to services and assistance")
    HOSTILITIES = "7", _("7. Military operations and active hostilities")
    EXPLOSIVE_HAZARDS = "8", _("8. Mines and unexploded ordnance")
    PHYSICAL_ENVIRONMENT = "9", _("9. Physical environment")
    OTHER = "other", _("Other")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class GeoPrecision(models.IntegerChoices):
    EXACT = 1, _("1 – exact point")
    NEAR = 2, _("2 – near the point")
    ADMIN_AREA = 3, _("3 – admin area only")


class AccessEffect(models.TextChoices):
    NONE = "", _("None / not known")
    DELAYED = "delayed", _("Delayed")
    BLOCKED = "blocked", _("Blocked")
    SUSPENDED = "suspended", _("Suspended")
    RESTRICTED = "restricted", _("Restricted")


class VerificationStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    VERIFIED = "verified", _("Verified")
    DISPUTED = "disputed", _("Disputed")
    REJECTED = "rejected", _("Rejected")


# Aid workers affected as the Aid Worker Security Database's codebook splits them: nationals and
# internationals, each killed, injured (wounded), kidnapped or arrested (detained).
AID_WORKER_FIELDS = tuple(
    f"{origin}_aid_workers_{what}"
    for origin in ("national", "international")
    for what in ("killed", "injured", "kidnapped", "arrested")
)

IMPACT_FIELDS = (
    "people_killed",
    "people_injured",
    "aid_workers_killed",
    "aid_workers_injured",
    "aid_workers_abducted",
    "aid_workers_detained",
    "vehicles_damaged",
    "beneficiaries_affected",
    *AID_WORKER_FIELDS,
    "facilities_damaged",
    "facilities_destroyed",
)


class Incident(models.Model):
    reference = models.CharField(
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Assigned on creation, e.g. INC-2016-000042."),
    )
    external_id = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("The reporting organization's own identifier, used to match re-imported rows."),
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="incidents",
        help_text=_("The organization that reported the incident."),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_incidents"
    )
    reported_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=IncidentKind.choices, default=IncidentKind.OBSTRUCTION)
    category = models.CharField(
        max_length=10,
        choices=Category.choices,
        blank=True,
        help_text=_("Required for obstructions; access achieved may leave it blank."),
    )
    title = models.CharField(max_length=200)

    # When
    occurred_on = models.DateField(_("date"))
    occurred_time = models.TimeField(_("time"), null=True, blank=True)
    date_precision = models.CharField(max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY)

    # Where
    location_name = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True, validators=latitude_validators)
    longitude = models.FloatField(null=True, blank=True, validators=longitude_validators)
    geo_precision = models.PositiveSmallIntegerField(choices=GeoPrecision.choices, default=GeoPrecision.EXACT)
    stated_area = models.ForeignKey(
        "geo.AdminArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The admin area given by the reporter when there is no point (or to check it)."),
    )
    admin1 = assigned_admin_area("governorate")
    admin2 = assigned_admin_area("district")
    admin3 = assigned_admin_area("sub-district")
    community = assigned_admin_area()
    placement_problem = models.CharField(
        max_length=500,
        blank=True,
        editable=False,
        help_text=_("Why the point could not be placed in an admin area (e.g. it lies outside every boundary)."),
    )
    publish_exact_location = models.BooleanField(
        default=False,
        help_text=_("Only when the exact point is safe to publish; otherwise the public sees the sub-district."),
    )
    area = models.ForeignKey("areas.Area", on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents")
    convoy = models.ForeignKey(
        "convoys.ConvoyRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents"
    )

    # Who
    perpetrator = models.ForeignKey(
        "orgs.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    perpetrator_kind = models.CharField(
        "perpetrator type",
        max_length=30,
        choices=PartyType.choices,
        blank=True,
        help_text=_("Filled from the perpetrator when one is named."),
    )

    # What
    public_summary = models.TextField(help_text=_("What the public may read."))
    internal_description = models.TextField(blank=True, help_text=_("Never shown to the public."))

    # Impact
    people_killed = models.PositiveIntegerField(default=0)
    people_injured = models.PositiveIntegerField(default=0)
    aid_workers_killed = models.PositiveIntegerField(default=0)
    aid_workers_injured = models.PositiveIntegerField(default=0)
    aid_workers_abducted = models.PositiveIntegerField(default=0)
    aid_workers_detained = models.PositiveIntegerField(default=0)
    vehicles_damaged = models.PositiveIntegerField(default=0)
    supplies_lost = models.CharField(max_length=300, blank=True, help_text=_("e.g. 18 trucks of food and NFIs."))
    beneficiaries_affected = models.PositiveIntegerField(default=0)
    national_aid_workers_killed = models.PositiveIntegerField(_("national aid workers killed"), default=0)
    national_aid_workers_injured = models.PositiveIntegerField(_("national aid workers injured"), default=0)
    national_aid_workers_kidnapped = models.PositiveIntegerField(_("national aid workers kidnapped"), default=0)
    national_aid_workers_arrested = models.PositiveIntegerField(_("national aid workers arrested"), default=0)
    international_aid_workers_killed = models.PositiveIntegerField(_("international aid workers killed"), default=0)
    international_aid_workers_injured = models.PositiveIntegerField(_("international aid workers injured"), default=0)
    international_aid_workers_kidnapped = models.PositiveIntegerField(
        _("international aid workers kidnapped"), default=0
    )
    international_aid_workers_arrested = models.PositiveIntegerField(_("international aid workers arrested"), default=0)
    facilities_damaged = models.PositiveIntegerField(
        default=0, help_text=_("Health or aid facilities damaged (hospitals, clinics, warehouses, offices).")
    )
    facilities_destroyed = models.PositiveIntegerField(default=0, help_text=_("Health or aid facilities destroyed."))
    weapon = models.CharField(
        _("weapon or means"),
        max_length=200,
        blank=True,
        help_text=_("As the source gives it: e.g. aerial bombing, IED."),
    )
    perpetrator_text = models.CharField(
        _("perpetrator as given"),
        max_length=300,
        blank=True,
        help_text=_("The perpetrator as the source names it, kept when it names no known party."),
    )
    access_effect = models.CharField(max_length=20, choices=AccessEffect.choices, blank=True)

    # Review
    verification_status = models.CharField(
        max_length=20, choices=VerificationStatus.choices, default=VerificationStatus.REPORTED, editable=False
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    verification_note = models.TextField(blank=True, editable=False)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    client_key = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Made on the reporter's device for a report sent from its outbox: sent twice, it is created once."),
    )
    last_edit_key = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "Made on the device for the last edit sent from its outbox; the history keeps every earlier one, so "
            "an edit sent twice is applied once."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["occurred_on"], name="incident_date_idx"),
            models.Index(fields=["longitude", "latitude"], name="incident_point_idx"),
            models.Index(fields=["verification_status", "visibility"], name="incident_review_idx"),
            models.Index(fields=["category", "occurred_on"], name="incident_category_date_idx"),
            models.Index(fields=["updated_at"], name="incident_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="incident_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="incident_longitude_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="incident_point_complete",
                violation_error_message="Give both latitude and longitude, or neither.",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=False) | models.Q(stated_area__isnull=False),
                name="incident_has_location",
                violation_error_message="An incident needs a point or an admin area (P-code).",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="obstruction") | ~models.Q(category=""),
                name="incident_obstruction_has_category",
                violation_error_message="An obstruction needs one of the access categories.",
            ),
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~models.Q(external_id=""),
                name="incident_external_id_unique_per_organization",
            ),
        ]

    def __str__(self):
        return f"{self.reference or 'new incident'}: {self.title}"

    def clean(self):
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = (
                "Give both latitude and longitude, or neither."
            )
        if self.kind == IncidentKind.OBSTRUCTION and not self.category:
            errors["category"] = "An obstruction needs one of the access categories (1-9, or other)."
        if self.latitude is None and self.stated_area_id is None:
            errors["stated_area"] = "An incident needs a point (latitude and longitude) or an admin area."
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC and self.verification_status == VerificationStatus.VERIFIED

    @property
    def aid_worker_casualties(self) -> int:
        return self.aid_workers_killed + self.aid_workers_injured


class SourceType(models.TextChoices):
    OWN_STAFF = "own_staff", _("Own staff")
    PARTNER = "partner", _("Partner")
    UN = "un", _("UN")
    MEDIA = "media", _("Media")
    SOCIAL_MEDIA = "social_media", _("Social media")
    OTHER = "other", _("Other")


class Reliability(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed by other sources")
    RELIABLE = "reliable", _("Usually reliable")
    FAIRLY_RELIABLE = "fairly_reliable", _("Fairly reliable")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")
    UNKNOWN = "unknown", _("Cannot be judged")


class IncidentSource(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(_("type"), max_length=20, choices=SourceType.choices)
    name = models.CharField(max_length=200, help_text=_("e.g. SARC field team, Reuters."))
    reference = models.CharField(max_length=500, blank=True, help_text=_("URL or document reference."))
    licence = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("The dataset's licence and the attribution it requires, e.g. CC BY 4.0, Insecurity Insight."),
    )
    reliability = models.CharField(max_length=20, choices=Reliability.choices, default=Reliability.UNKNOWN)
    contact = models.CharField(
        max_length=300, blank=True, help_text=_("How to reach the source. Never shown to the public.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"


class IncidentDraft(models.Model):
    """An incident report saved unfinished by its author, to be completed and reported later.

    Not an incident yet: none of an incident's rules apply to what it holds, only its author sees it (it may
    hold a source's contact), and nothing of it is ever published. Reporting it creates the incident through
    ``incident_create`` and deletes the draft.
    """

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incident_drafts")
    title = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, help_text=_("The report form's fields as typed, each a list of values."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self):
        return self.title or f"Draft {self.pk}"
