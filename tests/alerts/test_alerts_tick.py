"""manage.py alerts_tick: the periodic pass, with the demo clock and digests on demand."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from tests.alerts.conftest import report, subscribe, verify


def test_a_bad_date_is_refused_with_the_format_to_use(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("alerts_tick", "--today", "30/09/2016")


def test_send_digests_sends_the_daily_digest_now_with_what_gathered(run_on_commit, reporter, reviewer, org_a, reader_b):
    subscribe(reader_b, name="Checkpoints", frequency="daily")
    incident = run_on_commit(lambda: report(reporter, org_a, "Checkpoint closed"))
    run_on_commit(lambda: verify(incident, reviewer))
    run_on_commit(lambda: call_command("alerts_tick", "--today", "2016-09-30"))
    assert mail.outbox == [], "a digest waits for its day"
    run_on_commit(lambda: call_command("alerts_tick", "--send-digests"))
    [message] = mail.outbox
    assert message.subject == "[aidtrack] aidtrack digest: 1 alert (Checkpoints)"
    assert "Checkpoint closed" in message.body


def test_an_alert_is_worded_in_the_language_its_subscriber_chose(run_on_commit, reporter, org_a, reader_a, monkeypatch):
    from django.utils import translation

    from aidtrack.alerts import delivery

    languages = []
    build = delivery.alert_item

    def watched(event, audience):
        languages.append(translation.get_language())
        return build(event, audience)

    monkeypatch.setattr(delivery, "alert_item", watched)
    subscribe(reader_a, language="ar")
    run_on_commit(lambda: report(reporter, org_a, "Checkpoint closed"))
    assert languages and languages[-1] == "ar"
    [message] = mail.outbox
    assert 'lang="ar" dir="rtl"' in message.alternatives[0][0]


def test_an_alert_reaches_an_arabic_reader_in_arabic(run_on_commit, reporter, org_a, reader_a):
    subscribe(reader_a, language="ar")
    run_on_commit(lambda: report(reporter, org_a, "Checkpoint closed"))
    [message] = mail.outbox
    assert "حادثة جديدة" in message.subject
    assert "إلغاء الاشتراك في هذه التنبيهات" in message.alternatives[0][0]
    assert "الفئة:" in message.body


def test_alerts_older_than_the_keeping_time_are_pruned_with_their_notifications(
    run_on_commit, reporter, org_a, reader_a, settings
):
    import datetime

    from django.utils import timezone

    from aidtrack.alerts import delivery
    from aidtrack.alerts.models import AlertEvent, Notification

    settings.AIDTRACK_ALERTS_KEEP_DAYS = 30
    subscribe(reader_a, email=False)
    run_on_commit(lambda: report(reporter, org_a, "Old road closed"))
    AlertEvent.objects.update(created_at=timezone.now() - datetime.timedelta(days=31))
    run_on_commit(lambda: report(reporter, org_a, "New road closed"))
    run_on_commit(lambda: delivery.tick(datetime.date(2016, 9, 30)))
    assert list(Notification.objects.values_list("event__incident__title", flat=True)) == ["New road closed"]
