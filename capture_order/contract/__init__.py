"""What every part needs about the contract: the spec, its catalogue and facts, the spec tools.

Nothing here imports the reference server or the conformance suite; both import this.
"""

__version__ = "0.2.0"
