"""collectstatic with the production storage: the map's packages collect, a missing source map is tolerated."""

from django.core.management import call_command

from aidtrack.web.storage import StaticFilesStorage

PRODUCTION = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "aidtrack.web.storage.StaticFilesStorage"},
}


def test_collectstatic_collects_leaflet_and_markercluster_with_hashed_names(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = PRODUCTION
    call_command("collectstatic", interactive=False, verbosity=0)
    collected = {path.name for path in (tmp_path / "leaflet-markercluster").iterdir()}
    assert any(n.startswith("leaflet.markercluster.") and n.endswith(".js") and n.count(".") == 3 for n in collected)
    assert (tmp_path / "web" / "map" / "main.js").exists()


def test_only_a_missing_source_map_is_tolerated(tmp_path):
    (tmp_path / "lib.js").write_text("var a = 1;\n//# sourceMappingURL=lib.js.map\n")
    (tmp_path / "style.css").write_text("body { background: url('missing.png'); }\n")
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    paths = {"lib.js": (storage, "lib.js"), "style.css": (storage, "style.css")}
    results = list(storage.post_process(paths))
    errors = {name: outcome for name, _, outcome in results if isinstance(outcome, Exception)}
    assert ("lib.js", "lib.8306902f1fc1.js", True) in results
    assert list(errors) == ["style.css"] and "missing.png" in str(errors["style.css"])
