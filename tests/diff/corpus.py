"""The labelled corpus: every single edit of the contract the diff is measured on."""

from __future__ import annotations

from tests.diff import corpus_catalogue, corpus_requests, corpus_responses
from tests.diff.edits import Edit

CORPUS: tuple[Edit, ...] = (
    *corpus_requests.EDITS,
    *corpus_responses.EDITS,
    *corpus_catalogue.EDITS,
)
