"""`python -m kpoctl` runs the CLI."""

from kpoctl.commands.cli import main

main()
