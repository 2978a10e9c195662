#!/usr/bin/env bash
# The newest CPython above the oldest supported (3.11) that this machine has, as a path:
# `python3.X` on PATH if it runs (a pyenv shim of a version not selected does not), else
# pyenv's newest 3.X.* build. Prints nothing and exits 1 when there is none.
set -euo pipefail
for minor in 14 13 12; do
    if python3.$minor -c '' 2>/dev/null; then
        command -v python3.$minor
        exit 0
    fi
    for candidate in $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.$minor.* 2>/dev/null | sort -V -r); do
        if "$candidate/bin/python3.$minor" -c '' 2>/dev/null; then
            echo "$candidate/bin/python3.$minor"
            exit 0
        fi
    done
done
exit 1
