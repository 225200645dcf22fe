"""`python -m tco` runs the CLI."""

from tco.cli import app

app(prog_name="tco")
