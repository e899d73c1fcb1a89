"""Use cases: each function owns its transaction and is what every surface calls."""
