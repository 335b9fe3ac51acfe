"""The register as an import sees it: areas, their communities, parties and periods, read once per import."""

from collections import defaultdict

from aidtrack.areas.importers import history
from aidtrack.areas.models import Area, StatusPeriod
from aidtrack.geo.models import AdminArea
from aidtrack.imports.values import clean
from aidtrack.orgs.models import Party


class Register:
    """The register, the communities and the parties, read once."""

    def __init__(self):
        fields = ("pk", "name_en", "name_ar", "import_key", "latitude", "longitude")
        self.areas = {row["pk"]: row for row in Area.objects.values(*fields, "population", "population_date")}
        self.by_key = {row["import_key"]: pk for pk, row in self.areas.items() if row["import_key"]}
        self.by_name = {row["name_en"].casefold(): pk for pk, row in self.areas.items()}
        arabic = defaultdict(list)
        for pk, row in self.areas.items():
            if row["name_ar"]:
                arabic[clean(row["name_ar"])].append(pk)
        self.by_name_ar = {name: pks[0] for name, pks in arabic.items() if len(pks) == 1}
        self.communities_of = defaultdict(set)
        self.covering = defaultdict(list)
        for area_id, community_id in Area.communities.through.objects.values_list("area_id", "adminarea_id"):
            self.communities_of[area_id].add(community_id)
            self.covering[community_id].append(area_id)
        self.parties_of = defaultdict(set)
        for area_id, party_id in Area.besieging_parties.through.objects.values_list("area_id", "party_id"):
            self.parties_of[area_id].add(party_id)
        self.periods_of = defaultdict(list)
        periods = StatusPeriod.objects.order_by("start_date").values_list(
            "area_id", "status", "start_date", "end_date", "source"
        )
        for area_id, status, start, end, source in periods:
            self.periods_of[area_id].append(history.Period(status, start, end, source))
        self.places = {
            pk: (pcode, level, name_en, name_ar, lat, lon)
            for pk, pcode, level, name_en, name_ar, lat, lon in AdminArea.objects.values_list(
                "pk", "pcode", "level", "name_en", "name_ar", "centroid_lat", "centroid_lon"
            )
        }
        self.by_pcode = {place[0].upper(): pk for pk, place in self.places.items()}
        self.parties = {}
        self.party_labels = {}
        for party in Party.objects.all():
            self.party_labels[party.pk] = party.short_name or party.name
            for name in (party.name, party.short_name, party.name_ar, party.short_name_ar):
                if name:
                    self.parties[clean(name).casefold()] = party.pk
        self.known_parties = "; ".join(
            f"{p.name} ({p.short_name})" if p.short_name else p.name for p in Party.objects.order_by("name")
        )

    def community_label(self, pk: int) -> str:
        return self.places[pk][0]
