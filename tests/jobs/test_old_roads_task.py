"""A roads upload queued by the admin before the update (task ``load_context_layer``, since removed) still finishes
in a worker: its run fails with a plain message, in the uploader's language, telling them to upload the file again
on the staff page, where it is checked first. Nothing is loaded unchecked, and the server's copy is deleted."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult
from shapely.geometry import LineString

from aidtrack.geo.models import ContextLayer
from aidtrack.imports.models import ImportKind, ImportRun, ImportStatus
from aidtrack.imports.runs import new_run, upload_folder
from aidtrack.jobs.tasks import OLD_ROADS_UPLOAD, load_context_layer
from tests.geo.builders import frame
from tests.staff.conftest import login

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
OPTIONS = {  # as the admin's upload form gave them
    "kind": "roads",
    "source": "HDX: Syria - Roads",
    "licence": "ODbL 1.0",
    "attribution": "© OpenStreetMap contributors",
    "classes": ["primary"],
}


def queued_as_before(by):
    """What the admin's upload left: the file in the upload folder and its run, queued."""
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "upload-0123456789abcdef.geojson"
    roads = [{"highway": "primary", "geometry": LineString([(36.05, 33.60), (36.10, 33.69)])}]
    path.write_text(frame(roads).to_json())
    run = new_run(kind=ImportKind.ROADS, source="roads.geojson", options=OPTIONS, by=by, status=ImportStatus.QUEUED)
    return run, path


def enqueue_as_before(run, path, *, language):
    """The call the removed ``jobs.enqueue_context_layer`` made."""
    load_context_layer.enqueue(
        run_id=run.pk,
        path=str(path),
        display="roads.geojson",
        by_id=run.started_by_id,
        options=OPTIONS,
        language=language,
    )


@pytest.mark.django_db(transaction=True)
def test_a_job_queued_before_the_update_fails_its_run_in_the_uploaders_language(site_admin, settings, client):
    settings.TASKS = DATABASE_QUEUE
    run, path = queued_as_before(site_admin)
    enqueue_as_before(run, path, language="ar")
    task = DBTaskResult.objects.get()
    assert task.task_path == "aidtrack.jobs.tasks.load_context_layer"  # the name the old jobs carry

    call_command("jobs_worker", "--batch", "--interval", "0", stdout=io.StringIO())

    run.refresh_from_db()
    with translation.override("ar"):
        arabic = translation.gettext(OLD_ROADS_UPLOAD)
    assert arabic != OLD_ROADS_UPLOAD and "ا" in arabic
    assert (run.status, run.summary) == (ImportStatus.FAILED, arabic) and run.finished_at
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert not ContextLayer.objects.exists() and not path.exists()
    page = login(client, site_admin).get(reverse("staff:import_run", args=[run.pk])).content.decode()
    assert arabic in page
    assert "Fix the file" not in page and "?kind=roads" in page  # no problem to fix: upload it again


@pytest.mark.django_db
def test_the_message_says_to_upload_again_and_only_the_upload_folder_is_touched(site_admin, tmp_path):
    run, path = queued_as_before(site_admin)
    enqueue_as_before(run, path, language="")  # the test settings run a task at once
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED and "Upload it again on the Roads tab" in run.summary
    assert "nothing was written" in run.summary and not path.exists()

    elsewhere = tmp_path / "upload-keep.geojson"
    elsewhere.write_text("{}")
    other, _ = queued_as_before(site_admin)
    enqueue_as_before(other, elsewhere, language="en")
    assert ImportRun.objects.get(pk=other.pk).status == ImportStatus.FAILED and elsewhere.exists()
