"""The server's subcommands of `capture-order`: serve and seed."""
