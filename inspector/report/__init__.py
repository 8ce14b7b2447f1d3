"""Headless results: checks, text/JSON/JUnit/HTML renderings, redaction, support bundles, diffs.

Everything here is pure (values in, strings or bytes out); the commands in ``inspector.cli`` do
the file I/O.
"""
