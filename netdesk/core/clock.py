"""The one reading of the wall clock, in the store's convention: naive local time.

Core's rules never call these; they are given `now`. These are for the edges that must read
the clock: `services.clock.Clock` (the app's clock, which tests replace), the command line,
backups' file names, and the store's bookkeeping columns.
"""

from __future__ import annotations

import datetime as dt


def local_now_exact() -> dt.datetime:
    """Naive local wall-clock time with its microseconds.

    The default of the store's bookkeeping columns (created/updated), which have always kept
    the microseconds: rows written within one second stay in the order they were written.
    """
    return dt.datetime.now()


def local_now() -> dt.datetime:
    """Naive local wall-clock time to the whole second: every moment the app reasons about."""
    return local_now_exact().replace(microsecond=0)
