"""Run `tco` with its stdout on a pseudo-terminal of a given width, as a user's terminal would be."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
import threading
from dataclasses import dataclass

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass(frozen=True)
class TerminalRun:
    exit_code: int
    screen: str  # what the terminal shows, ANSI styles removed, line ends as "\n"
    raw: str  # the bytes as written, decoded
    stderr: str


def run_on_terminal(args: list[str], columns: int, *, colour: bool = False, cwd: str | None = None,
                    env: dict[str, str] | None = None, timeout: float = 120) -> TerminalRun:
    """`python -m tco ARGS` with stdout on a pty `columns` wide (also in $COLUMNS); stderr piped."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    environment = {**os.environ, **(env or {}), "COLUMNS": str(columns), "TERM": "xterm-256color"}
    environment.pop("NO_COLOR", None)
    if not colour:
        environment["NO_COLOR"] = "1"
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the last writer closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        process = subprocess.run([sys.executable, "-m", "tco", *args], stdout=slave, stderr=subprocess.PIPE,
                                 stdin=subprocess.DEVNULL, env=environment, cwd=cwd, timeout=timeout, check=False)
    finally:
        os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    raw = b"".join(chunks).decode("utf-8", errors="replace").replace("\r\n", "\n")
    return TerminalRun(process.returncode, ANSI.sub("", raw), raw, process.stderr.decode("utf-8", errors="replace"))
