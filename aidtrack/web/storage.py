"""Static files storage: WhiteNoise's compressed manifest storage, tolerant of source maps a package lacks."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Rewrites ES module imports to hashed names, and leaves a ``sourceMappingURL`` naming a missing ``.map`` as is.

    ``import ... from "./outbox.js"`` inside ``app.<hash>.js`` must name ``outbox.<hash>.js``: the staff app's
    service worker keeps the hashed names for offline use, and an unhashed import would miss them.

    XStatic-Leaflet-MarkerCluster's ``leaflet.markercluster.js`` ends with a reference to a source map that the
    package does not ship. The manifest storage would refuse to collect it, and with it every static file.
    A browser asks for a source map only when its developer tools are open, so the reference may stay as it is;
    any other missing file is still an error.
    """

    support_js_module_import_aggregation = True

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):
            try:
                return convert(matchobj)
            except ValueError:
                if matchobj.groupdict().get("url", "").strip().endswith(".map"):
                    return matchobj.group(0)
                raise

        return converter
