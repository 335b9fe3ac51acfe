"""The register of besieged, military-encircled and hard-to-reach areas, with history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aidtrack.geo.geometry import footprint, latitude_validators, longitude_validators
from aidtrack.geo.models import assigned_admin_area
from aidtrack.names import in_language


class AccessStatus(models.TextChoices):
    BESIEGED = "besieged", _("Besieged")
    MILITARY_ENCIRCLED = "military_encircled", _("Military encircled")
    HARD_TO_REACH = "hard_to_reach", _("Hard to reach")
    ACCESSIBLE = "accessible", _("Accessible")


class RecordedForOrganization(models.Model):
    """What an area's history row adds: the organization the change was recorded for.

    The register is shared, so an area's history is read by every member of
    staff; who made a change is shown only to members of the organization it
    was recorded for (see areas.selectors.area_change_author).
    """

    history_organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The organization this change was recorded for; blank for a site admin's change."),
    )

    class Meta:
        abstract = True


class Area(models.Model):
    """A place in the register: one or more communities that share an access status.

    OCHA's "Duma area", for example, groups eight communities; "Aleppo city
    (eastern)" is part of one community. The geometry is drawn or derived
    from the communities' points.
    """

    name_en = models.CharField(_("name (English)"), max_length=200, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    communities = models.ManyToManyField(
        "geo.AdminArea",
        related_name="register_areas",
        blank=True,
        limit_choices_to={"level": 4},
        help_text=_("The communities (admin 4) this area covers."),
    )
    governorate = models.ForeignKey(
        "geo.AdminArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": 1},
        help_text=_("Assigned from the point when there is one."),
    )
    latitude = models.FloatField(null=True, blank=True, validators=latitude_validators)
    longitude = models.FloatField(null=True, blank=True, validators=longitude_validators)
    geometry = models.JSONField(
        null=True, blank=True, help_text=_("GeoJSON outline in WGS 84, when one has been drawn.")
    )
    admin2 = assigned_admin_area("district")
    admin3 = assigned_admin_area("sub-district")
    placement_problem = models.CharField(
        max_length=500,
        blank=True,
        editable=False,
        help_text=_("Why the point could not be placed in an admin area."),
    )
    import_key = models.CharField(
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "What an importer matches this area by: the community P-code of an OCHA list row "
            "(with the location name when several rows share the P-code)."
        ),
    )
    population = models.PositiveIntegerField(
        "population estimate", null=True, blank=True, help_text=_("People living in the area.")
    )
    population_date = models.DateField(null=True, blank=True)
    population_source = models.CharField(max_length=300, blank=True)
    besieging_parties = models.ManyToManyField("orgs.Party", related_name="besieged_areas", blank=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[besieging_parties, communities], bases=[RecordedForOrganization])

    class Meta:
        ordering = ["name_en"]
        indexes = [models.Index(fields=["longitude", "latitude"], name="area_point_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="area_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="area_longitude_in_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the reader's language (the English one where no Arabic name is known)."""
        return in_language(self.name_en, self.name_ar)

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        if self.geometry:
            try:
                footprint(self.geometry)
            except ValidationError as error:
                raise ValidationError({"geometry": error.messages}) from error


class StatusPeriod(models.Model):
    """One stretch of time during which an area had one access status.

    ``end_date`` is exclusive: it is the first day on which the status no
    longer applied, which is also the start of the next period. An open
    period (no end) is the current status.
    """

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="status_periods")
    status = models.CharField(max_length=20, choices=AccessStatus.choices)
    start_date = models.DateField()
    end_date = models.DateField(
        null=True,
        blank=True,
        help_text=_("First day the status no longer applied; blank while it is current."),
    )
    source = models.CharField(max_length=300, help_text=_("e.g. OCHA besieged list, 31 October 2016."))
    note = models.TextField(blank=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The organization that recorded this period."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "start_date"]
        indexes = [models.Index(fields=["start_date", "end_date"], name="statusperiod_dates_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gt=models.F("start_date")),
                name="statusperiod_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["area"],
                condition=models.Q(end_date__isnull=True),
                name="statusperiod_one_open_per_area",
                violation_error_message="This area already has a current (open) status period.",
            ),
            models.UniqueConstraint(fields=["area", "start_date"], name="statusperiod_unique_start"),
        ]

    def __str__(self):
        until = f"until {self.end_date}" if self.end_date else "current"
        return f"{self.area}: {self.get_status_display()} from {self.start_date} ({until})"

    def clean(self):
        if self.start_date is None:
            return
        if self.end_date is not None and self.end_date <= self.start_date:
            raise ValidationError(
                {
                    "end_date": _("The end (%(end)s) must be after the start (%(start)s).")
                    % {"end": self.end_date, "start": self.start_date}
                }
            )
        if self.area_id is not None:
            clash = self.overlapping_periods().first()
            if clash is not None:
                raise ValidationError(
                    _(
                        "This period overlaps another period of %(area)s: %(other)s. An area has one status at a "
                        "time; shorten or remove the other period first."
                    )
                    % {"area": self.area, "other": clash}
                )

    def overlapping_periods(self):
        others = StatusPeriod.objects.filter(area_id=self.area_id).exclude(pk=self.pk)
        if self.end_date is not None:
            others = others.filter(start_date__lt=self.end_date)
        return others.filter(models.Q(end_date__isnull=True) | models.Q(end_date__gt=self.start_date))

    def covers(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or day < self.end_date)
