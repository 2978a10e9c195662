"""Input corpora the suite sends (vendored, each with its licence and a note of its source)."""
