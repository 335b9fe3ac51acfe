"""Inter-agency convoy requests, from request to delivery, and what was removed on the way."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aidtrack.geo.geometry import latitude_validators, longitude_validators
from aidtrack.geo.models import assigned_admin_area
from aidtrack.orgs.models import Visibility


class ConvoyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    PARTIALLY_APPROVED = "partially_approved", _("Partially approved")
    DENIED = "denied", _("Denied")
    NO_RESPONSE = "no_response", _("No response")
    ON_HOLD = "on_hold", _("On hold")
    CANCELLED = "cancelled", _("Cancelled")
    DISPATCHED = "dispatched", _("Dispatched")
    DELIVERED = "delivered", _("Delivered")
    PARTIALLY_DELIVERED = "partially_delivered", _("Partially delivered")
    BLOCKED = "blocked", _("Blocked (turned back)")
    ATTACKED = "attacked", _("Attacked")


class Modality(models.TextChoices):
    CROSS_LINE = "cross_line", _("Cross-line")
    CROSS_BORDER = "cross_border", _("Cross-border")
    AIR = "air", _("Airdrop / airlift")


class Sector(models.TextChoices):
    FOOD = "food", _("Food security")
    HEALTH = "health", _("Health")
    NUTRITION = "nutrition", _("Nutrition")
    WASH = "wash", _("Water, sanitation and hygiene")
    SHELTER_NFI = "shelter_nfi", _("Shelter and non-food items")
    EDUCATION = "education", _("Education")
    PROTECTION = "protection", _("Protection")
    LOGISTICS = "logistics", _("Logistics")
    OTHER = "other", _("Other")


class ConvoyRequest(models.Model):
    reference = models.CharField(
        max_length=40,
        db_index=True,
        help_text=_("e.g. CV-2016-09-014; unique within the lead organization (each numbers its own requests)."),
    )
    title = models.CharField(max_length=200, blank=True)
    lead_organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="led_convoys")
    partner_organizations = models.ManyToManyField("orgs.Organization", related_name="partner_convoys", blank=True)
    modality = models.CharField(max_length=20, choices=Modality.choices, default=Modality.CROSS_LINE)
    status = models.CharField(
        max_length=30,
        choices=ConvoyStatus.choices,
        default=ConvoyStatus.DRAFT,
        editable=False,
        help_text=_("Changed only through a status transition, which is recorded as an event."),
    )
    origin_name = models.CharField(_("origin"), max_length=200, help_text=_("e.g. Damascus warehouse."))
    origin_area = models.ForeignKey("geo.AdminArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    origin_latitude = models.FloatField(null=True, blank=True, validators=latitude_validators)
    origin_longitude = models.FloatField(null=True, blank=True, validators=longitude_validators)
    plan_month = models.DateField(
        null=True, blank=True, help_text=_("The monthly inter-agency plan this request belongs to (first day).")
    )
    trucks = models.PositiveIntegerField(_("number of trucks"), null=True, blank=True)
    requested_date = models.DateField(null=True, blank=True, help_text=_("Date the request was submitted."))
    planned_date = models.DateField(_("planned dispatch date"), null=True, blank=True)
    notes = models.TextField(blank=True)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[partner_organizations])

    class Meta:
        ordering = ["-plan_month", "reference"]
        indexes = [models.Index(fields=["status", "plan_month"], name="convoy_status_month_idx")]
        constraints = [
            # Unique per lead organization, not across them: a form or file refused for a reference another
            # organization uses would tell its user that a convoy they may not see exists.
            models.UniqueConstraint(
                fields=["lead_organization", "reference"],
                name="convoy_reference_unique_per_lead",
                violation_error_message="The lead organization already has a convoy request with this reference: "
                "choose another reference.",
            ),
            models.CheckConstraint(
                condition=models.Q(origin_latitude__isnull=True)
                | models.Q(origin_latitude__gte=-90, origin_latitude__lte=90),
                name="convoy_origin_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(origin_longitude__isnull=True)
                | models.Q(origin_longitude__gte=-180, origin_longitude__lte=180),
                name="convoy_origin_longitude_in_range",
            ),
        ]

    def __str__(self):
        return self.reference

    def clean(self):
        if (self.origin_latitude is None) != (self.origin_longitude is None):
            raise ValidationError(_("Give both the origin's latitude and longitude, or neither."))


class ConvoyDestination(models.Model):
    """A place a convoy serves, with the people it plans to reach and did reach."""

    convoy = models.ForeignKey(ConvoyRequest, on_delete=models.CASCADE, related_name="destinations")
    area = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="convoy_destinations"
    )
    community = models.ForeignKey(
        "geo.AdminArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="convoy_destinations",
        limit_choices_to={"level__gte": 3},
    )
    admin1 = assigned_admin_area("governorate")
    admin2 = assigned_admin_area("district")
    admin3 = assigned_admin_area("sub-district")
    planned_beneficiaries = models.PositiveIntegerField(default=0)
    reached_beneficiaries = models.PositiveIntegerField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["convoy", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area__isnull=False) | models.Q(community__isnull=False),
                name="destination_has_place",
                violation_error_message="A destination needs a register area or a community.",
            ),
        ]

    def __str__(self):
        return f"{self.convoy} → {self.place_name}"

    @property
    def place_name(self) -> str:
        if self.area_id:
            return self.area.name_en
        return self.community.name_en if self.community_id else "?"

    def clean(self):
        if self.area_id is None and self.community_id is None:
            raise ValidationError(_("A destination needs a register area or a community."))


class CargoLine(models.Model):
    convoy = models.ForeignKey(ConvoyRequest, on_delete=models.CASCADE, related_name="cargo_lines")
    sector = models.CharField(max_length=20, choices=Sector.choices)
    item = models.CharField(max_length=200, help_text=_("e.g. Food rations, surgical kits."))
    quantity = models.DecimalField(max_digits=14, decimal_places=2)
    unit = models.CharField(max_length=40, help_text=_("e.g. parcels, kits, tonnes."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["convoy", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="cargo_quantity_not_negative"),
        ]

    def __str__(self):
        return f"{self.quantity.normalize():f} {self.unit} {self.item}"


class ConvoyEvent(models.Model):
    """One status transition: written only by the transition service, never edited."""

    convoy = models.ForeignKey(ConvoyRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=30, choices=ConvoyStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=ConvoyStatus.choices)
    occurred_at = models.DateTimeField(help_text=_("When the transition happened in the field."))
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    client_key = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Made on the device for a step sent from its outbox: sent twice, it is recorded once."),
    )

    class Meta:
        ordering = ["convoy", "occurred_at", "pk"]
        indexes = [models.Index(fields=["to_status", "occurred_at"], name="convoyevent_status_time_idx")]

    def __str__(self):
        return f"{self.convoy}: {self.from_status or '∅'} → {self.to_status} at {self.occurred_at:%Y-%m-%d %H:%M}"


class CheckpointRemoval(models.Model):
    """Cargo taken off a convoy at a checkpoint. Each removal is also an obstruction incident."""

    convoy = models.ForeignKey(ConvoyRequest, on_delete=models.CASCADE, related_name="removals")
    cargo_line = models.ForeignKey(CargoLine, on_delete=models.PROTECT, related_name="removals")
    quantity_removed = models.DecimalField(max_digits=14, decimal_places=2)
    removed_on = models.DateField()
    place_name = models.CharField(_("checkpoint"), max_length=200)
    latitude = models.FloatField(null=True, blank=True, validators=latitude_validators)
    longitude = models.FloatField(null=True, blank=True, validators=longitude_validators)
    party = models.ForeignKey("orgs.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True, help_text=_("The reason given, if any."))
    incident = models.OneToOneField(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checkpoint_removal",
        editable=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    client_key = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Made on the device for a removal sent from its outbox: sent twice, it is recorded once."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["convoy", "removed_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity_removed__gt=0), name="removal_quantity_positive"),
        ]

    def __str__(self):
        line = self.cargo_line
        return f"{self.quantity_removed.normalize():f} {line.unit} of {line.item} at {self.place_name}"

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        if self.cargo_line_id and self.convoy_id and self.cargo_line.convoy_id != self.convoy_id:
            raise ValidationError({"cargo_line": _("This cargo line belongs to another convoy.")})
