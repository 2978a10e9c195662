"""Recorded traffic: the NDJSON and HAR formats, channels derived from tokens, the proxy."""
