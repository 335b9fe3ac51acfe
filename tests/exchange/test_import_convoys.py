"""Importing convoy request tables: grouping rows into convoys, walking the lifecycle, updates, all or nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from aidtrack.convoys.importers import import_convoys
from aidtrack.convoys.importers.checking import ConvoyChecker
from aidtrack.convoys.importers.walk import lifecycle_path
from aidtrack.convoys.models import ConvoyRequest, ConvoyStatus
from aidtrack.convoys.services import convoy_transition
from aidtrack.imports.models import ImportRun, ImportStatus
from aidtrack.imports.report import ImportFailed
from aidtrack.orgs.models import Membership, Role
from tests.factories import AreaFactory, OrganizationFactory, community, make_convoy, member

S = ConvoyStatus

HEADER = (
    "reference,title,lead organization,partners,modality,origin,status,status date,reason,requested date,"
    "approval date,dispatch date,destination,destination pcode,planned beneficiaries,reached beneficiaries,"
    "sector,item,quantity,unit\n"
)
DELIVERED = (
    "CV-2016-09-005,Madaya and Zabadani,ALPHA,WFP; UNICEF,cross-line,Damascus warehouse,delivered,2016-09-25,,"
    "2016-09-05,15/09/2016,25 Sep 2016,Madaya,,38000,36500,food,Food parcels,7600,parcels\n"
    "CV-2016-09-005,Madaya and Zabadani,ALPHA,WFP; UNICEF,cross-line,Damascus warehouse,delivered,2016-09-25,,"
    "2016-09-05,15/09/2016,25 Sep 2016,,C2429,750,700,health,Surgical kits,40,kits\n"
)
DENIED = (
    "CV-2016-09-006,Foah and Kafraya,,,,Idleb warehouse,denied,2016-09-12,No facilitation letter,2016-09-01,,,"
    "Madaya,,1000,,,,,\n"
)
SUBMITTED = "CV-2016-09-007,Bqine,,,,Damascus,submitted,,,2016-09-20,,,C2450,,500,,,,,\n"


def write(tmp_path, text, name="convoys.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path, org, user, **kwargs):
    return import_convoys(str(path), organization=org, by=user, **kwargs)


def messages(failure) -> str:
    return "\n".join(str(problem) for problem in failure.value.report.problems)


@pytest.fixture
def places(geography):
    """Madaya as a register area (its community C2450) and Az-Zabdani as a community only."""
    zabdani = community("C2429", 33.7252, 36.1024, parent=geography["sub"], name="Az-Zabdani")
    zabdani.name_ar = "الزبداني"
    zabdani.save()
    madaya_area = AreaFactory(name_en="Madaya", name_ar="مضايا", latitude=33.6901, longitude=36.0963)
    madaya_area.communities.add(geography["madaya"])
    return {**geography, "zabdani": zabdani, "madaya_area": madaya_area}


@pytest.fixture
def partners(db):
    return [OrganizationFactory(name="World Food Programme", acronym="WFP"), OrganizationFactory(acronym="UNICEF")]


def test_a_dry_run_plans_one_convoy_per_reference_and_writes_nothing(tmp_path, places, partners, org_a, reporter):
    result = run(write(tmp_path, HEADER + DELIVERED + DENIED + SUBMITTED), org_a, reporter, dry_run=True)
    assert result.report.counts["to create"] == 3
    assert [(plan.row, plan.key, plan.action) for plan in result.plans] == [
        (2, "CV-2016-09-005", "create"),
        (4, "CV-2016-09-006", "create"),
        (5, "CV-2016-09-007", "create"),
    ]
    described = result.plans[0].describe()
    assert described.startswith("CV-2016-09-005: Madaya and Zabadani, led by ALPHA; to Madaya (register area) 38,000")
    assert "Az-Zabdani (C2429) 750" in described and "2 cargo line(s)" in described
    assert "submitted 2016-09-05 → approved 2016-09-15 → dispatched 2016-09-25 → delivered 2016-09-25" in described
    assert described.endswith("(rows 2-3)")
    assert not ConvoyRequest.objects.exists()


def test_commit_creates_convoys_walked_through_the_lifecycle_with_the_files_dates(
    tmp_path, places, partners, org_a, reporter
):
    result = run(write(tmp_path, HEADER + DELIVERED + DENIED + SUBMITTED), org_a, reporter)
    assert result.report.counts["created"] == 3
    delivered = ConvoyRequest.objects.get(reference="CV-2016-09-005")
    assert delivered.status == S.DELIVERED and delivered.lead_organization == org_a
    assert {o.acronym for o in delivered.partner_organizations.all()} == {"WFP", "UNICEF"}
    assert delivered.requested_date == datetime.date(2016, 9, 5)
    events = [(e.to_status, timezone.localdate(e.occurred_at), e.recorded_by) for e in delivered.events.all()]
    assert events == [
        (S.DRAFT, datetime.date(2016, 9, 5), reporter),
        (S.SUBMITTED, datetime.date(2016, 9, 5), reporter),
        (S.APPROVED, datetime.date(2016, 9, 15), reporter),
        (S.DISPATCHED, datetime.date(2016, 9, 25), reporter),
        (S.DELIVERED, datetime.date(2016, 9, 25), reporter),
    ]
    madaya, zabdani = delivered.destinations.order_by("pk")
    assert (madaya.area, madaya.community, madaya.planned_beneficiaries, madaya.reached_beneficiaries) == (
        places["madaya_area"],
        None,
        38000,
        36500,
    )
    assert (zabdani.community, zabdani.planned_beneficiaries, zabdani.reached_beneficiaries) == (
        places["zabdani"],
        750,
        700,
    )
    assert zabdani.admin3 == places["sub"], "destinations are placed in admin areas by the service"
    assert [(c.sector, c.item, int(c.quantity), c.unit) for c in delivered.cargo_lines.all()] == [
        ("food", "Food parcels", 7600, "parcels"),
        ("health", "Surgical kits", 40, "kits"),
    ]
    denied = ConvoyRequest.objects.get(reference="CV-2016-09-006")
    assert denied.status == S.DENIED
    assert denied.events.last().note == "No facilitation letter"
    assert ConvoyRequest.objects.get(reference="CV-2016-09-007").status == S.SUBMITTED


def test_reimporting_the_same_file_changes_nothing(tmp_path, places, partners, org_a, reporter):
    path = write(tmp_path, HEADER + DELIVERED + DENIED + SUBMITTED)
    run(path, org_a, reporter)
    versions = dict(ConvoyRequest.objects.values_list("reference", "version"))
    result = run(path, org_a, reporter)
    assert result.report.counts["unchanged (skipped)"] == 3 and result.report.counts["updated"] == 0
    assert result.plans[0].describe() == "CV-2016-09-005: delivered, as recorded (rows 2-3)"
    assert dict(ConvoyRequest.objects.values_list("reference", "version")) == versions
    assert not result.report.problems


def test_a_later_status_moves_a_recorded_convoy_on_and_changed_fields_are_updated(tmp_path, places, org_a, reporter):
    run(write(tmp_path, HEADER + SUBMITTED), org_a, reporter)
    later = SUBMITTED.replace("Bqine,", "Bqine village,").replace(
        "submitted,,,2016-09-20,,", "delivered,2016-09-29,,2016-09-20,2016-09-25,"
    )
    later = later.replace("C2450,,500,", "C2450,,500,480")
    dry = run(write(tmp_path, HEADER + later), org_a, reporter, dry_run=True)
    plan = dry.plans[0]
    assert plan.action == "update" and plan.record_id == ConvoyRequest.objects.get().pk
    assert plan.describe() == (
        "CV-2016-09-007: changes title; submitted → approved 2016-09-25 → dispatched 2016-09-29 → delivered 2016-09-29"
    )
    warnings = [str(w) for w in dry.report.warnings]
    assert any("column 'dispatch date'" in w and "no date for dispatched" in w for w in warnings)
    run(write(tmp_path, HEADER + later), org_a, reporter)
    convoy = ConvoyRequest.objects.get()
    assert convoy.status == S.DELIVERED and convoy.title == "Bqine village"
    assert convoy.destinations.get().reached_beneficiaries == 480
    assert [e.to_status for e in convoy.events.all()][-3:] == [S.APPROVED, S.DISPATCHED, S.DELIVERED]


def test_a_status_that_goes_back_is_an_error_naming_the_recorded_status_and_the_way_on(
    tmp_path, places, partners, org_a, reporter
):
    run(write(tmp_path, HEADER + DELIVERED), org_a, reporter)
    back = DELIVERED.replace("delivered,2016-09-25,", "approved,2016-09-15,")
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, HEADER + back), org_a, reporter)
    text = messages(failure)
    assert "row 2, column 'status': found 'approved': convoy CV-2016-09-005 is delivered since 2016-09-25" in text
    assert "cannot become approved" in text and "Delivered is final" in text
    assert ConvoyRequest.objects.get().status == S.DELIVERED


def test_the_way_on_is_named_when_the_status_is_not_final(tmp_path, places, org_a, reporter):
    run(write(tmp_path, HEADER + SUBMITTED), org_a, reporter)
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, HEADER + SUBMITTED.replace(",submitted,", ",draft,")), org_a, reporter)
    assert (
        "From submitted it can go to: approved, partially approved, denied, no response, on hold, cancelled"
        in messages(failure)
    )


def test_a_status_that_needs_a_reason_without_one_is_an_error(tmp_path, places, org_a, reporter):
    text = HEADER + DENIED.replace("No facilitation letter", "")
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, text), org_a, reporter)
    assert "row 2, column 'reason': the reason is missing: a denied convoy needs one" in messages(failure)
    assert not ConvoyRequest.objects.exists()


def test_rows_of_one_convoy_that_disagree_are_an_error_naming_both_rows(tmp_path, places, partners, org_a, reporter):
    rows = DELIVERED.splitlines(keepends=True)
    text = HEADER + rows[0] + rows[1].replace("cross-line", "cross-border").replace("2016-09-25,,", "2016-09-26,,")
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, text), org_a, reporter)
    found = messages(failure)
    assert "row 3, column 'modality': found 'cross-border': row 2 gives 'cross-line' for convoy CV-2016-09-005" in found
    assert "row 3, column 'status date': found '2016-09-26': row 2 gives '2016-09-25'" in found
    assert not ConvoyRequest.objects.exists()


def test_an_unknown_place_is_an_error_and_an_inexact_name_a_warning_with_its_confidence(
    tmp_path, places, org_a, reporter
):
    text = HEADER + SUBMITTED.replace("C2450", "Xyzzyville") + SUBMITTED.replace("07", "08").replace("C2450", "C9999")
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, text), org_a, reporter)
    found = messages(failure)
    assert "row 2, column 'destination': found 'Xyzzyville': no admin area or community is named like" in found
    assert "row 3, column 'destination': found 'C9999': no admin area has this P-code" in found
    result = run(write(tmp_path, HEADER + SUBMITTED.replace("C2450", "Zabadani")), org_a, reporter)
    warnings = [str(w) for w in result.report.warnings]
    assert any(
        "row 2, column 'destination'" in w and "'Zabadani' was matched to Az-Zabdani (C2429) (confidence" in w
        for w in warnings
    )
    assert ConvoyRequest.objects.get().destinations.get().community == places["zabdani"]


def test_a_governorate_is_not_a_destination(tmp_path, places, org_a, reporter):
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, HEADER + SUBMITTED.replace("C2450", "SY03")), org_a, reporter)
    assert "Rural Damascus (SY03) is a governorate (admin 1): a destination is a register area" in messages(failure)


def test_dates_in_three_formats_and_arabic_status_labels(tmp_path, places, org_a, reporter):
    text = (
        "reference,origin,destination,status,reason,requested date,approval date\n"
        "CV-A,Damascus,مضايا,تم الرفض,لم ترد الموافقة,05/09/2016,19 Sep 2016\n"
        "CV-B,Damascus,الزبداني,تمت الموافقة,,2016-09-05,15/09/2016\n"
    )
    with pytest.raises(ImportFailed, match="'requested date'.*read two ways"):
        run(write(tmp_path, text), org_a, reporter)
    run(write(tmp_path, text), org_a, reporter, plan={"date_order": {"requested_date": "dmy"}})
    denied, approved = ConvoyRequest.objects.get(reference="CV-A"), ConvoyRequest.objects.get(reference="CV-B")
    assert denied.status == S.DENIED and denied.requested_date == datetime.date(2016, 9, 5)
    assert timezone.localdate(denied.events.last().occurred_at) == datetime.date(2016, 9, 19)
    assert denied.destinations.get().area == places["madaya_area"], "an Arabic register area name matches"
    assert approved.status == S.APPROVED and approved.destinations.get().community == places["zabdani"]
    assert timezone.localdate(approved.events.last().occurred_at) == datetime.date(2016, 9, 15)


def test_an_hxl_tagged_file_is_read_by_its_hashtags(tmp_path, places, partners, org_a, reporter):
    text = (
        "Convoy,Agency,With,From,Where,Code,People,Now,When,Asked,Sector,What,How many,Unit\n"
        "#activity+code,#org+lead,#org+partner,#loc+name+origin,#loc+name,#loc+code,#targeted,#status,"
        "#date+status,#date+requested,#sector,#item+name,#item+num,#item+unit\n"
        "CV-H1,ALPHA,WFP,Damascus,Madaya,,38000,submitted,,2016-09-05,food,Flour,250,tonnes\n"
        "CV-H1,,,,,C2429,750,,,,,,,\n"
    )
    result = run(write(tmp_path, text), org_a, reporter)
    assert result.columns["reference"] == "Convoy" and result.columns["destination_pcode"] == "Code"
    convoy = ConvoyRequest.objects.get()
    assert convoy.status == S.SUBMITTED and convoy.origin_name == "Damascus"
    assert [d.planned_beneficiaries for d in convoy.destinations.order_by("pk")] == [38000, 750]
    assert convoy.cargo_lines.get().unit == "tonnes"
    assert list(convoy.partner_organizations.values_list("acronym", flat=True)) == ["WFP"]


def test_a_reporter_of_another_organization_may_not_import_or_lead_it(tmp_path, places, org_a, org_b, outsider):
    with pytest.raises(ImportFailed, match="may not import convoy requests for ALPHA"):
        run(write(tmp_path, HEADER + SUBMITTED), org_a, outsider)
    led_by_a = SUBMITTED.replace("Bqine,,", "Bqine,ALPHA,")
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, HEADER + led_by_a), org_b, outsider)
    assert "row 2, column 'lead organization': found 'ALPHA'" in messages(failure)
    assert "may not record convoy requests for ALPHA" in messages(failure)


def test_a_reference_another_organization_uses_is_a_new_convoy_of_ones_own(tmp_path, places, org_a, org_b, outsider):
    """References are unique per lead organization: the file learns nothing of another's convoy."""
    theirs = make_convoy(member(org_a, Role.REPORTER), org_a, reference="CV-2016-09-007")
    result = run(write(tmp_path, HEADER + SUBMITTED), org_b, outsider)
    assert [(plan.action, plan.lead) for plan in result.plans] == [("create", org_b)]
    assert ConvoyRequest.objects.get(reference="CV-2016-09-007", lead_organization=org_b).status == S.SUBMITTED
    theirs.refresh_from_db()
    assert (theirs.status, theirs.version) == (S.DRAFT, 1)


