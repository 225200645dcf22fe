"""The `tco` command line: parses arguments, calls the library, picks a renderer. Nothing more.

Each command family lives in its own module (`tco.cli.shared.COMMAND_MODULES`), which imports what its
commands use at its top; `tco` imports a command's module only when that command runs (or `--help`
lists it), so `tco compare` loads neither numpy nor matplotlib nor the pricing editor.

Exit codes: 0 success, 1 bad input or data (one line per problem on stderr), 2 usage error.
"""

from tco.cli.shared import app

__all__ = ["app"]
