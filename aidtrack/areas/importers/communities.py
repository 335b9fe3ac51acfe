"""Community lists with an access-status column: the communities go to geo, the statuses into the register.

Geo loads the communities (``geo.importers.communities``) and knows nothing of the register; this module gives
it a ``CommunityRegister`` that reads the status words, plans the register's changes row by row and writes them
through the register's service (``areas_register_from_list``), the one home of its rules.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from aidtrack.areas.models import AccessStatus, Area, StatusPeriod
from aidtrack.areas.services import areas_register_from_list, check_may_update
from aidtrack.geo.importers import communities as geo_communities
from aidtrack.geo.importers.communities import Community, Row
from aidtrack.imports.report import ImportFailed
from aidtrack.orgs.models import Organization

STATUS_WORDS = {
    AccessStatus.BESIEGED: {"besieged", "siege", "undersiege", "besiegedarea", "محاصر", "محاصرة"},
    AccessStatus.MILITARY_ENCIRCLED: {"militaryencircled", "me", "encircled", "مطوقعسكريا", "مطوقةعسكريا"},
    AccessStatus.HARD_TO_REACH: {"htr", "hardtoreach", "hardtoreacharea", "يصعبالوصولإليها", "صعبةالوصول"},
    AccessStatus.ACCESSIBLE: {"accessible", "access", "يمكنالوصولإليها", "متاحة"},
}
# Arabic short vowels and tatweel are dropped, and letter variants folded, so "مطوقة عسكرياً" and
# "يصعب الوصول اليها" read as the words above.
ARABIC_MARKS = re.compile("[\u064b-\u0652\u0640]")
ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})


def _status_key(text: str) -> str:
    key = re.sub(r"[\s\-_./]", "", text.strip().lower())
    return ARABIC_MARKS.sub("", key).translate(ARABIC_LETTERS)


STATUS_BY_WORD = {_status_key(word): status for status, words in STATUS_WORDS.items() for word in words}


def status_of(text: str) -> str | None:
    """The access status a cell means, in English or Arabic; None when it means none we know."""
    return STATUS_BY_WORD.get(_status_key(text))


@dataclass
class RegisterChange:
    row: Row
    key: str
    area: Area | None
    status: str
    name: str = ""


def _area_key(community: Community, row: Row) -> str:
    return row.pcode if len(community.rows) == 1 else f"{row.pcode} {row.name_en}"[:200]


def _adoptable(areas: list[Area], community: Community, row: Row) -> Area | None:
    """The hand-made area that is this row's place, if there is exactly one."""
    same_name = [a for a in areas if a.name_en.casefold() == row.name_en.casefold()]
    if len(same_name) == 1:
        return same_name[0]
    single = [a for a in areas if len(a.communities.all()) == 1]
    if len(community.rows) == 1 and len(areas) == 1 and single:
        return single[0]
    return None


def plan_register(communities, *, as_of, source, report) -> list[RegisterChange]:
    """What the list changes in the register: areas to add, statuses to change or close, by row."""
    keyed = {area.import_key: area for area in Area.objects.filter(import_key__isnull=False)}
    # Areas entered by hand (no import key), by the communities they cover.
    covering: dict[str, list[Area]] = {}
    for area in Area.objects.filter(import_key__isnull=True).prefetch_related("communities"):
        for community in area.communities.all():
            covering.setdefault(community.pcode, []).append(area)
    current = {
        period.area_id: period
        for period in StatusPeriod.objects.filter(end_date__isnull=True).only("area_id", "status", "start_date")
    }
    taken_names = set(Area.objects.values_list("name_en", flat=True))
    changes = []
    for community in communities.values():
        for row in community.rows:
            key = _area_key(community, row)
            area = keyed.get(key)
            status = row.status or AccessStatus.ACCESSIBLE
            if area is None and row.pcode in covering:
                area = _adoptable(covering[row.pcode], community, row)
                if area is None and status == AccessStatus.ACCESSIBLE and len(community.rows) > 1:
                    continue  # an accessible part of a divided city: the hand-made area is another part
                if area is None:
                    names = ", ".join(sorted(a.name_en for a in covering[row.pcode]))
                    report.warning(
                        row.where,
                        _(
                            "%(name)s is part of the register area(s) %(areas)s, entered by hand; the list's status "
                            "(%(status)s) is not applied to them. Update them by hand."
                        )
                        % {"name": row.name_en, "areas": names, "status": AccessStatus(status).label.lower()},
                        row.pcode,
                    )
                    report.counts["rows left to hand-made register areas"] += 1
                    continue
            if area is None:
                if status == AccessStatus.ACCESSIBLE:
                    continue  # accessible places are not in the register
                name = row.name_en if row.name_en not in taken_names else f"{row.name_en} ({row.pcode})"
                if name in taken_names:
                    name = f"{row.name_en} ({key})"[:200]
                taken_names.add(name)
                changes.append(RegisterChange(row, key, None, status, name))
                report.counts["register areas added"] += 1
                continue
            period = current.get(area.pk)
            if period is not None and period.status == status:
                report.counts["register areas unchanged"] += 1
                continue
            if period is None and status == AccessStatus.ACCESSIBLE:
                report.counts["register areas unchanged"] += 1
                continue
            if period is not None and period.start_date >= as_of:
                report.error(
                    row.where,
                    _(
                        "%(area)s has been %(status)s since %(since)s, not before --as-of %(as_of)s; a list cannot "
                        "change an area's status before its latest change. Use a later --as-of, or correct the area's "
                        "history first."
                    )
                    % {
                        "area": area,
                        "status": period.get_status_display().lower(),
                        "since": f"{period.start_date:%d %b %Y}",
                        "as_of": f"{as_of:%d %b %Y}",
                    },
                    row.pcode,
                )
                continue
            changes.append(RegisterChange(row, key, area, status))
            counter = "register periods closed" if status == AccessStatus.ACCESSIBLE else "register status changes"
            report.counts[counter] += 1
    return changes


class CommunityRegister:
    """What geo's community importer asks of the register (see ``geo.importers.communities``)."""

    status_of = staticmethod(status_of)

    def check(self, *, by, organization) -> None:
        check_may_update(by, organization)

    def plan(self, communities, *, as_of, source, report) -> list[RegisterChange]:
        return plan_register(communities, as_of=as_of, source=source, report=report)

    def write(self, changes, *, as_of, source, organization, by, progress=None) -> None:
        areas_register_from_list(
            changes=changes, as_of=as_of, source=source, organization=organization, by=by, progress=progress
        )


def import_communities(path_or_url: str, **options):
    """Load a community list and, unless ``ignore_status``, its access statuses into the register."""
    return geo_communities.import_communities(path_or_url, register=CommunityRegister(), **options)


def run_communities(path_or_url: str, *, as_of: str | None = None, organization: str | None = None, **options):
    """The community import on the run machinery (``imports.files``): its options as a queued job carries them
    (the date as YYYY-MM-DD, the organization by acronym)."""
    try:
        day = datetime.date.fromisoformat(as_of) if as_of else None
    except ValueError as error:
        raise ImportFailed(
            _("%(value)s is not a date: give the date the statuses hold from as YYYY-MM-DD, e.g. 2016-10-31.")
            % {"value": as_of}
        ) from error
    found = None
    if organization:
        found = (
            Organization.objects.filter(acronym__iexact=organization).first()
            or Organization.objects.filter(name__iexact=organization).first()
        )
        if found is None:
            raise ImportFailed(_("No organization has the acronym %(acronym)s.") % {"acronym": organization})
    return import_communities(path_or_url, as_of=day, organization=found, **options)