def test_a_member_of_two_organizations_may_import_convoys_led_by_either(tmp_path, places, org_a, org_b, reporter):
    Membership.objects.create(user=reporter, organization=org_b, role=Role.REPORTER)
    run(write(tmp_path, HEADER + SUBMITTED.replace("Bqine,,", "Bqine,Beta Aid,")), org_a, reporter)
    assert ConvoyRequest.objects.get().lead_organization == org_b


def test_destinations_differing_from_a_submitted_convoy_are_an_error_explaining_why(tmp_path, places, org_a, reporter):
    run(write(tmp_path, HEADER + SUBMITTED), org_a, reporter)
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, HEADER + SUBMITTED.replace("C2450,,500", "C2450,,900")), org_a, reporter)
    assert (
        "its destinations in this file (Madaya (C2450), Madaya (register area) 900) differ from those recorded "
        "(Madaya (C2450), Madaya (register area) 500), but "
        "they can only be changed while it is a draft" in messages(failure)
    )


def test_a_draft_takes_new_destinations_and_cargo_then_moves_on(tmp_path, places, org_a, reporter):
    draft = "reference,origin,destination,planned,status,item,sector,quantity,unit\nCV-D,Damascus,C2450,100,draft,,,,\n"
    run(write(tmp_path, draft), org_a, reporter)
    today = timezone.localdate()
    changed = (
        "reference,origin,destination,planned,status,requested date,item,sector,quantity,unit\n"
        f"CV-D,Damascus,C2429,300,submitted,{today:%Y-%m-%d},Flour,food,10,tonnes\n"
    )
    result = run(write(tmp_path, changed), org_a, reporter)
    assert (
        result.plans[0].describe()
        == f"CV-D: changes requested date, destinations, cargo lines; draft → submitted {today:%Y-%m-%d}"
    )
    convoy = ConvoyRequest.objects.get()
    assert convoy.status == S.SUBMITTED and convoy.destinations.get().community == places["zabdani"]
    assert convoy.cargo_lines.get().item == "Flour"


