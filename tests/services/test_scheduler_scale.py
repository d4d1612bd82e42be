"""The scheduler with hundreds due: it asks the store for the unannounced ones and reads only
the rows its notices name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import peewee as pw
import pytest

from netdesk.core.domain import FollowUpReason
from netdesk.services import scheduler as sched
from netdesk.services.clock import FixedClock
from netdesk.services.scheduler import Scheduler
from netdesk.services.settings import Settings
from netdesk.services.signals import Hub
from netdesk.store import reader, writer
from netdesk.store.models import FollowUp

DUE = 450  # more than two of the DueList's pages


@pytest.fixture
def many_due(store: pw.SqliteDatabase, now: dt.datetime) -> list[int]:
    ids = []
    for i in range(DUE):
        contact = writer.create_contact({"display_name": f"Person {i:03}"}, now)
        fu = writer.create_follow_up(
            contact.id, FollowUpReason.THANK_YOU, now - dt.timedelta(days=1), "Thank", now
        )
        ids.append(int(fu.id))
    return ids


@pytest.fixture
def rows_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    read: list[int] = []
    real = reader.DueList._load

    def counting(self: reader.DueList, ids: list[int]) -> None:
        read.extend(ids)
        real(self, ids)

    monkeypatch.setattr(reader.DueList, "_load", counting)
    return read


def _scheduler(tmp_path: Path, now: dt.datetime, *, digest_given: bool) -> Scheduler:
    settings = Settings(tmp_path / "settings.ini")
    if digest_given:
        settings.set_value(sched.LAST_DIGEST_KEY, now.isoformat())
    return Scheduler(Hub(), FixedClock(now), settings)


def test_only_the_unannounced_are_read_and_announced(
    qapp: object, tmp_path: Path, now: dt.datetime, many_due: list[int], rows_read: list[int]
) -> None:
    fresh = many_due[-2:]
    FollowUp.update(notified_at=now).where(FollowUp.id.not_in(fresh)).execute()
    scheduler = _scheduler(tmp_path, now, digest_given=True)
    announced: list[list[int]] = []
    scheduler.due.connect(lambda fs: announced.append([f.follow_up_id for f in fs]))
    scheduler.start()
    scheduler.stop()
    assert announced == [fresh]
    assert scheduler.count == DUE
    assert sorted(rows_read) == fresh  # not the 448 announced before


def test_the_digest_reads_only_the_names_it_shows(
    qapp: object, tmp_path: Path, now: dt.datetime, many_due: list[int], rows_read: list[int]
) -> None:
    scheduler = _scheduler(tmp_path, now, digest_given=False)
    digests: list[tuple[int, list[str], int]] = []
    scheduler.digestDue.connect(
        lambda fs, ids: digests.append((len(fs), [f.contact_name for f in fs[:3]], len(ids)))
    )
    scheduler.start()
    scheduler.stop()
    assert digests == [(DUE, ["Person 000", "Person 001", "Person 002"], DUE)]
    assert len(rows_read) <= reader.DueList.PAGE  # one page, not all 450
    # Written down as announced only by the notifier, once its digest is on screen.
    assert FollowUp.select().where(FollowUp.notified_at.is_null()).count() == DUE
