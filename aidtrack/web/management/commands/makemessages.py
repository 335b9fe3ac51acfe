"""Django's makemessages with aidtrack's defaults (README, "Arabic and translations").

No locations and no wrapping, so that two branches adding strings to different files do not conflict on ``#:``
lines or re-wrapped paragraphs; and never the virtualenv, the collected static files, the tests or the
screenshots, whose strings are not ours to translate.
"""

from django.core.management.commands import makemessages

IGNORED = [".venv/*", "venv/*", "var/*", "tests/*", "bench/*", "test-output/*", "node_modules/*", "fixtures/*"]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        options["no_location"] = True
        options["no_wrap"] = True
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        return super().handle(*args, **options)
