"""Turns "the database cannot be reached" into a clear 503 instead of a bare 500 with a traceback per request."""

from aidtrack.ops import outage
from aidtrack.ops.views import unavailable


class OutageMiddleware:
    """Near the top of the stack: a view that fails because the database is gone gets the 503 answer.

    Failures in middleware (a session read) reach Django's 500 handler, which
    gives the same answer (``aidtrack.ops.views.server_error``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        outage.probe_if_down()
        return response

    def process_exception(self, request, exception):
        if outage.is_database_unreachable(exception):
            outage.database_down(exception)
            return unavailable(request)
        return None
