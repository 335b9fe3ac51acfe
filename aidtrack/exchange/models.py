"""Backups have no models; the column mappings that lived here moved to ``aidtrack.imports``."""
