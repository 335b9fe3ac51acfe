"""The columns of a convoy request table: header names, HXL hashtags and how each cell is read."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from aidtrack.convoys.models import ConvoyStatus, Modality, Sector
from aidtrack.imports.tabular import column, hxl
from aidtrack.imports.values import Choices, ValueProblem, clean, parse_coordinate, parse_count, parse_date
from aidtrack.orgs.models import Visibility

S = ConvoyStatus

STATUSES = Choices(
    S.choices,
    extra={
        "requested": "submitted",
        "pending": "submitted",
        "pending approval": "submitted",
        "awaiting approval": "submitted",
        "under review": "submitted",
        "approved in principle": "approved",
        "partial approval": "partially_approved",
        "rejected": "denied",
        "refused": "denied",
        "no reply": "no_response",
        "no answer": "no_response",
        "unanswered": "no_response",
        "hold": "on_hold",
        "postponed": "on_hold",
        "suspended": "on_hold",
        "canceled": "cancelled",
        "en route": "dispatched",
        "in transit": "dispatched",
        "underway": "dispatched",
        "completed": "delivered",
        "complete": "delivered",
        "partially completed": "partially_delivered",
        "partial delivery": "partially_delivered",
        "turned back": "blocked",
        "returned": "blocked",
        "attack": "attacked",
        "مسودة": "draft",
        "مقدم": "submitted",
        "تم التقديم": "submitted",
        "قيد الانتظار": "submitted",
        "بانتظار الموافقة": "submitted",
        "موافق عليه": "approved",
        "تمت الموافقة": "approved",
        "موافقة": "approved",
        "موافقة جزئية": "partially_approved",
        "موافق عليه جزئيا": "partially_approved",
        "مرفوض": "denied",
        "رفض": "denied",
        "تم الرفض": "denied",
        "لا رد": "no_response",
        "بدون رد": "no_response",
        "لم يتم الرد": "no_response",
        "معلق": "on_hold",
        "مؤجل": "on_hold",
        "ملغى": "cancelled",
        "ملغي": "cancelled",
        "تم الإلغاء": "cancelled",
        "انطلقت": "dispatched",
        "تم الإرسال": "dispatched",
        "في الطريق": "dispatched",
        "تم التسليم": "delivered",
        "سلمت": "delivered",
        "وصلت": "delivered",
        "تسليم جزئي": "partially_delivered",
        "تم التسليم جزئيا": "partially_delivered",
        "منعت": "blocked",
        "تم منعها": "blocked",
        "أعيدت": "blocked",
        "تعرضت لهجوم": "attacked",
        "هوجمت": "attacked",
    },
)
MODALITIES = Choices(
    Modality.choices,
    extra={
        "crossline": "cross_line",
        "cross line convoy": "cross_line",
        "crossborder": "cross_border",
        "cross border convoy": "cross_border",
        "airdrop": "air",
        "air drop": "air",
        "airlift": "air",
        "air lift": "air",
        "عبر الخطوط": "cross_line",
        "عبر خطوط التماس": "cross_line",
        "عبر الحدود": "cross_border",
        "إنزال جوي": "air",
        "إسقاط جوي": "air",
        "جسر جوي": "air",
        "جوي": "air",
    },
)
SECTORS = Choices(
    Sector.choices,
    extra={
        "food": "food",
        "fsl": "food",
        "food security and livelihoods": "food",
        "water": "wash",
        "watsan": "wash",
        "shelter": "shelter_nfi",
        "nfi": "shelter_nfi",
        "nfis": "shelter_nfi",
        "snfi": "shelter_nfi",
        "shelter nfi": "shelter_nfi",
        "non food items": "shelter_nfi",
        "medical": "health",
        "الأمن الغذائي": "food",
        "غذاء": "food",
        "الصحة": "health",
        "صحة": "health",
        "التغذية": "nutrition",
        "المياه والصرف الصحي": "wash",
        "المأوى": "shelter_nfi",
        "المواد غير الغذائية": "shelter_nfi",
        "التعليم": "education",
        "الحماية": "protection",
        "اللوجستيات": "logistics",
        "أخرى": "other",
    },
)
VISIBILITIES = Choices(Visibility.choices, extra={"partners": "partners", "عام": "public", "مقيد": "restricted"})


MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%m/%Y", "%m-%Y", "%m.%Y", "%b %Y", "%B %Y", "%b-%Y", "%b-%y", "%B-%Y")


def parse_month(text) -> datetime.date:
    """A month (2016-09, Sep 2016, 09/2016) or any date in it, as the month's first day."""
    value = clean(text).replace(",", "")
    for pattern in MONTH_FORMATS:
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    try:
        return parse_date(value).replace(day=1)
    except ValueProblem:
        raise ValueProblem(_("expected a month such as 2016-09, Sep 2016 or 09/2016")) from None


def parse_quantity(text) -> Decimal:
    """A quantity of 0 or more with at most two decimals; commas and spaces group thousands (1,500)."""
    value = re.sub(r"[,\s]", "", clean(text))
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0:
        raise ValueProblem(_("expected a quantity of 0 or more, e.g. 1500 or 2.5"))
    if number != number.quantize(Decimal("0.01")) or number >= Decimal("1e12"):
        raise ValueProblem(_("expected a quantity under a trillion with at most two decimals, e.g. 2.5"))
    return number


