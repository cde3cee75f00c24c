"""The command line: one Typer sub-app per command group, no analysis logic here."""
