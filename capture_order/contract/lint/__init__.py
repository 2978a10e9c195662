"""`capture-order lint`: openapi-spec-validator, the catalogue and example checks, Spectral."""
