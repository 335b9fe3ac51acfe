"""A full backup restores into a fresh installation record for record, history and geometry included."""

import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from aidtrack.demo.loader import load_demo
from aidtrack.geo.data_officers import DATA_OFFICERS, data_officers_group
from aidtrack.geo.models import AdminArea
from aidtrack.incidents.models import Incident


def contents(path):
    with zipfile.ZipFile(path) as archive:
        return {name: json.loads(archive.read(name)) for name in archive.namelist() if name != "manifest.json"}


@pytest.mark.django_db(transaction=True)
def test_backup_round_trip_restores_every_record(tmp_path):
    load_demo()
    incident = Incident.objects.order_by("pk").first()
    history_before = list(incident.history.values_list("history_id", "history_type", "history_user_id", "title"))
    area = AdminArea.objects.exclude(geometry=None).order_by("pk").first()
    first = tmp_path / "first.zip"
    call_command("backup_export", str(first))
    before = contents(first)
    assert sum(len(records) for records in before.values()) > 100

    call_command("flush", interactive=False, verbosity=0)
    assert not Incident.objects.exists()
    call_command("backup_import", str(first))

    second = tmp_path / "second.zip"
    call_command("backup_export", str(second))
    after = contents(second)
    for name, records in before.items():
        changed = [
            {k: (a["fields"][k], b["fields"].get(k)) for k in a["fields"] if a["fields"][k] != b["fields"].get(k)}
            for a, b in zip(records, after[name], strict=False)
            if a != b
        ]
        assert len(records) == len(after[name]) and not changed, (name, changed[:1])
    restored = Incident.objects.get(pk=incident.pk)
    assert (
        list(restored.history.values_list("history_id", "history_type", "history_user_id", "title")) == history_before
    )
    assert AdminArea.objects.get(pk=area.pk).geometry == area.geometry


@pytest.mark.django_db(transaction=True)
def test_passwords_are_left_out_unless_asked_for(tmp_path):
    user = get_user_model().objects.create_user("keeper", password="pass-word-123")
    call_command("backup_export", str(tmp_path / "plain.zip"))
    call_command("backup_export", str(tmp_path / "full.zip"), "--include-passwords")
    plain = next(v for k, v in contents(tmp_path / "plain.zip").items() if k.endswith("auth.user.json"))
    full = next(v for k, v in contents(tmp_path / "full.zip").items() if k.endswith("auth.user.json"))
    assert plain[0]["fields"]["password"] == "!backup-without-password"
    assert full[0]["fields"]["password"] == user.password

    call_command("flush", interactive=False, verbosity=0)
    call_command("backup_import", str(tmp_path / "plain.zip"))
    assert not get_user_model().objects.get(username="keeper").has_usable_password()


@pytest.mark.django_db(transaction=True)
def test_a_fresh_installation_with_the_group_migrate_made_takes_the_backups_groups(tmp_path):
    """migrate makes the "Data officers" group; the backup brings the site's own groups (that one as the site left
    it, here with a member and a permission taken away), and restores them as they were."""
    officers = data_officers_group()
    officers.permissions.remove(officers.permissions.get(codename="add_contextlayer"))
    get_user_model().objects.create_user("officer").groups.add(officers, Group.objects.create(name="Editors"))
    call_command("backup_export", str(tmp_path / "b.zip"))
    before = contents(tmp_path / "b.zip")

    call_command("flush", interactive=False, verbosity=0)
    data_officers_group()  # as manage.py migrate leaves a fresh database
    call_command("backup_import", str(tmp_path / "b.zip"))
    call_command("backup_export", str(tmp_path / "again.zip"))
    after = contents(tmp_path / "again.zip")
    groups = next(name for name in before if name.endswith("auth.group.json"))
    assert after[groups] == before[groups]
    officer = get_user_model().objects.get(username="officer")
    assert {group.name for group in officer.groups.all()} == {DATA_OFFICERS, "Editors"}
    assert officer.get_all_permissions() == {"geo.add_adminarea", "geo.change_adminarea"}


@pytest.mark.django_db
def test_a_backup_is_refused_by_a_database_that_already_has_records(tmp_path, org_a):
    call_command("backup_export", str(tmp_path / "b.zip"))
    with pytest.raises(CommandError, match="already holds records .*fresh installation.*Nothing was imported"):
        call_command("backup_import", str(tmp_path / "b.zip"))


@pytest.mark.django_db
def test_a_file_that_is_no_backup_is_refused(tmp_path):
    (tmp_path / "x.zip").write_text("hello")
    with pytest.raises(CommandError, match="is not a zip file"):
        call_command("backup_import", str(tmp_path / "x.zip"))
