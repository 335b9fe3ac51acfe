from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class WebConfig(AppConfig):
    name = "aidtrack.web"
    verbose_name = "Web pages"


class StaticFilesConfig(BaseStaticFilesConfig):
    """collectstatic without the minified Leaflet.markercluster build.

    XStatic-Leaflet-MarkerCluster's ``leaflet.markercluster.js`` names a source map that the package does not
    ship, and the manifest storage refuses to collect a file whose references are missing. The page uses the
    ``-src`` build, whose source map is there.
    """

    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, "leaflet.markercluster.js"]
