"""The API's documentation pages (Swagger UI and ReDoc from drf-spectacular-sidecar), under the site's CSP.

Both are served from our own static files, with no inline script and no font or image from another site.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI, with its start script served by this view (``?script``) instead of inline."""

    template_name = "api/swagger_ui.html"


# The one page that widens the policy, because ReDoc cannot work otherwise: it writes <style> elements as it
# starts (styled-components, and style-loader before any nonce could reach it), and runs its search in a worker
# made from a blob. The page shows the public schema only, with no form and no record, so inline styles there
# expose nothing; scripts stay our own files.
@method_decorator(csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}), name="dispatch")
class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"
