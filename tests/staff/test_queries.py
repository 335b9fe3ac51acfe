"""Lists read through selectors that fetch related rows up front: no query per row."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aidtrack.orgs.models import Visibility
from tests.factories import make_convoy
from tests.staff.conftest import login, report


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_pages_do_not_grow_a_query_per_row(client, reporter, reviewer, org_a, geography):
    for n in range(2):
        report(reporter, org_a, geography, title=f"Row {n}")
        make_convoy(reporter, org_a, reference=f"CV-Q-{n}", visibility=Visibility.PARTNERS)
    login(client, reviewer)
    urls = [reverse(name) for name in ("staff:incident_list", "staff:convoy_list", "staff:review_queue")]
    before = {url: queries(client, url) for url in urls}
    for n in range(2, 8):
        report(reporter, org_a, geography, title=f"Row {n}")
        make_convoy(reporter, org_a, reference=f"CV-Q-{n}", visibility=Visibility.PARTNERS)
    after = {url: queries(client, url) for url in urls}
    assert after == before


def test_the_verification_link_is_offered_to_reviewers_only(client, reporter, reviewer):
    login(client, reporter)
    assert reverse("staff:review_queue") not in client.get(reverse("staff:dashboard")).content.decode()
    login(client, reviewer)
    assert reverse("staff:review_queue") in client.get(reverse("staff:dashboard")).content.decode()