def test_people_reached_without_a_delivery_is_an_error(tmp_path, places, org_a, reporter):
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, HEADER + SUBMITTED.replace("C2450,,500,", "C2450,,500,450")), org_a, reporter)
    assert "column 'reached beneficiaries': found '450': people reached are recorded with a delivery" in messages(
        failure
    )


def test_no_response_needs_the_working_days_without_an_answer(tmp_path, places, org_a, reporter):
    early = "reference,origin,destination,status,requested date,status date\nCV-N,Damascus,C2450,no response,"
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, early + "2016-09-04,2016-09-08\n"), org_a, reporter)
    assert "counts as 'no response' only after 7 working days" in messages(failure)
    run(write(tmp_path, early + "2016-09-04,2016-09-14\n"), org_a, reporter)
    assert ConvoyRequest.objects.get().status == S.NO_RESPONSE


def test_dates_out_of_lifecycle_order_or_for_steps_never_taken_are_errors(tmp_path, places, org_a, reporter):
    text = (
        "reference,origin,destination,status,reason,requested date,approval date,dispatch date\n"
        "CV-1,Damascus,C2450,dispatched,,2016-09-10,2016-09-05,2016-09-12\n"
        "CV-2,Damascus,C2450,denied,No letter,2016-09-01,2016-09-05,2016-09-12\n"
        f"CV-3,Damascus,C2450,submitted,,{timezone.localdate() + datetime.timedelta(days=3):%Y-%m-%d},,\n"
    )
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, text), org_a, reporter)
    found = messages(failure)
    assert "row 2, column 'requested date': found '2016-09-10': the convoy became submitted on 2016-09-10" in found
    assert "row 3, column 'dispatch date'" in found and "which a denied convoy cannot have been" in found
    assert "row 4, column 'requested date'" in found and "cannot be dated in the future" in found


