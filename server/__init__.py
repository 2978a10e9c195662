"""Reference server for the Capture Order operation."""

__version__ = "0.1.0"
