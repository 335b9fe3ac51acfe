"""After a change, anonymous readers of a public list get it as it was while a task renders the new one; never
after a withdrawal, never to signed-in readers, never for longer than the bound."""

import gzip
import json
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django_tasks import default_task_backend

from aidtrack.incidents.models import Incident
from aidtrack.ops import public_cache, versions
from aidtrack.ops.tasks import refresh_public_list
from aidtrack.orgs.models import Visibility
from tests.staff.conftest import login

INCIDENTS = "/api/v1/incidents/?format=geojson"


@pytest.fixture
def queue_that_waits(settings):
    """Lists are precomputed by a queue whose tasks run only when the test runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.AIDTRACK_PRECOMPUTE_PUBLIC_LISTS = True
    settings.AIDTRACK_PUBLIC_STALE_SECONDS = 60
    default_task_backend.clear()
    return default_task_backend


def titles(response) -> set[str]:
    body = gzip.decompress(response.content) if response.get("Content-Encoding") == "gzip" else response.content
    return {feature["properties"]["title"] for feature in json.loads(body)["features"]}


def refreshes(queue) -> list:
    return [result for result in queue.results if result.task.name == "refresh_public_list"]


def retitle(incident_pk: int, title: str) -> None:
    incident = Incident.objects.get(pk=incident_pk)
    incident.title = title
    incident.save()


def test_after_a_change_the_list_as_it_was_is_served_until_the_task_renders_the_new_one(world, queue_that_waits):
    client = Client()
    before = client.get(INCIDENTS)
    retitle(world.public.pk, "Changed title")
    stale = client.get(INCIDENTS)
    assert stale.status_code == 200 and "Changed title" not in titles(stale)
    assert stale["ETag"] == before["ETag"], "the ETag names the data the copy holds"
    assert client.get(INCIDENTS, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    assert len(refreshes(queue_that_waits)) == 1, "one refresh queued, however many readers ask"

    task = refreshes(queue_that_waits)[0]
    refresh_public_list.call(*task.args, **task.kwargs)
    fresh = client.get(INCIDENTS)
    assert "Changed title" in titles(fresh) and fresh["ETag"] != before["ETag"]


def test_a_signed_in_reader_never_gets_a_stale_copy(world, queue_that_waits, reporter):
    Client().get(INCIDENTS)
    retitle(world.public.pk, "Changed title")
    client = Client()
    login(client, reporter)
    assert "Changed title" in titles(client.get(INCIDENTS))


def test_after_a_withdrawal_no_stale_copy_is_served(world, queue_that_waits):
    client = Client()
    assert "PUBLIC-GENERALISED" in titles(client.get(INCIDENTS))
    incident = Incident.objects.get(pk=world.public.pk)
    incident.visibility = Visibility.PARTNERS
    incident.save()
    assert "PUBLIC-GENERALISED" not in titles(client.get(INCIDENTS))


def test_an_exact_point_withdrawn_is_a_withdrawal(world, queue_that_waits):
    client = Client()
    client.get(INCIDENTS)
    incident = Incident.objects.get(pk=world.exact.pk)
    incident.publish_exact_location = False
    incident.save()
    shown = json.loads(client.get(INCIDENTS).content)["features"]
    exact = next(feature for feature in shown if feature["properties"]["title"] == "PUBLIC-EXACT")
    assert exact["geometry"]["coordinates"] != [36.2, 33.2]


def test_a_deleted_record_is_not_served_stale(world, queue_that_waits):
    client = Client()
    client.get(INCIDENTS)
    Incident.objects.filter(pk=world.public.pk).get().delete()
    assert "PUBLIC-GENERALISED" not in titles(client.get(INCIDENTS))


def test_a_queue_that_does_not_keep_up_sends_readers_back_to_rendering(world, queue_that_waits, settings):
    client = Client()
    client.get(INCIDENTS)
    retitle(world.public.pk, "Changed title")
    assert "Changed title" not in titles(client.get(INCIDENTS))
    settings.AIDTRACK_PUBLIC_STALE_SECONDS = 0.01
    time.sleep(0.05)
    assert "Changed title" in titles(client.get(INCIDENTS))


def test_without_a_task_to_render_it_the_reader_gets_the_new_list(world, settings):
    settings.AIDTRACK_PRECOMPUTE_PUBLIC_LISTS = False
    client = Client()
    client.get(INCIDENTS)
    retitle(world.public.pk, "Changed title")
    assert "Changed title" in titles(client.get(INCIDENTS))


def test_a_write_publishes_the_new_version_and_queues_the_precomputation_once_it_commits(
    world, queue_that_waits, django_capture_on_commit_callbacks, monkeypatch, settings
):
    settings.AIDTRACK_DATA_CHECK_SECONDS = 60  # readers trust the published version (tests read the stamp each time)
    Client().get(INCIDENTS)
    before = versions.data_version()
    queue_that_waits.clear()
    stamps = []
    read_stamp = versions.database_stamp
    monkeypatch.setattr(versions, "database_stamp", lambda: stamps.append(1) or read_stamp())
    with django_capture_on_commit_callbacks(execute=True):
        retitle(world.public.pk, "First")
        retitle(world.public.pk, "Second")
        assert not stamps and not queue_that_waits.results, "nothing is published before the commit"
    assert len(stamps) == 1, "one reading of the stamp for the transaction's two rows"
    published = cache.get(versions.STATE_KEY)["version"]
    assert published != before
    versions.forget_memo()
    assert versions.data_version() == published, "a reader finds the version the writer published"
    assert len(stamps) == 1, "and does not read the stamp itself"
    names = [result.task.name for result in queue_that_waits.results]
    assert names.count("precompute_public_lists") == 1, "the lists are rendered at once, not after the check"
    assert names.count("check_data_version") == 1, "debounced: one check for both writes"
    task = next(result for result in queue_that_waits.results if result.task.name == "check_data_version")
    task.task.call(*task.args, **task.kwargs)
    assert len(stamps) == 2, "the check reads the stamp again, whatever the cache holds"
    assert [result.task.name for result in queue_that_waits.results].count("precompute_public_lists") == 1


def test_a_stale_version_published_by_a_slower_writer_is_corrected_by_the_check(
    world, queue_that_waits, django_capture_on_commit_callbacks, settings
):
    """Two writers committing at once may publish in the wrong order; the check a moment later reads the stamp."""
    with django_capture_on_commit_callbacks(execute=True):
        retitle(world.public.pk, "First")
    first = cache.get(versions.STATE_KEY)
    with django_capture_on_commit_callbacks(execute=False):
        retitle(world.public.pk, "Second")
    settings.AIDTRACK_DATA_CHECK_SECONDS = 60  # readers trust the published version (tests read the stamp each time)
    cache.set(versions.STATE_KEY, first, timeout=None)  # the first writer's version, published last
    versions.forget_memo()
    assert versions.data_version() == first["version"]
    from aidtrack.ops.tasks import check_data_version

    corrected = check_data_version.call()
    assert corrected != first["version"]
    assert cache.get(versions.STATE_KEY)["version"] == corrected


def test_the_list_name_is_the_same_for_every_way_of_asking_for_the_same_language(rf):
    english = rf.get(INCIDENTS, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    default = rf.get(INCIDENTS)
    arabic = rf.get(INCIDENTS, HTTP_ACCEPT_LANGUAGE="ar-SY")
    assert public_cache.list_name(english) == public_cache.list_name(default) != public_cache.list_name(arabic)


def test_a_bulk_update_that_hides_a_record_is_a_withdrawal(
    world, queue_that_waits, reporter, org_a, django_capture_on_commit_callbacks
):
    """An import's updates are written without save signals; hiding a record that way still stops stale copies."""
    from aidtrack.incidents.services import incidents_bulk_update

    client = Client()
    assert "PUBLIC-GENERALISED" in titles(client.get(INCIDENTS))
    incident = Incident.objects.get(pk=world.public.pk)
    with django_capture_on_commit_callbacks(execute=True):
        incidents_bulk_update(
            by=reporter,
            organization=org_a,
            changes=[(incident.pk, incident.version, {"visibility": Visibility.PARTNERS})],
        )
    assert "PUBLIC-GENERALISED" not in titles(client.get(INCIDENTS))


