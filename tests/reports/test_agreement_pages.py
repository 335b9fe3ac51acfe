"""The agreement pages answer "did the cessation's conditions hold?", with the numbers and the records behind them.

The demo's figures below are counted by hand from fixtures/demo/scenario.json: the cessation ran from 12 September
2016 (19:00) to 19 September; reduced violence counts categories 5 and 7, at most 2 a day, leaving out ISIL and
JFS; on 16 September three such incidents were recorded (clashes south of Aleppo, shelling in rural Damascus, air
strikes on eastern Aleppo), on 17 September only ISIL's fighting at Deir-ez-Zor (not counted), on 19 September
three (the Urum al-Kubra convoy attack and two strikes on Aleppo). No delivery reached eastern Aleppo, so the
access condition held on no day.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aidtrack.agreements.models import Agreement
from aidtrack.agreements.selectors import agreement_compliance_for
from aidtrack.incidents.services import incident_create
from aidtrack.orgs.audience import PUBLIC
from aidtrack.orgs.models import Organization

pytestmark = pytest.mark.django_db


def cessation():
    return Agreement.objects.get(name__startswith="Cessation of hostilities, September 2016")


def page(client, name, *args):
    response = client.get(reverse(f"reports:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_demo_cessation_failed_both_conditions_in_its_first_seven_days(client, demo):
    violence, access = agreement_compliance_for(cessation(), PUBLIC)
    assert [d.day for d in violence.days] == [datetime.date(2016, 9, d) for d in range(12, 20)]
    assert [d.counted for d in violence.days] == [0, 0, 0, 0, 3, 0, 0, 3]
    assert [d.met for d in violence.days] == [True, True, True, True, False, True, True, False]
    assert violence.longest_run == (4, datetime.date(2016, 9, 12), datetime.date(2016, 9, 15))
    assert violence.baseline == 0 and violence.first_fulfilled_on is None
    assert not any(d.met for d in access.days) and access.longest_run[0] == 0

    text = page(client, "agreement_detail", cessation().pk)
    assert (
        "It did not hold in its first 7 days (12 September 2016 to 18 September 2016): not met on 1 day, met on 6. "
        "Not met: 16 September 2016: 3 incidents counted, at most 2 allowed." in text
    )
    assert "7 consecutive days were never reached: the longest run was 4 days" in text
    assert "not met on 7 days, met on 0" in text and "Aleppo city (eastern) never reached" in text
    assert "7 consecutive days were never reached: the condition was not met on any day." in text


def test_the_strip_tells_each_day_by_shape_and_text_and_links_to_its_evidence(client, demo):
    text = page(client, "agreement_detail", cessation().pk)
    day_url = reverse("reports:agreement_day", args=[cessation().pk, "2016-09-16"])
    assert f'<a href="{day_url}">' in text
    assert "16 September 2016: not met — 3 incident(s) counted; at most 2 allowed" in text
    assert "met (circle, tick)" in text and "not met (square, cross)" in text
    assert text.count('class="cell cell-not-met"') == 2 + 8  # violence: 16 and 19 September; access: every day


def test_a_day_page_shows_the_count_threshold_baseline_and_records(client, demo):
    text = page(client, "agreement_day", cessation().pk, "2016-09-16")
    assert "Not met on this day." in text
    assert "at most 2 a day" in text and "0.0 a day on average in the 30 days before" in text
    for title in ("Clashes south of Aleppo", "Shelling in rural Damascus", "Air strikes on eastern Aleppo"):
        assert title in text
    excluded = page(client, "agreement_day", cessation().pk, "2016-09-17")
    assert "Fighting around Deir-ez-Zor airport" in excluded.split("not counted")[1]


def test_a_day_page_names_the_deliveries_to_each_listed_area(client, demo):
    text = page(client, "agreement_day", cessation().pk, "2016-09-19")
    assert "convoy <bdi>CV-2016-09-009</bdi>" in text and "(partly delivered)" in text  # Madamiyet Elsham
    assert "Aid delivered to Madamiyet Elsham" in text


def test_a_restricted_delivery_changes_no_public_figure(client, restricted_delivery):
    public = page(client, "agreement_day", cessation().pk, "2016-09-14")
    assert "CV-SECRET-CANARY" not in public and "never, in the records you may see" in public
    _, access = agreement_compliance_for(cessation(), PUBLIC)
    assert all("Aleppo city (eastern) (never reached)" in d.detail for d in access.days)

    client.force_login(restricted_delivery.by)
    staff = page(client, "agreement_day", cessation().pk, "2016-09-14")
    assert "CV-SECRET-CANARY" in staff


def test_bad_days_get_a_message_that_says_what_to_do(client, demo):
    response = client.get(reverse("reports:agreement_day", args=[cessation().pk, "2016-09-31"]))
    assert response.status_code == 400 and "is not a date: use YYYY-MM-DD" in response.content.decode()
    response = client.get(reverse("reports:agreement_day", args=[cessation().pk, "2016-08-01"]))
    assert response.status_code == 404 and "pick a day from its start" in response.content.decode()


def test_the_index_lists_each_agreement_with_its_verdicts(client, demo):
    text = page(client, "agreement_list")
    assert cessation().name in text and "the longest run was 4 days" in text


def test_queries_do_not_grow_with_the_records(client, demo):
    def queries(name, *args):
        with CaptureQueriesContext(connection) as captured:
            page(client, name, *args)
        return len(captured)

    before = (queries("agreement_detail", cessation().pk), queries("agreement_day", cessation().pk, "2016-09-16"))
    from django.contrib.auth import get_user_model

    from aidtrack.incidents.services import incident_review

    by = get_user_model().objects.get(username="reporter.ocha")
    reviewer = get_user_model().objects.get(username="reviewer")
    for n in range(6):
        incident = incident_create(
            by=by,
            organization=Organization.objects.get(acronym="OCHA"),
            category="7",
            title=f"Strike {n}",
            occurred_on=datetime.date(2016, 9, 16),
            latitude=36.2,
            longitude=37.1,
            public_summary="Strike",
        )
        incident_review(incident=incident, by=reviewer, outcome="verified")
    after = (queries("agreement_detail", cessation().pk), queries("agreement_day", cessation().pk, "2016-09-16"))
    assert after == before


def test_the_api_gives_the_same_runs_as_the_page(client, demo):
    body = client.get(f"/api/v1/agreements/{cessation().pk}/compliance/").json()
    violence, access = body["conditions"]
    assert (violence["longest_run"], violence["current_run"], violence["baseline_per_day"]) == (4, 0, 0.0)
    assert access["longest_run"] == 0 and access["baseline_per_day"] is None
    future = client.get(reverse("reports:agreement_day", args=[cessation().pk, "2016-09-20"]))
    assert future.status_code == 404


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_strip_writes_each_date_as_django_does(language):
    """The strip's quick date writer reads exactly as ``date_format``, every day of a leap year, in both languages."""
    from django.utils import translation
    from django.utils.formats import date_format

    from aidtrack.reports.charts import day_writer

    with translation.override(language):
        for pattern in ("j F Y", "D j M Y"):
            write = day_writer(pattern)
            days = [datetime.date(2016, 1, 1) + datetime.timedelta(days=n) for n in range(366)]
            assert [write(day) for day in days] == [date_format(day, pattern) for day in days]