def test_a_recorded_convoy_moved_on_by_hand_is_only_moved_further(tmp_path, places, org_a, reporter):
    run(write(tmp_path, HEADER + SUBMITTED), org_a, reporter)
    convoy = ConvoyRequest.objects.get()
    moment = timezone.make_aware(datetime.datetime(2016, 9, 22, 16, 30))
    convoy_transition(convoy=convoy, to_status=S.ON_HOLD, by=reporter, note="Fighting", occurred_at=moment)
    resumed = SUBMITTED.replace(",submitted,,", ",approved,2016-09-22,")
    run(write(tmp_path, HEADER + resumed), org_a, reporter)
    events = list(convoy.events.all())
    assert [e.to_status for e in events][-3:] == [S.ON_HOLD, S.SUBMITTED, S.APPROVED]
    assert events[-1].occurred_at >= moment, "a step on the day of the last event comes after it"


def test_lifecycle_paths_take_the_dates_given_into_account():
    assert lifecycle_path(S.DRAFT, S.CANCELLED) == [S.CANCELLED]
    assert lifecycle_path(S.DRAFT, S.CANCELLED, through=[frozenset({S.SUBMITTED})]) == [S.SUBMITTED, S.CANCELLED]
    assert lifecycle_path(S.DRAFT, S.DELIVERED) == [S.SUBMITTED, S.APPROVED, S.DISPATCHED, S.DELIVERED]
    assert lifecycle_path(S.ON_HOLD, S.DISPATCHED, held_from=S.PARTIALLY_APPROVED) == [
        S.PARTIALLY_APPROVED,
        S.DISPATCHED,
    ]
    assert lifecycle_path(S.DELIVERED, S.APPROVED) is None
    assert lifecycle_path(S.DRAFT, S.DENIED, through=[frozenset({S.DISPATCHED})]) is None