def test_a_head_request_gets_the_headers_of_the_list_without_its_body(world):
    client = Client()
    listed = client.get(INCIDENTS, HTTP_ACCEPT_ENCODING="gzip")
    head = client.head(INCIDENTS, HTTP_ACCEPT_ENCODING="gzip")
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == listed["ETag"]
    assert int(head["Content-Length"]) == len(listed.content)


def test_rendering_a_list_in_arabic_leaves_the_workers_language_alone(world):
    from django.utils import translation

    from aidtrack.ops.tasks import render

    with translation.override("en"):
        render(Client(), INCIDENTS, "application/geo+json", "ar", public_cache.WARM_CLAIMED)
        assert translation.get_language() == "en"


def test_a_list_is_kept_per_address_so_its_next_link_names_the_readers_host(world, settings):
    """A page's "next" link names the host it was asked at: a copy kept for one address is never served at another
    (a reader there would be sent to a host it may not reach)."""
    settings.ALLOWED_HOSTS = ["testserver", "internal.example", "access.example.org"]
    url = "/api/v1/incidents/?page_size=1"
    internal = Client().get(url, HTTP_HOST="internal.example").json()
    assert internal["next"].startswith("http://internal.example/")
    public = Client().get(url, HTTP_HOST="access.example.org", secure=True).json()
    assert public["next"].startswith("https://access.example.org/")
    assert Client().get(url, HTTP_HOST="internal.example").json()["next"] == internal["next"]


def test_the_writer_renders_the_lists_for_the_sites_public_address(settings):
    from aidtrack.ops.tasks import public_address

    settings.ALLOWED_HOSTS = ["internal.example", "access.example.org"]
    settings.AIDTRACK_SITE_URL = "https://access.example.org"
    assert public_address() == ("access.example.org", True)
    settings.AIDTRACK_SITE_URL = "http://elsewhere.example"  # not a host this site answers to
    assert public_address() == ("internal.example", False)
