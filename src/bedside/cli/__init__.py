"""The `bedside` command line."""