def parse_coordinate_for(axis: str):
    def parse(text) -> float:
        return parse_coordinate(text, axis=axis)

    return parse


# Every date column names the date of one stage of the lifecycle.
DATE_HELP = "A date: 2016-09-19, 19/09/2016 or 19 Sep 2016."

COLUMNS = [
    column(
        "reference",
        {"reference", "convoyreference", "convoyref", "ref", "convoyid", "convoyno", "convoynumber", "requestid"}
        | {"requestreference", "requestno", "id", "المرجع", "رقمالقافلة"},
        [hxl("#activity", {"code"}), hxl("#activity", {"id"})],
        help="The request's stable id, e.g. CV-2016-09-014. Required on every row; the rows with one reference "
        "describe one convoy, and a reference already recorded updates that convoy.",
    ),
    column(
        "title",
        {"title", "convoytitle", "convoyname", "name", "العنوان"},
        [hxl("#activity", {"name"}), hxl("#description", {"title"})],
    ),
    column(
        "lead_organization",
        {"leadorganization", "leadorganisation", "lead", "leadagency", "organization", "organisation", "agency"}
        | {"الجهةالقائدة", "المنظمةالقائدة"},
        [hxl("#org", {"lead"}), hxl("#org", (), {"partner", "list", "impl"})],
        label="lead organization",
        help="Acronym or name. Blank: the organization you import for. It must be one you report for, and "
        "cannot change once the request exists.",
    ),
    column(
        "partner_organizations",
        {"partnerorganizations", "partnerorganisations", "partners", "partneragencies", "participatingagencies"}
        | {"agencies", "الشركاء", "المنظماتالشريكة"},
        [hxl("#org", {"partner"}), hxl("#org", {"list"}), hxl("#org", {"impl"})],
        label="partner organizations",
        help="Acronyms or names separated by ';' (or ',').",
    ),
    column(
        "modality",
        {"modality", "convoytype", "type", "crossing", "النوع", "الطريقة"},
        [hxl("#activity", {"modality"}), hxl("#modality")],
        MODALITIES.parse,
        help="Cross-line, cross-border or airdrop/airlift (code, English or Arabic). Blank on a new convoy: "
        "cross-line.",
    ),
    column(
        "status",
        {"status", "convoystatus", "requeststatus", "currentstatus", "الحالة"},
        [hxl("#status", (), {"reason", "date"})],
        STATUSES.parse,
        help="Where the request stands now: draft, submitted, approved, partially approved, denied, no response, "
        "on hold, cancelled, dispatched, delivered, partially delivered, blocked or attacked (code, English or "
        "Arabic label). A new convoy is walked there through the lifecycle; a recorded one only moves forward.",
    ),
    column(
        "status_date",
        {"statusdate", "dateofstatus", "statuschangedon", "laststatusdate", "تاريخالحالة"},
        [hxl("#date", {"status"})],
        parse_date,
        label="status date",
        help="The day the convoy reached its status. " + DATE_HELP,
    ),
    column(
        "status_note",
        {"reason", "statusreason", "statusnote", "reasongiven", "denialreason", "reasonfordenial", "السبب"},
        [hxl("#status", {"reason"}), hxl("#description", {"reason"})],
        label="reason",
        help="Why: required when the status is denied, on hold, cancelled, blocked or attacked. Kept as the note "
        "of the status change.",
    ),
    column(
        "origin_name",
        {"origin", "originname", "from", "departurepoint", "startingpoint", "warehouse", "المنشأ", "نقطةالانطلاق"},
        [hxl("#loc", {"name", "origin"}), hxl("#loc", {"origin"}, {"code"})],
        label="origin",
        help="Where the convoy leaves from, e.g. Damascus warehouse. Required for a new convoy unless the origin "
        "P-code is given.",
    ),
    column(
        "origin_pcode",
        {"originpcode", "origincode"},
        [hxl("#loc", {"code", "origin"}), hxl("#adm4", {"code", "origin"}), hxl("#adm3", {"code", "origin"})],
        label="origin P-code",
    ),
    column(
        "origin_latitude",
        {"originlat", "originlatitude"},
        [hxl("#geo", {"lat", "origin"})],
        parse_coordinate_for("latitude"),
        label="origin latitude",
    ),
    column(
        "origin_longitude",
        {"originlon", "originlng", "originlongitude"},
        [hxl("#geo", {"lon", "origin"})],
        parse_coordinate_for("longitude"),
        label="origin longitude",
    ),
    column(
        "destination",
        {"destination", "destinationname", "to", "location", "place", "community", "area", "besiegedarea"}
        | {"الوجهة", "المكان"},
        [hxl("#loc", {"name"}, {"origin"}), hxl("#loc", {"dest"}, {"code", "origin"})],
        help="One destination per row: a register area name (e.g. Madaya), a community name in English or Arabic, "
        "or a P-code. A name matched inexactly is accepted with its confidence shown.",
    ),
    column(
        "destination_pcode",
        {"destinationpcode", "destinationcode", "pcode", "communitypcode", "locpcode", "adm4pcode", "admin4pcode"},
        [hxl("#loc", {"code"}, {"origin"}), hxl("#adm4", {"code"}, {"origin"}), hxl("#adm3", {"code"}, {"origin"})],
        label="destination P-code",
        help="The community (or sub-district) P-code of the destination; beats the name.",
    ),
    column(
        "planned_beneficiaries",
        {"plannedbeneficiaries", "planned", "beneficiaries", "beneficiariesplanned", "targeted", "peopletargeted"}
        | {"targetedbeneficiaries", "المستفيدون", "المستفيدونالمخططون"},
        [hxl("#targeted"), hxl("#beneficiary", {"planned"})],
        parse_count,
        label="planned beneficiaries",
        help="People the convoy plans to reach at the row's destination (blank: 0).",
    ),
    column(
        "reached_beneficiaries",
        {"reachedbeneficiaries", "reached", "beneficiariesreached", "peoplereached", "المستفيدونالفعليون"},
        [hxl("#reached"), hxl("#beneficiary", {"reached"})],
        parse_count,
        label="reached beneficiaries",
        help="People reached at the row's destination: only with a delivery or partial delivery.",
    ),
    column(
        "sector",
        {"sector", "cluster", "القطاع"},
        [hxl("#sector")],
        SECTORS.parse,
        help="The cargo line's sector (food, health, nutrition, WASH, shelter/NFI, education, protection, logistics, "
        "other). A row's cargo line needs sector, item, quantity and unit, or none of them.",
    ),
    column(
        "item",
        {"item", "items", "cargo", "commodity", "supplies", "المادة", "المواد"},
        [hxl("#item", (), {"num", "quantity", "unit", "code", "type"})],
        help="e.g. Food parcels, surgical kits.",
    ),
    column(
        "quantity",
        {"quantity", "qty", "amount", "الكمية"},
        [hxl("#item", {"num"}), hxl("#item", {"quantity"})],
        parse_quantity,
    ),
    column("unit", {"unit", "units", "uom", "unitofmeasure", "الوحدة"}, [hxl("#item", {"unit"})]),
    column(
        "trucks",
        {"trucks", "numberoftrucks", "nooftrucks", "truckcount", "عددالشاحنات", "الشاحنات"},
        [hxl("#indicator", {"trucks"}), hxl("#capacity", {"trucks"})],
        parse_count,
        label="trucks",
    ),
    column(
        "plan_month",
        {"planmonth", "month", "plan", "monthlyplan", "الشهر", "شهرالخطة"},
        [hxl("#date", {"month"}), hxl("#date", {"plan"})],
        parse_month,
        label="plan month",
        help="The monthly inter-agency plan: 2016-09, Sep 2016, 09/2016 or a date in the month.",
    ),
    column(
        "requested_date",
        {"requesteddate", "requestdate", "daterequested", "submissiondate", "datesubmitted", "submitted"}
        | {"dateofrequest", "تاريخالطلب"},
        [hxl("#date", {"requested"}), hxl("#date", {"submitted"})],
        parse_date,
        label="requested date",
        help="The day the request was submitted (the submitted step). " + DATE_HELP,
    ),
    column(
        "planned_date",
        {"planneddate", "planneddispatchdate", "plannedmissiondate", "missiondate", "التاريخالمخطط"},
        [hxl("#date", {"planned"})],
        parse_date,
        label="planned date",
        help="The planned dispatch date (a plan, not a step). " + DATE_HELP,
    ),
    column(
        "approval_date",
        {"approvaldate", "dateapproved", "dateofapproval", "answerdate", "responsedate", "decisiondate"}
        | {"تاريخالموافقة", "تاريخالرد"},
        [hxl("#date", {"approved"}), hxl("#date", {"answer"}), hxl("#date", {"response"})],
        parse_date,
        label="approval date",
        help="The day the parties answered: approved, partially approved, denied or no response. " + DATE_HELP,
    ),
    column(
        "dispatch_date",
        {"dispatchdate", "datedispatched", "departuredate", "dispatched", "تاريخالانطلاق"},
        [hxl("#date", {"dispatched"}), hxl("#date", {"dispatch"})],
        parse_date,
        label="dispatch date",
    ),
    column(
        "delivery_date",
        {"deliverydate", "datedelivered", "dateofdelivery", "delivered", "arrivaldate", "completiondate"}
        | {"تاريخالتسليم"},
        [hxl("#date", {"delivered"}), hxl("#date", {"delivery"}), hxl("#date", {"completed"})],
        parse_date,
        label="delivery date",
        help="The day the convoy delivered (or was turned back, or attacked). " + DATE_HELP,
    ),
    column(
        "notes",
        {"notes", "remarks", "comments", "ملاحظات"},
        [hxl("#description", (), {"title", "reason"}), hxl("#meta", {"notes"})],
    ),
    column("visibility", {"visibility"}, [hxl("#meta", {"visibility"})], VISIBILITIES.parse),
]


FIELDS = {spec.field: spec for spec in COLUMNS}
