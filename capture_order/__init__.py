"""The `capture-order` command line: one argparse tree over the contract, server and suite."""

__version__ = "0.2.0"
