"""The sandbox: a control API that puts the reference server in any state (`serve --sandbox`)."""
