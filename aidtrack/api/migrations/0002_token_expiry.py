"""Tokens expire and are tied to the password they were made under.

Existing tokens keep working: each is given the default lifetime from today
(AIDTRACK_API_TOKEN_DAYS), so no script breaks on the day of the upgrade, and
the fingerprint of its owner's present password.
"""

import datetime

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone
from django.utils.crypto import salted_hmac


def give_existing_tokens_an_end(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    expires_at = timezone.now() + datetime.timedelta(days=getattr(settings, "AIDTRACK_API_TOKEN_DAYS", 90))
    for token in ApiToken.objects.select_related("user"):
        token.expires_at = expires_at
        token.password_fingerprint = salted_hmac(
            "aidtrack.api.token", token.user.password, algorithm="sha256"
        ).hexdigest()
        token.save(update_fields=["expires_at", "password_fingerprint"])


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, help_text="After this, the token no longer works."),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_fingerprint",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                help_text="Of the password the user had when making the token.",
                max_length=64,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(give_existing_tokens_an_end, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(help_text="After this, the token no longer works."),
        ),
    ]
