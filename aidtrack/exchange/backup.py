"""The full backup of a site: every record (with its history) as Django JSON fixtures in one zip with a manifest.

A fresh installation migrated to the same schema imports it back record for
record (``backup_import``). User accounts travel without their password
hashes unless ``include_passwords`` is asked for: a backup file is easily
copied around, and hashes in it could be attacked offline. Restored accounts
then have no usable password; the site admin sets new ones
(``manage.py changepassword`` or ``make demo-passwords``). Sessions, API
tokens and the admin log are not part of the backup: they are secrets or
depend on one installation's content types.
"""

import datetime
import hashlib
import json
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings
from django.utils.translation import gettext as _

FORMAT = "aidtrack-backup/1"
APPS = ["geo", "orgs", "areas", "convoys", "incidents", "agreements", "exchange", "violence"]
EXCLUDED_MODELS = {"api.apitoken"}
UNUSABLE_PASSWORD = "!backup-without-password"


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but keeping times to the microsecond (it cuts them to milliseconds), so that a
    restored record is the same record."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class BackupError(Exception):
    """The backup cannot be read or restored here; the message says why and what to do."""


def backed_up_models() -> list:
    """Users and groups first, then every model of aidtrack's apps (history tables included)."""
    models = [apps.get_model("auth", "Group"), get_user_model()]
    for label in APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        models.extend(config.get_models())
    return [m for m in models if m._meta.label_lower not in EXCLUDED_MODELS]


def _made_by_migrate():
    """What a fresh installation holds after ``manage.py migrate``: the "Data officers" group, no one in it yet.
    A backup brings the site's own groups (that one as its administrators left it), so it replaces these."""
    from django.contrib.auth.models import Group

    from aidtrack.geo.data_officers import DATA_OFFICERS

    return Group.objects.filter(name=DATA_OFFICERS, user=None)


def _holds_records(model) -> bool:
    rows = model._default_manager.all()
    if model is apps.get_model("auth", "Group"):
        rows = rows.exclude(pk__in=_made_by_migrate().values("pk"))
    return rows.exists()


def _migrations() -> dict:
    applied = MigrationRecorder(connection).applied_migrations()
    latest = {}
    for app, name in sorted(applied):
        latest[app] = name
    return latest


def backup_export(path: Path, *, include_passwords: bool = False) -> dict:
    """Write the backup zip; returns its manifest."""
    models = serializers.sort_dependencies([(None, backed_up_models())], allow_cycles=True)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": connection.vendor,
        "migrations": _migrations(),
        "passwords_included": include_passwords,
        "files": [],
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for order, model in enumerate(models):
            queryset = model._default_manager.order_by("pk")
            records = serializers.serialize("python", queryset.iterator(chunk_size=2000), use_natural_foreign_keys=True)
            if model is get_user_model() and not include_passwords:
                for record in records:
                    record["fields"]["password"] = UNUSABLE_PASSWORD
            text = json.dumps(records, cls=ExactJSONEncoder, ensure_ascii=False)
            name = f"{order:03d}-{model._meta.label_lower}.json"
            data = text.encode("utf-8")
            archive.writestr(name, data)
            manifest["files"].append(
                {
                    "name": name,
                    "model": model._meta.label_lower,
                    "records": queryset.count(),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return manifest


def _read_manifest(archive: zipfile.ZipFile, display: str) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError as error:
        raise BackupError(
            _("%(file)s has no manifest.json: it is not an aidtrack backup.") % {"file": display}
        ) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("%(file)s is a backup of format %(format)r; this version reads %(expected)s.")
            % {"file": display, "format": manifest.get("format"), "expected": FORMAT}
        )
    return manifest


def backup_import(path: Path) -> dict:
    """Load a backup into an empty database of the same schema; all or nothing. Returns records per model."""
    display = str(path)
    if not zipfile.is_zipfile(path):
        raise BackupError(_("%(file)s is not a zip file; give the file written by backup_export.") % {"file": display})
    with zipfile.ZipFile(path) as archive:
        manifest = _read_manifest(archive, display)
        here = _migrations()
        differ = sorted(app for app, name in manifest["migrations"].items() if app in here and here[app] != name)
        if differ:
            raise BackupError(
                _(
                    "%(file)s was made with a different database schema (%(apps)s); migrate this installation to "
                    "the same version of aidtrack (manage.py migrate) before importing."
                )
                % {"file": display, "apps": ", ".join(differ)}
            )
        filled = [m._meta.label_lower for m in backed_up_models() if _holds_records(m)]
        if filled:
            raise BackupError(
                _(
                    "This database already holds records (%(models)s...): a backup is imported into a fresh "
                    "installation. Create an empty database and run manage.py migrate, then import."
                )
                % {"models": ", ".join(filled[:6])}
            )
        counts = {}
        with tempfile.TemporaryDirectory(prefix="aidtrack-restore-") as folder, transaction.atomic():
            _made_by_migrate().delete()
            files = []
            for entry in manifest["files"]:
                data = archive.read(entry["name"])
                if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                    raise BackupError(
                        _("%(file)s: %(entry)s is damaged (its checksum does not match).")
                        % {"file": display, "entry": entry["name"]}
                    )
                counts[entry["model"]] = entry["records"]
                if entry["records"]:
                    target = Path(folder) / entry["name"]
                    target.write_bytes(data)
                    files.append(str(target))
            # The history comes from the backup: loading must not add history rows of its own (simple_history
            # records many-to-many changes even for fixtures).
            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("loaddata", *files, verbosity=0)
    return counts
