"""The `tco` command line: parses arguments, calls the library, picks a renderer. Nothing more.

Each command family lives in its own module and registers itself on the one `app`; importing
this package registers them all, in the order `tco --help` lists them. Command modules import
the library (and any heavy dependency) inside the command, so `tco compare` stays fast.

Exit codes: 0 success, 1 bad input or data (one line per problem on stderr), 2 usage error.
"""

# One line per command family, in the order `tco --help` lists them (docs/commands.md), hence unsorted.
from tco.cli import scenario  # noqa: F401, I001  compare, export, validate, init, schema
from tco.cli import pricing  # noqa: F401  pricing list/show/init/set/remove/edit/import/sync
from tco.cli import size  # noqa: F401  size
from tco.cli import analyses  # noqa: F401  simulate, sensitivity, sweep
from tco.cli import charts  # noqa: F401  chart, report
from tco.cli import optimize  # noqa: F401  optimize
from tco.cli.shared import app

__all__ = ["app"]
