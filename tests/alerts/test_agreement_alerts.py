"""Agreement alerts: a condition broken, or met a number of days in a row, as each reader may count it."""

import datetime

from django.core import mail
from django.utils import timezone

from aidtrack.agreements.models import Agreement, AgreementCondition, ConditionKind
from aidtrack.alerts import delivery
from aidtrack.alerts.models import EventType
from aidtrack.orgs.models import Visibility
from tests.alerts.conftest import report, subscribe

CANARY = "CANARY-AG5"


def test_a_break_counted_from_restricted_records_reaches_only_those_who_may_see_them(
    run_on_commit, reporter, org_a, reader_a, reader_b
):
    agreement = Agreement.objects.create(
        name="Cessation", starts_at=timezone.make_aware(datetime.datetime(2016, 9, 12, 19))
    )
    AgreementCondition.objects.create(
        agreement=agreement,
        kind=ConditionKind.REDUCED_VIOLENCE,
        description="Reduced violence",
        required_consecutive_days=7,
        max_incidents_per_day=1,
        counted_categories=["7"],
    )
    for user in (reader_a, reader_b):
        subscribe(
            user, kind="agreements", event_types=[EventType.AGREEMENT_BROKEN, EventType.AGREEMENT_RUN], run_days=5
        )
    for _ in range(2):
        report(
            reporter,
            org_a,
            f"{CANARY} strike",
            category="7",
            occurred_on=datetime.date(2016, 9, 16),
            visibility=Visibility.RESTRICTED,
        )
    mail.outbox.clear()
    run_on_commit(lambda: delivery.tick(datetime.date(2016, 9, 17)))
    to_a = [m.subject for m in mail.outbox if reader_a.email in m.to]
    to_b = [m.subject for m in mail.outbox if reader_b.email in m.to]
    assert to_a == ["[aidtrack] Cessation: Reduced violence not met on 2016-09-16"]
    assert to_b == ["[aidtrack] Cessation: Reduced violence met 5 days in a row"], "b counts no violence it cannot see"
    assert all(CANARY not in m.body for m in mail.outbox)
    run_on_commit(lambda: delivery.tick(datetime.date(2016, 9, 17)))
    assert len(mail.outbox) == 2, "each break and run is told once"
