#!/usr/bin/env bash
# `make review-release` (CI runs it): the working tree's contract against the last release's,
# gated with --fail-on missing-version-bump: breaking changes since the release need a new
# major info.version. The last release is the newest v* tag; where there is none (nothing
# tagged yet, or a clone without tags), the commit that last changed the `version = ` line of
# pyproject.toml. Extra arguments go to capture-order diff.
set -euo pipefail
bin=${BIN:-.venv/bin}

if release=$(git describe --tags --abbrev=0 --match 'v*' 2>/dev/null); then
    echo "review-release: against $release, the last release tag"
else
    # -G (a changed line matching), not -S (a changed count of the string): a version line
    # rewritten from 0.1.0 to 0.2.0 keeps the count of "version = ".
    release=$(git log -1 --format=%H -G '^version = ' -- pyproject.toml)
    if [[ -z $release ]]; then
        echo "review-release: no v* tag and no commit that changed 'version = ' in pyproject.toml:" \
            "nothing to compare with" >&2
        exit 2
    fi
    echo "review-release: no v* tag; against $release, the commit that last changed" \
        "'version = ' in pyproject.toml"
fi
if [[ $(git rev-parse --is-shallow-repository) == true ]]; then
    echo "review-release: warning: a shallow clone, whose history may not reach the release" >&2
fi
exec "$bin/capture-order" diff "$release" --against-working-tree --fail-on missing-version-bump "$@"