def test_the_command_checks_then_imports(tmp_path, places, org_a, reporter):
    path = str(write(tmp_path, HEADER + SUBMITTED))
    out = io.StringIO()
    call_command("import_convoys", path, "--organization=ALPHA", f"--user={reporter.username}", "--dry-run", stdout=out)
    # C2450 is covered by the register area Madaya, which the destination is recorded for.
    assert (
        "  row 2: create: CV-2016-09-007: Bqine, led by ALPHA; to Madaya (C2450), Madaya (register area) 500; "
        "submitted 2016-09-20"
    ) in (out.getvalue())
    assert not ConvoyRequest.objects.exists()
    call_command("import_convoys", path, "--organization=ALPHA", f"--user={reporter.username}")
    assert ConvoyRequest.objects.get().reference == "CV-2016-09-007"
    run_record = ImportRun.objects.filter(kind="convoys").latest("pk")
    assert run_record.status == ImportStatus.SUCCEEDED and run_record.counts["created"] == 1
    bad = str(write(tmp_path, HEADER + DENIED.replace("No facilitation letter", ""), "bad.csv"))
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_convoys", bad, "--organization=ALPHA", f"--user={reporter.username}")


def test_a_file_without_a_reference_column_is_refused_with_its_columns(tmp_path, places, org_a, reporter):
    with pytest.raises(ImportFailed, match="no reference column .* Its columns are: origin, destination"):
        run(write(tmp_path, "origin,destination\nDamascus,C2450\n"), org_a, reporter)


