"""A rule's text as clauses, and which clauses a catalogue's cases cover (`covers`)."""

from capture_order.contract.clauses.covering import BadQuote, Coverage, coverage
from capture_order.contract.clauses.clause import Clause
from capture_order.contract.clauses.splitter import clauses_of

__all__ = ["BadQuote", "Clause", "Coverage", "clauses_of", "coverage"]
