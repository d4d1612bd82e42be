"""One change to the store: the transaction every write joins, what it touched, and the derived
facts settled before it commits."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from netdesk.store.locks import write_transaction
from netdesk.store.models import db
from netdesk.store.writer import derived


@dataclass(slots=True)
class Changes:
    """What one change wrote, in ids and kinds, so that callers never recompute by hand.

    Writers fill it as they go; when the outermost change ends, the derived facts of every
    contact named here are brought in step inside the same transaction, and the caller gets
    this record back to tell the rest of the app.
    """

    now: dt.datetime | None = None
    contacts: set[int] = field(default_factory=set)  # rows added or edited
    removed: set[int] = field(default_factory=set)  # contacts deleted
    timelines: set[int] = field(default_factory=set)  # contacts whose interactions changed
    all_timelines: bool = False  # every contact's interactions may have changed (a bulk load)
    rules: set[int] = field(default_factory=set)  # contacts whose rule inputs changed
    follow_ups: set[int] = field(default_factory=set)  # contacts whose follow-ups changed
    everyone: bool = False  # a change every contact's rules depend on (settings, the search)
    search: bool = False  # the job search's state or the playbook settings
    companies: set[int] = field(default_factory=set)
    settings: set[str] = field(default_factory=set)
    import_batches: set[int] = field(default_factory=set)  # imports applied
    imports_undone: set[int] = field(default_factory=set)
    # What `settle` has already brought in step, so that settling twice does the work once.
    _settled_timelines: set[int] = field(default_factory=set, repr=False)
    _settled_rules: set[int] = field(default_factory=set, repr=False)
    _settled_follow_ups: set[int] = field(default_factory=set, repr=False)
    _settled_all: bool = field(default=False, repr=False)

    def contact(self, ids: Iterable[int], *, rules: bool = False) -> None:
        ids = set(ids)
        self.contacts |= ids
        if rules:
            self.rules |= ids
            self._settled_rules -= ids

    def timeline(self, ids: Iterable[int]) -> None:
        ids = set(ids)
        self.timelines |= ids
        self.rules |= ids
        self._settled_timelines -= ids
        self._settled_rules -= ids

    def follow_up(self, ids: Iterable[int]) -> None:
        ids = set(ids)
        self.follow_ups |= ids
        self._settled_follow_ups -= ids

    def all_rules(self) -> None:
        self.everyone = True
        self._settled_all = False

    @property
    def empty(self) -> bool:
        return not (
            self.contacts
            or self.removed
            or self.timelines
            or self.rules
            or self.follow_ups
            or self.everyone
            or self.search
            or self.companies
            or self.settings
            or self.import_batches
            or self.imports_undone
        )

    def settle(self) -> None:
        """Bring the derived facts of everything touched so far in step (inside the
        transaction). The outermost change calls it before committing; a writer whose later
        steps read those facts (the wrap-up reads follow-ups after changing the search) may
        call it midway."""
        gone = self.removed
        timelines = self.timelines - gone - self._settled_timelines
        if self.all_timelines and not self._settled_all:
            derived.refresh_touch_summary(None)
        elif timelines:
            derived.refresh_touch_summary(sorted(timelines))
        rules = self.rules - gone - self._settled_rules
        everyone = self.everyone and not self._settled_all
        if everyone or rules:
            if self.now is None:
                raise ValueError("a change to the rules' inputs needs `now`")
            derived.recompute_follow_ups(None if everyone else sorted(rules), self.now)
            self.follow_ups |= rules
        rest = self.follow_ups - self.rules - gone - self._settled_follow_ups
        if rest and not everyone:
            derived.refresh_next_due(sorted(rest))
        self._settled_timelines |= self.timelines
        self._settled_rules |= self.rules
        self._settled_follow_ups |= self.follow_ups
        self._settled_all = self._settled_all or self.everyone or self.all_timelines


class _OpenChanges(threading.local):
    """The changes open on this thread: a worker's sync or import never joins the UI's."""

    def __init__(self) -> None:
        self.stack: list[Changes] = []


_opened = _OpenChanges()


@contextlib.contextmanager
def change(now: dt.datetime | None = None) -> Iterator[Changes]:
    """The transaction a write runs in. A change begun inside another joins it, so the
    derived facts are settled once, by the outermost, just before it commits."""
    _open = _opened.stack
    if _open:
        current = _open[-1]
        if current.now is None:
            current.now = now
        yield current
        return
    current = Changes(now)
    _open.append(current)
    try:
        # BEGIN IMMEDIATE: waits its turn behind another writer (an import's block) and
        # tries again, rather than failing halfway with "database is locked".
        with write_transaction(db):
            yield current
            current.settle()
    finally:
        _open.pop()
