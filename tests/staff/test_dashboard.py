"""The dashboard: recent records of one's organizations and what awaits one's action."""

import datetime

from django.urls import reverse
from django.utils import timezone

from aidtrack.convoys.models import ConvoyStatus
from aidtrack.convoys.services import convoy_transition
from aidtrack.orgs.models import Visibility
from aidtrack.staff.selectors import convoys_awaiting_answer
from tests.factories import make_convoy
from tests.staff.conftest import login, report


def test_waiting_convoys_count_working_days_and_flag_overdue_ones(reporter, org_a):
    convoy = make_convoy(reporter, org_a, created_at=timezone.make_aware(datetime.datetime(2016, 9, 1, 9)))
    submitted = timezone.make_aware(datetime.datetime(2016, 9, 4, 9))  # a Sunday
    convoy_transition(convoy=convoy, to_status=ConvoyStatus.SUBMITTED, by=reporter, occurred_at=submitted)
    # Sunday 4 to Tuesday 13 September 2016: Mon-Thu (4), Sun-Tue (3); Friday and Saturday do not count.
    [waiting] = convoys_awaiting_answer(reporter, today=datetime.date(2016, 9, 13))
    assert (waiting.convoy, waiting.submitted_on, waiting.working_days, waiting.overdue) == (
        convoy,
        datetime.date(2016, 9, 4),
        7,
        True,
    )
    [early] = convoys_awaiting_answer(reporter, today=datetime.date(2016, 9, 8))
    assert (early.working_days, early.overdue) == (4, False)


def test_the_dashboard_shows_what_awaits_the_user_and_nothing_of_other_organizations(
    client, reporter, reviewer, outsider, org_a, org_b, geography
):
    report(reporter, org_a, geography, title="Alpha needs review")
    report(outsider, org_b, geography, title="Beta private", visibility=Visibility.RESTRICTED)
    draft = make_convoy(reviewer, org_a, reference="CV-ALPHA-DRAFT")
    waiting = make_convoy(reporter, org_a, reference="CV-ALPHA-WAIT")
    convoy_transition(convoy=waiting, to_status=ConvoyStatus.SUBMITTED, by=reporter)
    make_convoy(outsider, org_b, reference="CV-BETA-1", visibility=Visibility.RESTRICTED)

    login(client, reviewer)
    page = client.get(reverse("staff:dashboard")).content.decode()
    assert "Incidents awaiting your verification (1)" in page and "Alpha needs review" in page
    assert draft.reference in page and "CV-ALPHA-WAIT" in page
    assert "Beta private" not in page and "CV-BETA-1" not in page

    login(client, reporter)
    page = client.get(reverse("staff:dashboard")).content.decode()
    assert "Nothing awaits your verification." in page
    assert "Your reports not yet verified" in page and "Alpha needs review" in page
    assert "You have no drafts." in page  # the draft is the reviewer's
