"""The version and the distribution name, in a module of their own so nothing imports the package facade."""

__version__ = "0.1.0"
# The name to `pip install` (the command and the import package are `tco`): `tco` on the package
# registry is an unrelated project.
DISTRIBUTION = "tco-llm"
