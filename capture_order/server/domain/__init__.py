"""Capture rules as pure code: no HTTP, no SQL."""
