"""Administrative areas: the OCHA Common Operational Dataset (COD-AB) and communities."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aidtrack.geo.geometry import footprint, latitude_validators, longitude_validators
from aidtrack.names import in_language

pcode_validator = RegexValidator(
    r"^[A-Z]{1,3}[0-9A-Z]*$",
    "A P-code is upper-case letters followed by digits, e.g. SY, SY03, SY030703 or C2450.",
)


def assigned_admin_area(verbose_name=None) -> models.ForeignKey:
    """A record's admin area at one level, filled in by the placement services (never typed in)."""
    return models.ForeignKey(
        "geo.AdminArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        editable=False,
    )


class AdminLevel(models.IntegerChoices):
    COUNTRY = 0, _("Country (admin 0)")
    GOVERNORATE = 1, _("Governorate (admin 1)")
    DISTRICT = 2, _("District (admin 2)")
    SUBDISTRICT = 3, _("Sub-district (admin 3)")
    COMMUNITY = 4, _("Community (admin 4)")


class AdminAreaQuerySet(models.QuerySet):
    def at_level(self, level: int):
        return self.filter(level=level)

    def intersecting_bbox(self, min_lon, min_lat, max_lon, max_lat):
        """Areas whose bounding box overlaps the given one (a cheap pre-filter)."""
        return self.filter(min_lon__lte=max_lon, max_lon__gte=min_lon, min_lat__lte=max_lat, max_lat__gte=min_lat)


class AdminArea(models.Model):
    """One administrative area (levels 0-3, polygons) or community (level 4, point)."""

    pcode = models.CharField(
        "P-code",
        max_length=20,
        unique=True,
        validators=[pcode_validator],
        help_text=_("OCHA place code, e.g. SY03 (Rural Damascus) or C2450 (Madaya)."),
    )
    level = models.PositiveSmallIntegerField(choices=AdminLevel.choices, db_index=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The area one level up (a community's parent may be any higher level)."),
    )
    geometry = models.JSONField(
        null=True,
        blank=True,
        help_text=_("GeoJSON geometry in WGS 84: a (Multi)Polygon for levels 0-3, a Point for communities."),
    )
    centroid_lat = models.FloatField(null=True, blank=True, validators=latitude_validators, editable=False)
    centroid_lon = models.FloatField(null=True, blank=True, validators=longitude_validators, editable=False)
    min_lon = models.FloatField(null=True, blank=True, editable=False)
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lon = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)
    population = models.PositiveIntegerField(null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(null=True, blank=True)
    population_source = models.CharField(max_length=300, blank=True)
    source = models.CharField(
        max_length=300, blank=True, help_text=_("Where the boundary or point comes from, with its edition.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AdminAreaQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["geometry"])

    # The columns refresh_footprint() derives from the geometry (for bulk updates).
    FOOTPRINT_FIELDS = ("min_lon", "min_lat", "max_lon", "max_lat", "centroid_lon", "centroid_lat")

    class Meta:
        ordering = ["level", "pcode"]
        verbose_name = _("admin area")
        indexes = [
            models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="adminarea_bbox_idx"),
            models.Index(fields=["parent", "level"], name="adminarea_parent_level_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__lte=4), name="adminarea_level_0_to_4"),
            models.CheckConstraint(
                condition=models.Q(min_lon__isnull=True) | models.Q(min_lon__lte=models.F("max_lon")),
                name="adminarea_bbox_lon_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(min_lat__isnull=True) | models.Q(min_lat__lte=models.F("max_lat")),
                name="adminarea_bbox_lat_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(population_year__isnull=True)
                | models.Q(population_year__gte=1900, population_year__lte=2100),
                name="adminarea_population_year_plausible",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.pcode})"

    def save(self, *args, **kwargs):
        self.refresh_footprint()
        super().save(*args, **kwargs)

    def clean(self):
        if self.parent_id is not None:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("An area cannot be its own parent.")})
            if self.parent.level >= self.level:
                raise ValidationError(
                    {
                        "parent": _(
                            "The parent of a level-%(level)s area must be at a higher level (lower number); "
                            "%(parent)s is level %(parent_level)s."
                        )
                        % {"level": self.level, "parent": self.parent, "parent_level": self.parent.level}
                    }
                )
        if self.geometry:
            try:
                footprint(self.geometry)
            except ValidationError as error:
                raise ValidationError({"geometry": error.messages}) from error
            kind = self.geometry["type"]
            if self.level == AdminLevel.COMMUNITY and kind not in {"Point", "MultiPoint"}:
                raise ValidationError({"geometry": _("A community (level 4) is a point.")})
            if self.level < AdminLevel.COMMUNITY and kind not in {"Polygon", "MultiPolygon"}:
                raise ValidationError({"geometry": _("A level-%(level)s area is a polygon.") % {"level": self.level}})

    @property
    def name(self) -> str:
        """The name in the reader's language (the English one where no Arabic name is known)."""
        return in_language(self.name_en, self.name_ar)

    def refresh_footprint(self):
        """Keep the bounding box and centroid columns in step with the geometry."""
        if self.geometry:
            fp = footprint(self.geometry)
            self.min_lon, self.min_lat, self.max_lon, self.max_lat = (
                fp.min_lon,
                fp.min_lat,
                fp.max_lon,
                fp.max_lat,
            )
            self.centroid_lon, self.centroid_lat = fp.centroid_lon, fp.centroid_lat
        else:
            self.min_lon = self.min_lat = self.max_lon = self.max_lat = None
            self.centroid_lon = self.centroid_lat = None

    def ancestors(self):
        """This area's parents, nearest first."""
        chain, area = [], self.parent
        while area is not None:
            chain.append(area)
            area = area.parent
        return chain

    def ancestor_at_level(self, level: int):
        if self.level == level:
            return self
        return next((area for area in self.ancestors() if area.level == level), None)


class GeodataState(models.Model):
    """One row that changes whenever admin areas change.

    Every process keeps an in-memory placement index and every map layer is
    cached; comparing this row's version with the cached one tells them, with
    a single primary-key read, whether to rebuild. Importers bump it once per
    run; saves and deletes of single areas bump it through signals.
    """

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("geodata state")

    def __str__(self):
        return f"geodata version {self.version} ({self.changed_at:%Y-%m-%d %H:%M})"


class ContextLayerKind(models.TextChoices):
    ROADS = "roads", _("Roads")


class ContextLayer(models.Model):
    """A layer an operator loaded to help find places by eye (roads), kept in the database for every app server.

    The lines are clipped to Syria and a margin and simplified when loaded (``aidtrack.geo.context_layers``),
    so the stored GeoJSON is what the maps download; loading a new file replaces it, with a new version.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ContextLayerKind.choices, unique=True)
    geojson = models.TextField(_("GeoJSON"), editable=False)
    features = models.PositiveIntegerField(_("lines"), editable=False)
    kept = models.CharField(
        _("lines kept"), max_length=300, editable=False, help_text=_("Which of the file's lines were kept.")
    )
    source = models.CharField(
        _("source"), max_length=500, help_text=_("Where the file came from, e.g. HDX, Syria - Roads (OpenStreetMap).")
    )
    licence = models.CharField(_("licence"), max_length=200, help_text=_("The data's licence, e.g. ODbL 1.0."))
    attribution = models.CharField(
        _("attribution"),
        max_length=300,
        help_text=_("Shown in the maps' credits, e.g. © OpenStreetMap contributors."),
    )
    version = models.CharField(max_length=64, editable=False)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("loaded by"),
    )

    class Meta:
        verbose_name = _("map context layer")
        verbose_name_plural = _("map context layers")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.source} ({self.features} lines)"
