"""The rotating log in platformdirs' log folder: errors with context, no contact data but ids."""

from __future__ import annotations

import functools
import logging
import os
import re
from pathlib import Path
from types import TracebackType

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]

LOG_NAME = "netdesk.log"


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Where contact data could slip into the log: email addresses anywhere, and the quoted
    values an exception's message carries (KeyError: 'ana@example.org', "Ana Lima" not
    found). Compiled with the first log line, not before the window's first paint."""
    return re.compile(r"[^\s@'\"<>(),;:]+@[^\s@'\"<>(),;:]+"), re.compile(r"(['\"]).*?\1")


def scrub(text: str) -> str:
    """`text` with email addresses and quoted values hidden: fit for the log."""
    email, quoted = _patterns()
    return email.sub("<email>", quoted.sub(r"\1…\1", text))


class PrivateFormatter(logging.Formatter):
    """Tracebacks keep their frames (code, which is what debugging needs); the exception's own
    words are scrubbed, and no email address is written anywhere."""

    def formatException(self, ei: ExcInfo) -> str:
        text = super().formatException(ei)
        # Frame and source lines are indented; the unindented ones are the messages.
        return "\n".join(
            line if line.startswith((" ", "Traceback")) else scrub(line)
            for line in text.splitlines()
        )

    def format(self, record: logging.LogRecord) -> str:
        return _patterns()[0].sub("<email>", super().format(record))


def log_path(log_dir: Path) -> Path:
    """The log file `setup_logging` writes to (nothing is made or opened)."""
    return log_dir / LOG_NAME


def setup_logging(log_dir: Path, *, level: int = logging.INFO) -> Path:
    """Send the `netdesk` logger to a rotating file (0600 in a 0700 folder)."""
    import logging.handlers  # here: the app sets its log up after the first paint

    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(log_dir, 0o700)
    path = log_path(log_dir)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    logger = logging.getLogger("netdesk")
    for handler in list(logger.handlers):
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            logger.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=3, encoding="utf-8", delay=True
    )
    handler.setFormatter(
        PrivateFormatter("%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s")
    )
    logger.addHandler(handler)
    logger.setLevel(level)
    return path
