"""`python -m bedside`."""

from bedside.cli.app import main

main()