def test_a_workbook_with_real_dates_and_numbers_is_read(tmp_path, places, org_a, reporter):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Reference", "Origin", "Status", "Requested date", "Plan month", "Destination", "Planned", "Trucks"])
    sheet.append(["CV-X1", "Damascus", "Submitted", datetime.datetime(2016, 9, 5), "Sep 2016", "Madaya", 38000, 12])
    path = tmp_path / "convoys.xlsx"
    workbook.save(path)
    run(path, org_a, reporter)
    convoy = ConvoyRequest.objects.get()
    assert convoy.requested_date == datetime.date(2016, 9, 5) and convoy.plan_month == datetime.date(2016, 9, 1)
    assert convoy.trucks == 12 and convoy.destinations.get().planned_beneficiaries == 38000


def test_arabic_headers_are_recognised(tmp_path, places, org_a, reporter):
    text = (
        "المرجع,المنشأ,الوجهة,المستفيدون,الحالة,تاريخ الطلب,عدد الشاحنات\nCV-AR1,دمشق,مضايا,38000,مقدم,2016-09-05,12\n"
    )
    result = run(write(tmp_path, text), org_a, reporter)
    assert result.columns["reference"] == "المرجع" and result.columns["trucks"] == "عدد الشاحنات"
    convoy = ConvoyRequest.objects.get()
    assert (convoy.reference, convoy.status, convoy.trucks) == ("CV-AR1", S.SUBMITTED, 12)
    assert convoy.destinations.get().planned_beneficiaries == 38000


def test_incomplete_cargo_and_a_destination_with_two_figures_are_errors(tmp_path, places, org_a, reporter):
    text = (
        "reference,origin,status,requested date,destination,planned,sector,item,quantity,unit\n"
        "CV-C,Damascus,submitted,2016-09-05,Madaya,38000,food,Flour,,tonnes\n"
        "CV-C,Damascus,submitted,2016-09-05,Madaya,30000,,,,\n"
    )
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, text), org_a, reporter)
    found = messages(failure)
    assert "row 2, column 'quantity': the cargo line has no quantity: give sector, item, quantity and unit" in found
    assert "row 3, column 'planned': found '30000': row 2 gives 38,000 planned beneficiaries at Madaya" in found