def test_in_arabic_the_agreement_speaks_its_arabic_words_and_falls_back_to_the_english_ones(client, demo):
    """The name, brokers, summary and each condition's words follow the language; where no Arabic is written the
    English words are shown (never an empty cell)."""
    agreement = cessation()
    url = reverse("reports:agreement_detail", args=[agreement.pk])
    arabic = client.get(url, {"lang": "ar"}).content.decode()
    assert "سبعة أيام متواصلة من انخفاض العنف." in arabic
    assert "Seven continuous days of reduced violence." not in arabic
    assert "الولايات المتحدة وروسيا" in arabic and "أُعلن في جنيف" in arabic
    english = client.get(url, {"lang": "en"}).content.decode()
    assert "Seven continuous days of reduced violence." in english and "سبعة أيام متواصلة" not in english

    condition = agreement.conditions.get(kind="reduced_violence")
    condition.description_ar = ""
    condition.save()
    agreement.summary_ar = ""
    agreement.save()
    arabic = client.get(url, {"lang": "ar"}).content.decode()
    assert "Seven continuous days of reduced violence." in arabic and "Announced in Geneva" in arabic
    listing = client.get(reverse("reports:agreement_list"), {"lang": "ar"}).content.decode()
    assert "وصول إنساني مستدام إلى حلب" in listing and "Seven continuous days of reduced violence." in listing


def test_a_place_name_with_markup_is_shown_as_text_in_the_strip_and_the_table(client, demo):
    """The strip and the day table are written as HTML by the view (not by the template's autoescape): every name
    in them is escaped there."""
    from aidtrack.areas.models import Area

    area = Area.objects.get(name_en="Aleppo city (eastern)")
    area.name_en = 'Aleppo <script>alert("x")</script> & east'
    area.save()
    text = page(client, "agreement_detail", cessation().pk)
    assert "<script>alert" not in text
    escaped = "Aleppo &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; east (never reached)"
    access = text.split('<section class="condition"')[2]  # the second condition: sustained access
    strip, table = access.split('class="day-table"')
    assert escaped in strip and escaped in table
