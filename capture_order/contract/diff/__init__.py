"""`capture-order diff`: review a change of the contract, with a checked witness per break."""
