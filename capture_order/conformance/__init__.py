"""Conformance suite for the Capture Order operation: speaks HTTP, reads the spec."""

__version__ = "0.2.0"
