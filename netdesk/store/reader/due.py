"""Reading follow-ups: the open ones in the order they fall due, counts, the next alarm."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, overload

from netdesk.core import gratitude, playbook
from netdesk.core.domain import (
    NOT_AN_EXCHANGE,
    RULE_OF_REASON,
    RULE_REASONS,
    Direction,
    FollowUpReason,
    FollowUpRule,
    FollowUpState,
    InteractionKind,
    Tie,
)

# Defined by rule 4 in core; named here too for the readers' callers.
from netdesk.core.gratitude import THANKS_WINDOW_DAYS as THANKS_WINDOW_DAYS
from netdesk.core.gratitude import thanks_sentence as thanks_sentence
from netdesk.store.models import (
    db,
)
from netdesk.store.reader.settings import playbook_settings, search_active
from netdesk.store.sql import OPEN_SQL, chunks, iso, parse_datetime


def _kind(value: Any) -> InteractionKind | None:
    try:
        return InteractionKind(value) if value else None
    except ValueError:
        return None


def _facts_from_row(row: Sequence[Any]) -> playbook.ContactFacts:
    (_, name, tie, cadence, added, count, first_at, first_kind, first_summary, last_at, reset) = (
        row[:11]
    )
    # The latest exchange, as one text: its moment, kind, where it came from (an imported
    # history's source, "" when logged), direction and summary (see _FACTS_COLUMNS).
    exchange = str(row[11] or "").split(_SEP, 4)
    exchange_at, exchange_kind, exchange_source, exchange_direction, exchange_summary = (
        exchange + [""] * (5 - len(exchange))
    )
    return playbook.ContactFacts(
        name=name,
        tie=Tie(tie) if tie in Tie._value2member_map_ else Tie.UNSORTED,
        cadence_override=cadence,
        added_at=parse_datetime(added) or dt.datetime.min,
        touch_count=count,
        first_touch_at=parse_datetime(first_at),
        first_touch_kind=_kind(first_kind),
        first_touch_summary=first_summary,
        last_touch_at=parse_datetime(last_at),
        reset_at=parse_datetime(reset),
        last_exchange_at=parse_datetime(exchange_at),
        last_exchange_kind=_kind(exchange_kind),
        last_exchange_summary=exchange_summary,
        last_exchange_source=exchange_source,
        last_exchange_outgoing=exchange_direction == Direction.OUTGOING.value,
    )


_SEP = "\x1f"
_EXCHANGE_KINDS = ",".join(f"'{k.value}'" for k in InteractionKind if k not in NOT_AN_EXCHANGE)
_FACTS_COLUMNS = (
    "c.id, c.display_name, c.tie, c.cadence_days, c.created_at, c.touch_count, "
    "c.first_touch_at, c.first_touch_kind, c.first_touch_summary, c.last_touch_at, "
    "c.rules_reset_at, "
    # The latest exchange (rule 2): one walk back along the index on (contact_id, at), for
    # contacts with a timeline (a fresh import of cards has none).
    "CASE WHEN c.touch_count > 0 THEN "
    "(SELECT i.at || char(31) || i.kind || char(31) || i.source || char(31) || i.direction "
    "|| char(31) || substr(i.summary, 1, 200) "
    f"FROM interaction i WHERE i.contact_id = c.id AND i.kind IN ({_EXCHANGE_KINDS}) "
    "ORDER BY i.at DESC, i.id DESC LIMIT 1) END"
)


def help_owed(contact_ids: Sequence[int] | None, now: dt.datetime) -> dict[int, list[str]]:
    """What each contact did that no thank-you has answered (core.gratitude decides, from
    the help within its window and the contact's thank-yous); contacts owed nothing are
    left out. None: every contact.
    """
    owed: dict[int, list[str]] = {}
    since = iso(gratitude.window_start(now))
    thank_you = InteractionKind.THANK_YOU.value
    batches: Iterable[Sequence[int] | None] = (
        [None] if contact_ids is None else chunks(list(dict.fromkeys(contact_ids)))
    )
    for chunk in batches:
        where, params = "", []
        if chunk is not None:
            where = f" AND i.contact_id IN ({','.join('?' * len(chunk))})"
            params = list(chunk)
        helped: dict[int, list[gratitude.Help]] = {}
        for cid, what, kind, at, logged in db.execute_sql(
            "SELECT i.contact_id, i.helped, i.kind, i.at, i.created_at FROM interaction i "
            f"WHERE i.helped != '' AND i.kind != ? AND i.at >= ?{where} "
            "ORDER BY i.contact_id, i.at, i.id",
            [thank_you, since, *params],
        ):
            helped.setdefault(cid, []).append(
                gratitude.Help(what, kind, _moment(at), _moment(logged))
            )
        if not helped:
            continue  # the usual case for most contacts: no help on record
        thanks: dict[int, list[gratitude.Thanks]] = {}
        for ids in chunks(list(helped)):
            for cid, at, logged in db.execute_sql(
                "SELECT contact_id, at, created_at FROM interaction WHERE kind = ? "
                f"AND contact_id IN ({','.join('?' * len(ids))})",
                [thank_you, *ids],
            ):
                thanks.setdefault(cid, []).append(gratitude.Thanks(_moment(at), _moment(logged)))
        for cid, items in helped.items():
            what_owed = gratitude.help_owed(items, thanks.get(cid, ()), now)
            if what_owed:
                owed[cid] = what_owed
    return owed


def _moment(value: Any) -> dt.datetime:
    return parse_datetime(value) or dt.datetime.min


@dataclass(frozen=True, slots=True)
class _SentenceContext:
    now: dt.datetime
    settings: playbook.PlaybookSettings
    search_active: bool

    def facts(self, contact_id: int) -> playbook.ContactFacts:
        row = db.execute_sql(
            f"SELECT {_FACTS_COLUMNS} FROM contact c WHERE c.id = ?", [contact_id]
        ).fetchone()
        return _facts_from_row(row)


@dataclass(slots=True, eq=False)
class DueFollowUp:
    """A follow-up as the panes, the tray and `netdesk due` show it.

    Its sentence is written when first read: a pane shows a few dozen of the thousands a
    large network can have due, so the rest never pay for theirs.
    """

    follow_up_id: int
    contact_id: int
    contact_name: str
    reason: FollowUpReason
    due_at: dt.datetime
    effective_at: dt.datetime
    state: FollowUpState
    notified_at: dt.datetime | None
    _note: str = ""
    _context: _SentenceContext | None = None
    _sentence: str | None = None
    # Which rule asked for it (the column of schema 7; derived from the reason when empty).
    rule: FollowUpRule = FollowUpRule.CADENCE
    # How many other open follow-ups the same person has in the list's window (`due_now`
    # shows a person once, with their soonest).
    also: int = 0

    @property
    def sentence(self) -> str:
        if self._sentence is None:
            if self.reason in RULE_REASONS and self._context is not None:
                context = self._context
                self._sentence = playbook.describe(
                    playbook.DueRule(self.reason, self.due_at),
                    context.facts(self.contact_id),
                    context.now,
                    context.settings,
                    search_active=context.search_active,
                )
            else:
                self._sentence = self._note or self.reason.label
        return self._sentence

    def is_due(self, now: dt.datetime) -> bool:
        return self.effective_at <= now

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DueFollowUp):
            return NotImplemented
        return (self.follow_up_id, self.state, self.effective_at) == (
            other.follow_up_id,
            other.state,
            other.effective_at,
        )

    __hash__ = None  # type: ignore[assignment]


_REASONS = {r.value: r for r in FollowUpReason}


_STATES = {s.value: s for s in FollowUpState}
_RULES = {r.value: r for r in FollowUpRule}


def _rule(value: str, reason: FollowUpReason) -> FollowUpRule:
    """The stored rule; a row from before schema 7 names only its reason."""
    rule = _RULES.get(value)
    if rule is not None:
        return rule
    if reason is FollowUpReason.THANK_YOU:
        return FollowUpRule.GRATITUDE
    if reason is FollowUpReason.REFERENCE_HEADS_UP:
        return FollowUpRule.REFERENCE_HEADS_UP
    return RULE_OF_REASON.get(reason, FollowUpRule.CADENCE)


class DueList(Sequence[DueFollowUp]):
    """Open follow-ups in the order they fall due, read from the store a page at a time.

    Finding them is one pass over an index (ids and due moments); a follow-up's row is
    read when someone looks at it. A large network can have tens of thousands due, of
    which a pane shows a few hundred and the tray five.
    """

    PAGE = 200

    def __init__(
        self,
        ids: list[int],
        moments: list[str],
        context: _SentenceContext,
        also: dict[int, int] | None = None,
    ) -> None:
        self._ids = ids
        self._moments = moments  # effective_at as stored: ISO text, sorted
        self._context = context
        self._also = also or {}  # follow-up id -> its person's other open follow-ups
        self._rows: dict[int, DueFollowUp] = {}

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> DueFollowUp: ...

    @overload
    def __getitem__(self, index: slice) -> list[DueFollowUp]: ...

    def __getitem__(self, index: int | slice) -> DueFollowUp | list[DueFollowUp]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._ids)))]
        if index < 0:
            index += len(self._ids)
        if not 0 <= index < len(self._ids):
            raise IndexError(index)
        fid = self._ids[index]
        if fid not in self._rows:
            start = index - index % self.PAGE
            self._load(self._ids[start : start + self.PAGE])
        return self._rows[fid]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<DueList of {len(self)} follow-ups>"

    def ids(self) -> list[int]:
        """The follow-up ids, in order, without reading any row."""
        return list(self._ids)

    def index_at(self, moment: dt.datetime) -> int:
        """How many of the follow-ups fall due before `moment` (they come first)."""
        return bisect.bisect_left(self._moments, iso(moment))

    def _load(self, ids: Sequence[int]) -> None:
        marks = ",".join("?" * len(ids))
        parse = dt.datetime.fromisoformat
        rows = db.execute_sql(
            "SELECT f.id, f.contact_id, c.display_name, f.reason, f.due_at, f.effective_at, "
            "f.state, f.notified_at, f.note, f.rule FROM follow_up f "
            f"JOIN contact c ON c.id = f.contact_id WHERE f.id IN ({marks})",
            list(ids),
        )
        for fid, cid, name, reason, due_at, effective_at, state, notified_at, note, rule in rows:
            due = parse(due_at)
            self._rows[fid] = DueFollowUp(
                fid,
                cid,
                name,
                _REASONS[reason],
                due,
                parse(effective_at) if effective_at != due_at else due,
                _STATES[state],
                parse(notified_at) if notified_at else None,
                note,
                self._context,
                rule=_rule(rule, _REASONS[reason]),
                also=self._also.get(fid, 0),
            )
        for fid in ids:
            if fid not in self._rows:
                # Gone since the list was made (its contact deleted): shown as set aside.
                moment = parse(self._moments[self._ids.index(fid)])
                self._rows[fid] = DueFollowUp(
                    fid,
                    0,
                    "",
                    FollowUpReason.CADENCE,
                    moment,
                    moment,
                    FollowUpState.DISMISSED,
                    None,
                    "",
                    self._context,
                )


def follow_ups(
    now: dt.datetime,
    *,
    horizon: dt.timedelta = dt.timedelta(0),
    contact_id: int | None = None,
    limit: int | None = None,
    unannounced: bool = False,
) -> DueList:
    """Open follow-ups due at `now` (or within `horizon` after it), soonest first.

    `unannounced` keeps those the user has not been notified of yet.
    """
    context = _SentenceContext(now, playbook_settings(), search_active())
    # The partial index of schema 3 gives them in order; archived contacts are left out.
    sql = (
        "SELECT f.id, f.effective_at FROM follow_up f INDEXED BY follow_up_open_effective_at "
        f"WHERE f.state IN {OPEN_SQL} AND f.effective_at <= ? "
        "AND f.contact_id NOT IN (SELECT id FROM contact WHERE archived = 1)"
    )
    params: list[Any] = [iso(now + horizon)]
    if contact_id is not None:
        sql += " AND f.contact_id = ?"
        params.append(contact_id)
    if unannounced:
        sql += " AND f.notified_at IS NULL"
    sql += " ORDER BY f.effective_at, f.id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    rows = db.execute_sql(sql, params).fetchall()
    return DueList([r[0] for r in rows], [r[1] for r in rows], context)


def next_due_moment(after: dt.datetime) -> dt.datetime | None:
    """The first moment after `after` when an open follow-up falls due: the scheduler's alarm."""
    row = db.execute_sql(
        "SELECT min(f.effective_at) FROM follow_up f JOIN contact c ON c.id = f.contact_id "
        f"WHERE f.state IN {OPEN_SQL} AND f.effective_at > ? AND c.archived = 0",
        [iso(after)],
    ).fetchone()
    return parse_datetime(row[0]) if row else None


# "Due now", the one definition every count and list of the app uses (the banner and
# notifications, the follow-ups pane's headings, the list's Due filter, the glance and the
# tray): a person, not archived, with an open follow-up whose moment has come. A person
# with two (a thank-you and a cadence) is one person to write to, so counts are of people.
_DUE_PEOPLE_SQL = (
    "SELECT f.id, f.effective_at, count(*) OVER (PARTITION BY f.contact_id) - 1 AS others, "
    "row_number() OVER (PARTITION BY f.contact_id ORDER BY f.effective_at, f.id) AS n "
    "FROM follow_up f INDEXED BY follow_up_open_effective_at "
    f"WHERE f.state IN {OPEN_SQL} AND f.effective_at <= ? "
    "AND f.contact_id NOT IN (SELECT id FROM contact WHERE archived = 1)"
)


def due_now(now: dt.datetime, *, horizon: dt.timedelta = dt.timedelta(0)) -> DueList:
    """Each person due at `now` (or within `horizon` after it) once, with their soonest open
    follow-up, soonest first; `DueFollowUp.also` says how many more they have in that window.

    `len(due_now(now))` is the app's one number of follow-ups due (`count_due`)."""
    context = _SentenceContext(now, playbook_settings(), search_active())
    rows = db.execute_sql(
        f"SELECT id, effective_at, others FROM ({_DUE_PEOPLE_SQL}) WHERE n = 1 "
        "ORDER BY effective_at, id",
        [iso(now + horizon)],
    ).fetchall()
    return DueList(
        [r[0] for r in rows], [r[1] for r in rows], context, {r[0]: r[2] for r in rows if r[2]}
    )


def count_due(now: dt.datetime) -> int:
    """How many people are due now: the number the whole app shows (see `due_now`)."""
    row = db.execute_sql(
        "SELECT count(DISTINCT f.contact_id) FROM follow_up f "
        "INDEXED BY follow_up_open_effective_at "
        f"WHERE f.state IN {OPEN_SQL} AND f.effective_at <= ? "
        "AND f.contact_id NOT IN (SELECT id FROM contact WHERE archived = 1)",
        [iso(now)],
    ).fetchone()
    return int(row[0])


def due_now_condition(now: dt.datetime) -> tuple[str, list[Any]]:
    """The SQL condition on a contact row `c` that says it is due now, with its parameters:
    the contact list's Due filter uses it, so it lists exactly the people `count_due` counts."""
    return (
        "c.id IN (SELECT f.contact_id FROM follow_up f INDEXED BY follow_up_open_effective_at "
        f"WHERE f.state IN {OPEN_SQL} AND f.effective_at <= ?)",
        [iso(now)],
    )
