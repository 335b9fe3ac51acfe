"""Checking each convoy of a table as a whole, into one plan per convoy (nothing is written here).

Once every row is read (``reading``), each convoy's rows must agree, its lead
organization must be one the user reports for, a recorded convoy must be one
the user may change, and its status must be reachable through the lifecycle
(``walk``) with dates in order, a reason where one is needed, and people
reached only with a delivery.
"""

from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aidtrack.convoys.importers.columns import FIELDS
from aidtrack.convoys.importers.plans import ConvoyPlan, DestinationSpec, local_day, status_label
from aidtrack.convoys.importers.reading import CargoSpec, RowRead, RowReader, same
from aidtrack.convoys.importers.walk import (
    DATE_FIELD_STEPS,
    STEP_DATE_FIELDS,
    Step,
    WalkProblem,
    dated_steps,
    lifecycle_path,
    next_statuses,
)
from aidtrack.convoys.models import ConvoyEvent, ConvoyRequest, ConvoyStatus
from aidtrack.convoys.services import DELIVERED_STATUSES, convoy_transition_check, working_days_between
from aidtrack.geo.models import AdminArea
from aidtrack.orgs.models import Organization

S = ConvoyStatus

# File field -> the request's attribute that convoy_create and convoy_update write.
MODEL_FIELDS = {
    "title": "title",
    "modality": "modality",
    "origin_name": "origin_name",
    "origin_pcode": "origin_area_id",
    "origin_latitude": "origin_latitude",
    "origin_longitude": "origin_longitude",
    "plan_month": "plan_month",
    "trucks": "trucks",
    "requested_date": "requested_date",
    "planned_date": "planned_date",
    "notes": "notes",
    "visibility": "visibility",
}
FILE_FIELDS = {attribute: name for name, attribute in MODEL_FIELDS.items()} | {"origin_area": "origin_pcode"}
STATUS_DATES = ("status_date", "requested_date", "approval_date", "dispatch_date", "delivery_date")
# What a date column says about a convoy's past, in words.
DATE_MEANS = {
    "requested_date": gettext_lazy("was submitted"),
    "approval_date": gettext_lazy("was answered (approved, partially approved, denied or no response)"),
    "dispatch_date": gettext_lazy("was dispatched"),
    "delivery_date": gettext_lazy("was delivered, turned back or attacked"),
}


