"""Rules over a stream of exchanges: what only a sequence shows (one engine for both modes).

The active suite runs them over its own recorded exchanges as a second opinion; `conformance
--traffic` and `capture-order proxy` run them over recorded or live traffic.
"""
