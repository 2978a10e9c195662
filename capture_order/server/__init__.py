"""Reference server for the Capture Order operation."""

import warnings

# Connexion 3.3 imports starlette.testclient, which warns about httpx on every
# import (TOOLCHAIN.md); the server never uses the test client.
warnings.filterwarnings(
    "ignore", message=r"Using `httpx` with `starlette\.testclient` is deprecated"
)

__version__ = "0.2.0"
