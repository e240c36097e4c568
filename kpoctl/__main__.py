"""`python -m kpoctl` runs the CLI."""

from kpoctl.cli import main

main()