class ConvoyChecker(RowReader):
    """Reads rows, then checks each convoy as a whole into a ConvoyPlan."""

    def plans(self) -> list[ConvoyPlan]:
        stored = self._stored(list(self.groups))
        plans = []
        for key, rows in self.groups.items():
            plan = self._check(key, rows, stored)
            if plan is not None:
                plans.append(plan)
        return sorted(plans, key=lambda plan: plan.row)

    def _stored(self, keys: list[str]) -> dict[tuple[int, str], ConvoyRequest]:
        """Recorded convoys by (lead organization id, reference in capitals): references are unique per lead."""
        found = {}
        for start in range(0, len(keys), 500):
            convoys = (
                ConvoyRequest.objects.annotate(key=Upper("reference"))
                .filter(key__in=keys[start : start + 500])
                .select_related("lead_organization")
                .prefetch_related(
                    "partner_organizations",
                    "destinations__area",
                    "destinations__community",
                    "cargo_lines",
                    Prefetch("events", queryset=ConvoyEvent.objects.order_by("occurred_at", "pk")),
                )
            )
            found.update({(convoy.lead_organization_id, convoy.key): convoy for convoy in convoys})
        return found

    def _check(self, key: str, rows: list[RowRead], stored_convoys: dict) -> ConvoyPlan | None:
        errors_before = self.error_count
        first = rows[0]
        given = self._merge(rows, first.reference)
        lead = given["lead_organization"][0] if "lead_organization" in given else self.organization
        # Only the lead's own request with this reference is this convoy: another organization's is another
        # convoy, whose existence the file is never told.
        stored = stored_convoys.get((lead.pk, key))
        reference = stored.reference if stored else first.reference

        def at(name: str) -> int:
            return given[name][2] if name in given else first.row

        lead = self._lead(given, lead, at)
        if lead is None and stored is not None:
            return None  # nothing more is said about a recorded convoy the user may not change
        partners = self._partners(given, lead, reference, at)
        destinations, reached = self._destinations(rows, reference)
        cargo = self._cargo_lines(rows, reference)
        fields = {MODEL_FIELDS[name]: given[name][0] for name in MODEL_FIELDS if name in given}
        if stored is None:
            self._complete_new(rows, fields, destinations, reference)
        failed = set().union(*(read.failed for read in rows))
        self._validate(first, fields, lead, stored, reference, at, failed)
        # A status or date that could not be read is reported already; the walk would only add noise.
        steps = None if {"status", *STATUS_DATES} & failed else self._walk(given, stored, reference, at)
        note = given["status_note"][0] if "status_note" in given else ""
        if steps:
            final = steps[-1].status
            if _breaks_rule(steps[-1], "note_required", note=note):
                self.problem(
                    at("status"),
                    "status_note",
                    "",
                    _("the reason is missing: a %(status)s convoy needs one (say why %(reference)s was %(status)s)")
                    % {"status": status_label(final), "reference": reference},
                )
        if steps is not None:
            self._check_reached(rows, reached, steps, stored, reference)
        if self.error_count > errors_before or lead is None:
            return None
        plan = ConvoyPlan(
            row=first.row,
            action="create",
            reference=reference,
            rows=sorted(read.row for read in rows),
            lead=lead,
            steps=steps or [],
            note=note,
            reached=reached,
        )
        if stored is None:
            plan.fields = fields
            plan.partners = sorted(o.pk for o in partners) if partners is not None else None
            plan.destinations, plan.cargo = destinations, cargo
            plan.summary = self._summary(fields, lead, destinations, cargo)
            return plan
        return self._compare(plan, stored, fields, partners, destinations, cargo, first)

    def _merge(self, rows: list[RowRead], reference: str) -> dict:
        """Convoy-level field -> (value, text, row), from the first row giving it; other rows must agree."""
        merged = {}
        for read in rows:
            for name, (value, text) in read.given.items():
                if name not in merged:
                    merged[name] = (value, text, read.row)
                elif not same(merged[name][0], value):
                    self.problem(
                        read.row,
                        name,
                        text,
                        _(
                            "row %(row)s gives %(value)r for convoy %(reference)s: the rows of one convoy must agree "
                            "(repeat the same value, or leave the cell empty)"
                        )
                        % {"row": merged[name][2], "value": merged[name][1], "reference": reference},
                    )
        return merged

    def _lead(self, given, lead, at) -> Organization | None:
        """The lead organization, if the user may record convoy requests for it."""
        if self.may_write(lead.pk):
            return lead
        self.problem(
            at("lead_organization"),
            "lead_organization",
            given.get("lead_organization", (None, lead.short_name))[1],
            _(
                "%(user)s may not record convoy requests for %(lead)s: give an organization you report for (this "
                "import is for %(organization)s), or ask an organization admin of %(lead)s for the reporter role"
            )
            % {"user": self.by, "lead": lead.short_name, "organization": self.organization.short_name},
        )
        return None

    def _partners(self, given, lead, reference, at) -> list[Organization] | None:
        if "partner_organizations" not in given:
            return None
        partners = set(given["partner_organizations"][0])
        if lead is not None and lead in partners:
            partners.discard(lead)
            self.warning(
                at("partner_organizations"),
                "partner_organizations",
                _("%(lead)s leads convoy %(reference)s, so it is not recorded as a partner as well.")
                % {"lead": lead.short_name, "reference": reference},
            )
        return sorted(partners, key=lambda o: o.pk)

    def _destinations(self, rows, reference) -> tuple[list[DestinationSpec] | None, dict]:
        """The convoy's destinations in file order (None when no row gives one), and people reached by place."""
        planned, reached, labels, first_row = {}, {}, {}, {}
        for read in rows:
            if read.place is None:
                continue
            place = read.place
            if place not in first_row:
                first_row[place], labels[place] = read.row, read.place_label
            for counts, value, name in ((planned, read.planned, "planned"), (reached, read.reached, "reached")):
                if value is None:
                    continue
                if place in counts and counts[place][0] != value:
                    self.problem(
                        read.row,
                        f"{name}_beneficiaries",
                        str(value),
                        (
                            _(
                                "row %(row)s gives %(count)s planned beneficiaries at %(place)s for convoy "
                                "%(reference)s: a destination has one figure (give it once, or the same on every row)"
                            )
                            if name == "planned"
                            else _(
                                "row %(row)s gives %(count)s people reached at %(place)s for convoy %(reference)s: a "
                                "destination has one figure (give it once, or the same on every row)"
                            )
                        )
                        % {
                            "row": counts[place][1],
                            "count": f"{counts[place][0]:,}",
                            "place": labels[place],
                            "reference": reference,
                        },
                    )
                counts.setdefault(place, (value, read.row))
        if not first_row:
            return None, {}
        destinations = [
            DestinationSpec(place[0], place[1], planned.get(place, (0,))[0], labels[place]) for place in first_row
        ]
        return destinations, {place: value for place, (value, _row) in reached.items()}

    def _cargo_lines(self, rows, reference) -> list[CargoSpec] | None:
        lines, seen = [], {}
        for read in rows:
            line = read.cargo
            if line is None:
                continue
            if line.key() in seen:
                self.warning(
                    read.row,
                    "item",
                    _(
                        "this row repeats the cargo line of row %(row)s (%(line)s) for convoy %(reference)s: it is "
                        "counted once. If the convoy carries it twice, give one line with the total."
                    )
                    % {"row": seen[line.key()], "line": line, "reference": reference},
                )
                continue
            seen[line.key()] = read.row
            lines.append(line)
        return lines or None

    def _complete_new(self, rows, fields, destinations, reference) -> None:
        first = rows[0]
        if not fields.get("origin_name") and "origin_pcode" not in set().union(*(r.failed for r in rows)):
            if fields.get("origin_area_id"):
                fields["origin_name"] = AdminArea.objects.get(pk=fields["origin_area_id"]).name_en
            else:
                self.problem(
                    first.row,
                    "origin_name",
                    "",
                    _(
                        "the origin is missing: convoy %(reference)s needs one (e.g. Damascus warehouse, or an "
                        "origin P-code)"
                    )
                    % {"reference": reference},
                )
        if destinations is None and not any(read.place_given for read in rows):
            self.problem(
                first.row,
                "destination",
                "",
                _(
                    "convoy %(reference)s has no destination: give a register area, community or P-code on at least "
                    "one of its rows"
                )
                % {"reference": reference},
            )

    def _validate(self, first, fields, lead, stored, reference, at, failed: set) -> None:
        """The request's own rules (lengths, both coordinates or neither), as the services will check them."""
        has_lat, has_lon = "origin_latitude" in fields, "origin_longitude" in fields
        if has_lat != has_lon and not {"origin_latitude", "origin_longitude"} & failed:
            missing = "origin_longitude" if has_lat else "origin_latitude"
            self.problem(
                first.row,
                missing,
                "",
                _("the %(field)s is missing: give both, or neither") % {"field": FIELDS[missing].label},
            )
            return
        if lead is None:
            return
        candidate = ConvoyRequest(reference=reference, lead_organization=lead)
        if stored is not None:
            for name in FILE_FIELDS:
                if name != "origin_area":
                    setattr(candidate, name, getattr(stored, name))
        for name, value in fields.items():
            setattr(candidate, name, value)
        try:
            # The reference was matched above (a recorded one is this convoy); its ranges are field validators.
            candidate.full_clean(
                exclude=["created_by", "origin_name"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column_field = FILE_FIELDS.get(name, "origin_latitude")
                value = fields.get(MODEL_FIELDS.get(column_field, ""), "")
                self.problem(at(column_field), column_field, value, " ".join(messages).rstrip("."))
        if len(fields.get("origin_name") or "") > 200:
            self.problem(at("origin_name"), "origin_name", "", _("the origin has at most 200 characters"))

    def _walk(self, given, stored, reference, at) -> list[Step] | None:
        """The transitions that take the convoy from its recorded status (or draft) to the file's, dated."""
        events = list(stored.events.all()) if stored else []
        start = stored.status if stored else S.DRAFT
        status_given = "status" in given
        target = given["status"][0] if status_given else start
        held_from = next((e.from_status for e in reversed(events) if e.to_status == S.ON_HOLD), None)
        held_from = held_from if start == S.ON_HOLD else None
        recorded = {event.to_status for event in events}
        dates = {name: given[name][0] for name in STATUS_DATES if name in given}
        errors_before = self.error_count
        through = []
        for name, group in DATE_FIELD_STEPS.items():
            if name not in dates:
                continue
            if group & recorded:
                # A step already recorded keeps its date; the file's is only compared with it.
                self._compare_recorded(name, dates.pop(name), group, events, reference, at)
                continue
            if not status_given:
                if name != "requested_date":
                    self.problem(
                        at(name),
                        name,
                        dates[name],
                        _("give convoy %(reference)s's status too: the %(column)s dates a step of its status history")
                        % {"reference": reference, "column": self.label(name)},
                    )
                continue
            if lifecycle_path(start, target, held_from=held_from, through=[group]) is None:
                self.problem(
                    at(name),
                    name,
                    dates[name],
                    (
                        _(
                            "a %(column)s says the convoy %(means)s, which a %(status)s convoy cannot have been: "
                            "leave it empty, or correct the status"
                        )
                        if stored is None
                        else _(
                            "a %(column)s says the convoy %(means)s, which a %(status)s convoy can no longer be: "
                            "leave it empty, or correct the status"
                        )
                    )
                    % {"column": self.label(name), "means": DATE_MEANS[name], "status": status_label(target)},
                )
                continue
            through.append(group)
        if self.error_count > errors_before:
            return None
        path = lifecycle_path(start, target, held_from=held_from, through=through)
        if path is None:
            allowed = next_statuses(start, held_from)
            since = _(" since %(date)s") % {"date": f"{local_day(events[-1].occurred_at):%Y-%m-%d}"} if events else ""
            hint = (
                _("From %(status)s it can go to: %(next)s.")
                % {"status": status_label(start), "next": _(", ").join(status_label(s) for s in allowed)}
                if allowed
                else _("%(status)s is final: a new request needs a new reference.") % {"status": S(start).label}
            )
            self.problem(
                at("status"),
                "status",
                given["status"][1],
                _(
                    "convoy %(reference)s is %(status)s%(since)s and cannot become %(target)s: a convoy's status only "
                    "moves forward through the lifecycle. %(hint)s"
                )
                % {
                    "reference": reference,
                    "status": status_label(start),
                    "since": since,
                    "target": status_label(target),
                    "hint": hint,
                },
            )
            return None
        if not path:
            if stored is not None and "status_date" in dates and events and status_given:
                self._compare_recorded("status_date", dates["status_date"], {start}, events, reference, at)
            return []
        try:
            steps = dated_steps(path, dates, label=self.label)
        except WalkProblem as problem:
            self.problem(at(problem.field), problem.field, dates.get(problem.field, ""), str(problem))
            return None
        self._check_step_dates(steps, events, reference, at)
        for step in steps:
            if not step.borrowed:
                continue
            # Resuming a status held before a hold has no column of its own.
            own = STEP_DATE_FIELDS.get(step.status) if step.status not in recorded else None
            if step.status in recorded:
                what = _("resuming %(status)s") % {"status": status_label(step.status)}
            else:
                what = status_label(step.status)
            facts = {"what": what, "date": f"{step.on:%Y-%m-%d}", "known": self.label(step.date_field)}
            if own:
                facts["own"] = self.label(own)
                message = _(
                    "no date for %(what)s: it is recorded on %(date)s, the next date known (%(known)s); give the "
                    "%(own)s if it differs."
                )
            else:
                message = _("no date for %(what)s: it is recorded on %(date)s, the next date known (%(known)s).")
            self.warning(at("status"), own or step.date_field, message % facts)
        return steps

    def _compare_recorded(self, name, date, group, events, reference, at) -> None:
        event = next((e for e in reversed(events) if e.to_status in group), None)
        if event is not None and local_day(event.occurred_at) != date:
            self.warning(
                at(name),
                name,
                _(
                    "found %(date)s, but convoy %(reference)s is recorded as %(status)s on %(recorded)s; an import "
                    "does not change recorded steps."
                )
                % {
                    "date": f"{date:%Y-%m-%d}",
                    "reference": reference,
                    "status": status_label(event.to_status),
                    "recorded": f"{local_day(event.occurred_at):%Y-%m-%d}",
                },
            )

    def _check_step_dates(self, steps: list[Step], events: list, reference: str, at) -> None:
        today = timezone.localdate()
        if events:
            last = events[-1]
            floor = local_day(last.occurred_at)
            early = next((step for step in steps if step.on < floor), None)
            if early is not None:
                self.problem(
                    at(early.date_field),
                    early.date_field,
                    early.on,
                    _("convoy %(reference)s became %(status)s on %(date)s; it cannot become %(earlier)s before that")
                    % {
                        "reference": reference,
                        "status": status_label(last.to_status),
                        "date": f"{floor:%Y-%m-%d}",
                        "earlier": status_label(early.status),
                    },
                )
        future = next((step for step in steps if step.on > today), None)
        if future is not None:
            self.problem(
                at(future.date_field),
                future.date_field,
                future.on,
                _("%(status)s cannot be dated in the future (today is %(today)s)")
                % {"status": status_label(future.status), "today": f"{today:%Y-%m-%d}"},
            )
        for index, step in enumerate(steps):
            if step.status != S.NO_RESPONSE:
                continue
            earlier = [s.on for s in steps[:index] if s.status == S.SUBMITTED]
            earlier += [local_day(e.occurred_at) for e in reversed(events) if e.to_status == S.SUBMITTED][:1]
            if not earlier:
                continue
            submitted = earlier[0]
            if _breaks_rule(step, "answer_not_overdue", submitted_on=submitted):
                waited = working_days_between(submitted, step.on)
                required = settings.AIDTRACK_NO_RESPONSE_WORKING_DAYS
                self.problem(
                    at(step.date_field),
                    step.date_field,
                    step.on,
                    _(
                        "a request counts as 'no response' only after %(required)s working days (Sunday to Thursday) "
                        "without an answer; %(reference)s was submitted on %(date)s, %(waited)s working day(s) before"
                    )
                    % {
                        "required": required,
                        "reference": reference,
                        "date": f"{submitted:%Y-%m-%d}",
                        "waited": waited,
                    },
                )

    def _check_reached(self, rows, reached: dict, steps, stored, reference) -> None:
        if not reached:
            return
        delivering = any(step.status in DELIVERED_STATUSES for step in steps)
        if delivering:
            return
        row_of = {read.place: read.row for read in reversed(rows) if read.reached is not None}
        if stored is not None and stored.status in DELIVERED_STATUSES:
            recorded = {(d.area_id, d.community_id): d.reached_beneficiaries for d in stored.destinations.all()}
            for place, people in reached.items():
                # A place the convoy does not go to is reported with its destinations.
                if place in recorded and recorded[place] != people:
                    before = f"{recorded[place]:,}" if recorded[place] is not None else _("no count of")
                    self.problem(
                        row_of[place],
                        "reached_beneficiaries",
                        str(people),
                        _(
                            "convoy %(reference)s was recorded as %(status)s with %(before)s people reached there; "
                            "people reached are recorded with the delivery, and an import cannot change them"
                        )
                        % {"reference": reference, "status": status_label(stored.status), "before": before},
                    )
            return
        status = status_label(steps[-1].status) if steps else status_label(stored.status if stored else S.DRAFT)
        place, people = next(iter(reached.items()))
        self.problem(
            row_of[place],
            "reached_beneficiaries",
            str(people),
            _(
                "people reached are recorded with a delivery or partial delivery, and convoy %(reference)s is "
                "%(status)s: leave it empty until the convoy has delivered"
            )
            % {"reference": reference, "status": status},
        )

    def _summary(self, fields, lead, destinations, cargo) -> str:
        title = fields.get("title") or "(no title)"
        places = "; ".join(f"{d.label} {d.planned:,}" for d in destinations or ())
        lines = f"; {len(cargo)} cargo line(s)" if cargo else ""
        return f"{title}, led by {lead.short_name}; to {places}{lines}"

    def _compare(self, plan, stored, fields, partners, destinations, cargo, first) -> ConvoyPlan | None:
        """An update carries only what differs from the stored request; destinations and cargo only while a draft."""
        plan.convoy_id, plan.version = stored.pk, stored.version
        events = list(stored.events.all())
        plan.last_event_at = events[-1].occurred_at if events else None
        plan.fields = {name: value for name, value in fields.items() if not same(getattr(stored, name), value)}
        plan.changes = [FIELDS[FILE_FIELDS[name]].label for name in plan.fields]
        if partners is not None and {o.pk for o in partners} != {o.pk for o in stored.partner_organizations.all()}:
            plan.partners = [o.pk for o in partners]
            plan.changes.append("partner organizations")
        recorded = list(stored.destinations.all())
        refused = False
        if destinations is not None and Counter((d.place, d.planned) for d in destinations) != Counter(
            ((d.area_id, d.community_id), d.planned_beneficiaries) for d in recorded
        ):
            recorded_text = "; ".join(f"{_place_label(d)} {d.planned_beneficiaries:,}" for d in recorded)
            file_text = "; ".join(f"{d.label} {d.planned:,}" for d in destinations)
            if self._editable(stored, first, "destination", _("destinations"), recorded_text, file_text):
                plan.destinations = destinations
                plan.changes.append("destinations")
            else:
                refused = True
        stored_cargo = [CargoSpec(c.sector, c.item, c.quantity, c.unit) for c in stored.cargo_lines.all()]
        if cargo is not None and Counter(c.key() for c in cargo) != Counter(c.key() for c in stored_cargo):
            recorded_text = "; ".join(str(line) for line in stored_cargo) or "none"
            if self._editable(stored, first, "item", _("cargo lines"), recorded_text, "; ".join(map(str, cargo))):
                plan.cargo = cargo
                plan.changes.append("cargo lines")
            else:
                refused = True
        if refused:
            return None
        plan.summary = status_label(stored.status)
        changed = plan.fields or plan.partners is not None or plan.destinations is not None or plan.cargo is not None
        plan.action = "update" if changed or plan.steps else "unchanged"
        return plan

    def _editable(self, stored, first, field_name, what, recorded: str, given: str) -> bool:
        if stored.status == S.DRAFT:
            return True
        self.problem(
            first.row,
            field_name,
            "",
            _(
                "convoy %(reference)s is %(status)s: its %(what)s in this file (%(given)s) differ from those recorded "
                "(%(recorded)s), but they can only be changed while it is a draft (they are what the parties were "
                "asked to approve). Give the recorded ones, record cargo removed at checkpoints on the convoy's page, "
                "or create a new request"
            )
            % {
                "reference": stored.reference,
                "status": status_label(stored.status),
                "what": what,
                "given": given,
                "recorded": recorded,
            },
        )
        return False


def _place_label(destination) -> str:
    """A recorded destination named as the file's are (see reading.RowReader._destination)."""
    area = f"{destination.area.name_en} (register area)" if destination.area_id else ""
    if destination.community_id:
        community = destination.community
        return f"{community.name_en} ({community.pcode})" + (f", {area}" if area else "")
    return area


def _breaks_rule(step, code: str, **facts) -> bool:
    """Whether the lifecycle's service refuses this step for the rule ``code`` (the walk already chose the step)."""
    try:
        convoy_transition_check(
            from_status=step.status, to_status=step.status, allowed=[step.status], on=step.on, **facts
        )
    except ValidationError as error:
        return any(e.code == code for errors in error.error_dict.values() for e in errors)
    return False
