"""WSGI entry point, used by gunicorn (``gunicorn aidtrack.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import reverse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidtrack.settings")

application = get_wsgi_application()

# Import every view and build the URL patterns now, while the worker boots and before it takes a connection, rather
# than in its first requests: about a second of CPU that a new worker (at start, or replaced after --max-requests)
# would otherwise spend while the readers it accepted wait, every one of them past a client's timeout under load.
reverse("web:home")  # imports every URLconf (and so every view) and builds the reverse lookups
