"""Benchmark of alerts: fanning one event out to 10,000 subscriptions, and the digests of 1,000 users.

Each figure is a median over repeats, printed with its ratio to the bare queries measured in the same run:

- fan-out: ``event_fan_out`` of one new verified public incident to N incident subscriptions (every subscriber
  checked against the visibility selectors, one notification each), against the bare work: reading the
  subscriptions and bulk-inserting the same notifications;
- digest: ``digest_send`` for M users with K waiting alerts each (each alert re-checked for its reader, the
  e-mail rendered in text and HTML and handed to Django's in-memory mail backend), against the bare work: reading
  each user's waiting notifications with their events.

Usage:
    .venv/bin/python bench/alerts_bench.py            # a fresh SQLite database in a temporary folder
    .venv/bin/python bench/alerts_bench.py --database-url postgres://postgres@127.0.0.1:5432/bench_alerts
    options: --subscriptions 10000 --digest-users 1000 --per-digest 5 --repeat 5

The database given is flushed and filled (it must be one you can throw away). Nothing is sent anywhere.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--digest-users", type=int, default=1_000)
    parser.add_argument("--per-digest", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


def setup_django(workdir: Path, database_url: str):
    os.environ["AIDTRACK_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    # Tasks are queued, not run: each step is timed on its own.
    os.environ["AIDTRACK_TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidtrack.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def median_seconds(action, repeat, before=None):
    times = []
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def build(subscriptions: int, digest_users: int, per_digest: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from aidtrack.alerts.models import AlertEvent, EmailStatus, Notification, Subscription
    from aidtrack.incidents.models import Incident, VerificationStatus
    from aidtrack.orgs.models import Membership, Organization, OrganizationType, Role

    User = get_user_model()
    organizations = Organization.objects.bulk_create(
        [Organization(name=f"Org {n}", acronym=f"O{n}", kind=OrganizationType.NATIONAL_NGO) for n in range(50)]
    )
    users = User.objects.bulk_create(
        [User(username=f"u{n}", email=f"u{n}@example.org") for n in range(max(subscriptions, digest_users))]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, organization=organizations[n % 50], role=Role.REPORTER) for n, u in enumerate(users)]
    )
    reporter = users[0]
    now = timezone.now()
    incidents = [
        Incident(
            organization=organizations[n % 50],
            reported_by=reporter,
            reported_at=now,
            title=f"Incident {n}",
            category="4",
            occurred_on=datetime.date(2016, 9, 19),
            verification_status=VerificationStatus.VERIFIED,
            reference=f"INC-B-{n}",
            latitude=33.69,
            longitude=36.09,
        )
        for n in range(per_digest + 1)
    ]
    incidents = Incident.objects.bulk_create(incidents)
    events = AlertEvent.objects.bulk_create(
        [
            AlertEvent(event_type="incident.new", dedup_key=f"bench:{i.pk}", incident=i, occurred_at=now)
            for i in incidents
        ]
    )
    fan_subs = Subscription.objects.bulk_create(
        [Subscription(user=u, kind="incidents", email=True) for u in users[:subscriptions]]
    )
    digest_subs = Subscription.objects.bulk_create(
        [
            Subscription(user=u, kind="areas", frequency="daily", event_types=["area.status"])
            for u in users[:digest_users]
        ]
    )
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=s.user_id, subscription=s, event=e, topic=f"bench:{e.pk}", email_status=EmailStatus.DIGEST
            )
            for s in digest_subs
            for e in events[1:]
        ],
        batch_size=2000,
    )
    return events[0], fan_subs, digest_subs


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        setup_django(Path(workdir), args.database_url)
        from django.db import transaction

        from aidtrack.alerts import delivery
        from aidtrack.alerts.models import AlertEvent, EmailStatus, Notification, Subscription

        event, fan_subs, digest_subs = build(args.subscriptions, args.digest_users, args.per_digest)
        fan_ids = [s.pk for s in fan_subs]

        def reset_fan_out():
            Notification.objects.filter(event=event).delete()
            AlertEvent.objects.filter(pk=event.pk).update(fanned_out_at=None)

        def bare_fan_out():
            with transaction.atomic():
                rows = [
                    Notification(user_id=s.user_id, subscription=s, event=event, topic=f"incident:{event.incident_id}")
                    for s in Subscription.objects.filter(pk__in=fan_ids).select_related("user")
                ]
                Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)

        fan_out = median_seconds(lambda: delivery.event_fan_out(event.pk), args.repeat, reset_fan_out)
        made = Notification.objects.filter(event=event).count()
        bare = median_seconds(bare_fan_out, args.repeat, reset_fan_out)
        print(f"fan-out of one event to {args.subscriptions:,} subscriptions ({made:,} notifications):")
        print(f"  event_fan_out  median {fan_out * 1000:8.0f} ms   ratio {fan_out / bare:5.2f} x bare")
        print(f"  bare queries   median {bare * 1000:8.0f} ms")

        digest_ids = [s.pk for s in digest_subs]

        def reset_digests():
            Notification.objects.filter(subscription_id__in=digest_ids).update(email_status=EmailStatus.DIGEST)
            Subscription.objects.filter(pk__in=digest_ids).update(last_digest_at=None)

        def digests():
            for start in range(0, len(digest_ids), delivery.EMAIL_BATCH):
                delivery.digests_send(digest_ids[start : start + delivery.EMAIL_BATCH])

        def bare_digests():
            for pk in digest_ids:
                list(
                    Notification.objects.filter(subscription_id=pk, email_status=EmailStatus.DIGEST)
                    .select_related("event__incident")
                    .order_by("pk")
                )

        from django.core import mail

        repeat = max(1, args.repeat // 2)
        digest = median_seconds(digests, repeat, reset_digests)
        print(
            f"digests of {args.digest_users:,} users with {args.per_digest} alerts each ({len(mail.outbox):,} mails):"
        )
        bare_digest = median_seconds(bare_digests, repeat, reset_digests)
        print(f"  digest_send    median {digest * 1000:8.0f} ms   ratio {digest / bare_digest:5.2f} x bare")
        print(f"  bare queries   median {bare_digest * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
