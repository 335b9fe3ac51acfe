"""Importers of OCHA-style public data: COD boundaries, community lists and population tables.

Each importer is a function with a dry-run mode that either writes
everything or nothing (one transaction) and returns an ``ImportReport``; the
management commands only parse arguments and print the report, and
``runs.record_run`` keeps an ``ImportRun`` row of every attempt.
"""