def test_a_repeated_cargo_line_is_counted_once_and_the_lead_is_not_its_own_partner(
    tmp_path, places, partners, org_a, reporter
):
    text = (
        "reference,origin,partners,destination,planned,sector,item,quantity,unit\n"
        "CV-R,Damascus,ALPHA; WFP,Madaya,38000,food,Flour,10,tonnes\n"
        "CV-R,Damascus,ALPHA; WFP,C2429,750,food,Flour,10,tonnes\n"
    )
    result = run(write(tmp_path, text), org_a, reporter)
    warnings = "\n".join(str(w) for w in result.report.warnings)
    assert "row 3, column 'item': this row repeats the cargo line of row 2 (10 tonnes Flour)" in warnings
    assert "ALPHA leads convoy CV-R, so it is not recorded as a partner as well" in warnings
    convoy = ConvoyRequest.objects.get()
    assert convoy.cargo_lines.count() == 1 and convoy.destinations.count() == 2
    assert list(convoy.partner_organizations.values_list("acronym", flat=True)) == ["WFP"]


def test_dates_of_recorded_steps_are_compared_not_changed_and_a_delivery_count_is_fixed(
    tmp_path, places, partners, org_a, reporter
):
    run(write(tmp_path, HEADER + DELIVERED), org_a, reporter)
    moved = DELIVERED.replace("15/09/2016", "16/09/2016")
    result = run(write(tmp_path, HEADER + moved), org_a, reporter)
    assert result.report.counts["unchanged (skipped)"] == 1
    assert any(
        "row 2, column 'approval date': found 2016-09-16, but convoy CV-2016-09-005 is recorded as approved on "
        "2016-09-15; an import does not change recorded steps" in str(w)
        for w in result.report.warnings
    )
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, HEADER + DELIVERED.replace(",36500,", ",36000,")), org_a, reporter)
    assert "recorded as delivered with 36,500 people reached there" in messages(failure)


def test_dates_of_steps_without_a_status_are_an_error(tmp_path, places, org_a, reporter):
    text = "reference,origin,destination,requested date,dispatch date\nCV-S,Damascus,Madaya,2016-09-05,2016-09-09\n"
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, text), org_a, reporter)
    assert "row 2, column 'dispatch date': found '2016-09-09': give convoy CV-S's status too" in messages(failure)


def test_references_match_whatever_their_case_within_their_lead_organization(tmp_path, places, org_a, org_b, reporter):
    run(write(tmp_path, HEADER + SUBMITTED), org_a, reporter)
    result = run(write(tmp_path, HEADER + SUBMITTED.replace("CV-", "cv-")), org_a, reporter)
    assert result.plans[0].action == "unchanged" and result.plans[0].key == "CV-2016-09-007"
    both = member(org_b, Role.REPORTER, username="both")
    Membership.objects.create(user=both, organization=org_a, role=Role.REPORTER)
    # Imported for BETA without a lead column, the rows are BETA's convoy; led by ALPHA, they update ALPHA's.
    assert run(write(tmp_path, HEADER + SUBMITTED), org_b, both).plans[0].action == "create"
    led_by_a = SUBMITTED.replace("Bqine,,", "Bqine,ALPHA,")
    assert run(write(tmp_path, HEADER + led_by_a), org_b, both).plans[0].action == "unchanged"


def test_a_convoy_changed_between_check_and_write_stops_the_import_and_nothing_is_written(
    tmp_path, places, org_a, reporter, monkeypatch
):
    run(write(tmp_path, HEADER + SUBMITTED), org_a, reporter)
    checked = ConvoyChecker.plans

    def plans_then_someone_edits(self):
        plans = checked(self)
        ConvoyRequest.objects.filter(reference="CV-2016-09-007").update(version=99)
        return plans

    monkeypatch.setattr(ConvoyChecker, "plans", plans_then_someone_edits)
    later = SUBMITTED.replace(",submitted,,", ",approved,2016-09-25,")
    with pytest.raises(ImportFailed, match=r"row 3 \(convoy CV-2016-09-007\): .*changed by someone else"):
        run(write(tmp_path, HEADER + DENIED + later), org_a, reporter)
    assert ConvoyRequest.objects.get().status == S.SUBMITTED
    assert not ConvoyRequest.objects.filter(reference="CV-2016-09-006").exists()


def test_progress_counts_rows_checked_and_rows_written(tmp_path, places, partners, org_a, reporter):
    reports = []
    path = write(tmp_path, HEADER + DELIVERED + DENIED + SUBMITTED)
    run(path, org_a, reporter, progress=lambda stage, rows: reports.append((stage, rows)))
    assert reports[0] == ("checked", 4) and reports[-1] == ("written", 4)
