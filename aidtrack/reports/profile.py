"""An access profile per governorate after ACAPS's humanitarian access framework: nine indicators in three
pillars, each counted from the recorded obstruction incidents of the OCHA category it matches, with a score.

This is computed from the incidents recorded here, by the rule below; it is not an ACAPS assessment.

- Indicator score (0-3) from the incidents of its category in the period: 0 none, 1 for 1-2, 2 for 3-5, 3 for
  6 or more.
- Pillar score: the mean of its indicators' scores.
- Overall score (0-5): 5 x (sum of the nine indicator scores) / 27, to one decimal.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aidtrack.geo.models import AdminArea
from aidtrack.incidents.models import IncidentKind
from aidtrack.orgs.audience import Audience
from aidtrack.reports.access import period_incidents
from aidtrack.reports.periods import Period
from aidtrack.reports.tables import Column, Table

PILLARS = [
    (
        gettext_lazy("Access of people in need to humanitarian aid"),
        [
            ("1", gettext_lazy("Denial of the existence of humanitarian needs or entitlements to assistance")),
            ("6", gettext_lazy("Restriction and obstruction of access to services and assistance")),
        ],
    ),
    (
        gettext_lazy("Access of humanitarian actors to the affected population"),
        [
            ("2", gettext_lazy("Impediments to entering the country")),
            ("3", gettext_lazy("Restriction of movement within the country")),
            ("4", gettext_lazy("Interference in the implementation of humanitarian activities")),
            ("5", gettext_lazy("Violence against humanitarian personnel, facilities and assets")),
        ],
    ),
    (
        gettext_lazy("Security and physical constraints"),
        [
            ("7", gettext_lazy("Ongoing insecurity and hostilities affecting humanitarian assistance")),
            ("8", gettext_lazy("Presence of mines and explosive remnants of war")),
            ("9", gettext_lazy("Physical constraints in the environment")),
        ],
    ),
]
THRESHOLDS = [(6, 3), (3, 2), (1, 1)]


def indicator_score(count: int) -> int:
    return next((score for least, score in THRESHOLDS if count >= least), 0)


@dataclass
class GovernorateProfile:
    governorate: AdminArea
    counts: dict[str, int]
    previous: dict[str, int]

    @property
    def scores(self) -> dict[str, int]:
        return {
            code: indicator_score(self.counts.get(code, 0)) for _p, indicators in PILLARS for code, _l in indicators
        }

    @property
    def pillar_scores(self) -> list[float]:
        scores = self.scores
        return [round(sum(scores[c] for c, _l in indicators) / len(indicators), 1) for _p, indicators in PILLARS]

    @property
    def overall(self) -> float:
        return round(5 * sum(self.scores.values()) / 27, 1)


@dataclass
class AccessProfile:
    period: Period
    previous: Period
    governorates: list[GovernorateProfile] = field(default_factory=list)

    def tables(self) -> dict[str, Table]:
        columns = [Column("pcode", _("P-code"), "#adm1+code"), Column("governorate", _("Governorate"), "#adm1+name")]
        rows = []
        for profile in self.governorates:
            row = {"pcode": profile.governorate.pcode, "governorate": profile.governorate.name}
            for _pillar, indicators in PILLARS:
                for code, _label in indicators:
                    row[f"indicator_{code}"] = profile.counts.get(code, 0)
                    row[f"indicator_{code}_previous"] = profile.previous.get(code, 0)
                    row[f"indicator_{code}_score"] = profile.scores[code]
            for index, score in enumerate(profile.pillar_scores, 1):
                row[f"pillar_{index}"] = score
            row["score"] = profile.overall
            rows.append(row)
        for _pillar, indicators in PILLARS:
            for code, _label in indicators:
                columns += [
                    Column(
                        f"indicator_{code}", _("Indicator %(code)s: incidents") % {"code": code}, f"#indicator+i{code}"
                    ),
                    Column(
                        f"indicator_{code}_previous",
                        _("Indicator %(code)s: incidents, period before") % {"code": code},
                        f"#indicator+i{code}+previous",
                    ),
                    Column(
                        f"indicator_{code}_score",
                        _("Indicator %(code)s: score") % {"code": code},
                        f"#indicator+i{code}+score",
                    ),
                ]
        columns += [
            Column(f"pillar_{index}", _("Pillar %(n)d score") % {"n": index}, f"#indicator+pillar{index}+score")
            for index in range(1, 4)
        ]
        columns.append(Column("score", _("Access score (0-5)"), "#severity+access"))
        return {"profile": Table("profile", _("Access profile by governorate"), columns, rows)}


def access_profile(*, audience: Audience, period: Period, governorate: AdminArea | None = None) -> AccessProfile:
    profile = AccessProfile(period, period.previous())
    incidents = (
        period_incidents(audience, governorate)
        .filter(kind=IncidentKind.OBSTRUCTION, occurred_on__range=(profile.previous.start, period.end))
        .exclude(admin1=None)
    )
    rows = incidents.values("admin1_id", "category").annotate(
        now=Count("pk", filter=Q(occurred_on__range=(period.start, period.end))),
        before=Count("pk", filter=Q(occurred_on__range=(profile.previous.start, profile.previous.end))),
    )
    counts: dict[int, dict[str, int]] = {}
    previous: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["admin1_id"], {})[row["category"]] = row["now"]
        previous.setdefault(row["admin1_id"], {})[row["category"]] = row["before"]
    governorates = AdminArea.objects.filter(level=1).defer("geometry").order_by("pcode")
    if governorate is not None:
        governorates = governorates.filter(pk=governorate.pk)
    profile.governorates = [GovernorateProfile(g, counts.get(g.pk, {}), previous.get(g.pk, {})) for g in governorates]
    return profile
