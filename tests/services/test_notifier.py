"""The notifier chain: wording, one summary for many, answers to clicks and buttons, fallback."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import peewee as pw
import pytest
from PySide6.QtCore import Qt

from netdesk.core.domain import FollowUpReason, FollowUpState, InteractionKind
from netdesk.services import notifier as nt
from netdesk.services.actions import Actions
from netdesk.services.clock import FixedClock
from netdesk.services.settings import Settings
from netdesk.services.signals import Hub
from netdesk.store import reader, writer
from netdesk.store.models import FollowUp


class Recorder(nt.NotifierBackend):
    """Shows at once, or (held) only when `release` says the notices reached the screen."""

    name = "recorder"

    def __init__(self, sink: nt.NoticeSink, *, fail: bool = False, hold: bool = False) -> None:
        super().__init__(sink)
        self.fail = fail
        self.hold = hold
        self.notices: list[nt.Notice] = []
        self.withdrawn: list[int] = []

    def show(self, notice: nt.Notice) -> None:
        if self.fail:
            self.sink.backend_failed(self, notice)
            return
        self.notices.append(notice)
        if not self.hold:
            self.sink.notice_shown(notice)

    def release(self) -> None:
        for notice in self.notices:
            self.sink.notice_shown(notice)

    def withdraw(self, follow_up_ids: Sequence[int]) -> None:
        self.withdrawn.extend(follow_up_ids)


def _unavailable(sink: nt.NoticeSink) -> nt.NotifierBackend:
    raise nt.NotifierUnavailable("not here")


class Rig:
    def __init__(self, tmp_path: Path, now: dt.datetime, *backends: nt.BackendFactory) -> None:
        self.hub = Hub()
        self.clock = FixedClock(now)
        self.settings = Settings(tmp_path / "settings.ini")
        self.actions = Actions(self.hub, self.clock)
        self.notifier = nt.Notifier(
            self.hub, self.clock, self.settings, list(backends), actions=self.actions
        )

    def due(self, *names: str, reason: FollowUpReason = FollowUpReason.THANK_YOU) -> list:
        for name in names:
            contact = writer.create_contact({"display_name": name}, self.clock.now())
            writer.create_follow_up(
                contact.id, reason, self.clock.now(), f"Thank {name}", self.clock.now()
            )
        return reader.follow_ups(self.clock.now())


@pytest.fixture
def rig(qapp: object, tmp_path: Path, now: dt.datetime, store: pw.SqliteDatabase) -> Rig:
    return Rig(tmp_path, now, _unavailable, Recorder)


def test_pick_skips_what_is_unavailable(rig: Rig) -> None:
    assert isinstance(rig.notifier.backend, Recorder)
    with pytest.raises(nt.NotifierUnavailable):
        nt.pick([_unavailable], rig.notifier)


def _notified(follow_up_id: int) -> dt.datetime | None:
    return FollowUp.get_by_id(follow_up_id).notified_at


def test_one_follow_up_in_the_short_form(rig: Rig) -> None:
    """Who, the rule's few words, and when it fell due."""
    [f] = rig.due("Dana <b>Lee</b>")
    rig.notifier.announce([f])
    [notice] = rig.notifier.backend.notices
    assert notice.title == "Dana <b>Lee</b>"
    assert notice.body == "Say thank you, due today at 09:00"
    assert notice.follow_up_id == f.follow_up_id and notice.offer_actions
    assert notice.announces == (f.follow_up_id,)
    later = nt.notice_for(f, rig.clock.now() + dt.timedelta(days=3))
    assert later.body == "Say thank you, due 3 days ago"


def test_a_summary_counts_people_as_the_window_does(rig: Rig) -> None:
    # Ann has two follow-ups open: the pane shows her once, and so does the summary's count.
    rig.due("Ann", "Ben", "Cleo", "Dov")
    ann = reader.follow_ups(rig.clock.now())[0].contact_id
    now = rig.clock.now()
    writer.create_follow_up(ann, FollowUpReason.REFERENCE_HEADS_UP, now, "Heads-up", now)
    due = reader.follow_ups(now)
    assert len(due) == 5
    rig.notifier.announce(due)
    [summary] = rig.notifier.backend.notices
    assert (summary.title, summary.body) == ("4 follow-ups are due", "Ann, Ben, Cleo and 1 more")
    assert summary.announces == tuple(due.ids())  # every one of them is announced


def test_several_make_one_summary_and_a_digest(rig: Rig) -> None:
    due = rig.due("Ann", "Ben", "Cleo", "Dov", "Eve")
    rig.notifier.announce(due)
    rig.notifier.announce_digest(due, due.ids())
    summary, digest = rig.notifier.backend.notices
    assert (summary.title, summary.body) == ("5 follow-ups are due", "Ann, Ben, Cleo and 2 more")
    assert summary.follow_up_id == 0 and not summary.offer_actions
    assert summary.announces == tuple(due.ids())
    assert digest.title == "Today: 5 follow-ups are due"
    assert digest.body.splitlines() == [
        "Ann: Say thank you",
        "Ben: Say thank you",
        "Cleo: Say thank you",
        "and 2 more in NetDesk",
    ]


def test_a_notice_is_announced_only_once_it_is_seen(
    qapp: object, tmp_path: Path, now: dt.datetime, store: pw.SqliteDatabase
) -> None:
    rig = Rig(tmp_path, now, lambda sink: Recorder(sink, hold=True))
    due = rig.due("Ann", "Ben")
    shown: list[str] = []
    rig.notifier.shown.connect(lambda title, body, fid: shown.append(title))
    rig.notifier.announce(due)
    assert [_notified(f.follow_up_id) for f in due] == [None, None]
    assert shown == []
    rig.notifier.backend.release()
    assert [_notified(f.follow_up_id) for f in due] == [now, now]
    assert shown == ["2 follow-ups are due"]


def test_two_follow_ups_of_one_person_make_one_notice(rig: Rig) -> None:
    [f] = rig.due("Dana")
    writer.create_follow_up(f.contact_id, FollowUpReason.REFERENCE_HEADS_UP, rig.clock.now(),
                            "Tell Dana about the call", rig.clock.now())
    both = reader.follow_ups(rig.clock.now())
    rig.notifier.announce(both)
    [notice] = rig.notifier.backend.notices
    assert notice.title == "Dana" and notice.announces == tuple(both.ids())


def test_sorting_a_contact_offers_no_done(rig: Rig) -> None:
    [f] = rig.due("Sam", reason=FollowUpReason.SORT)
    assert not nt.notice_for(f, rig.clock.now()).offer_actions


def test_click_opens_the_follow_up(rig: Rig, qtbot: object) -> None:
    with (
        qtbot.waitSignal(rig.hub.showWindowRequested),
        qtbot.waitSignal(rig.hub.followUpRequested) as opened,
    ):
        rig.notifier.notice_activated(7)
    assert opened.args == [7]


def test_snooze_button_snoozes_until_tomorrow_morning(rig: Rig, qtbot: object) -> None:
    [f] = rig.due("Dana")
    rig.settings.set_value("digest_time", "08:15")
    with qtbot.waitSignal(rig.hub.followUpsChanged):
        rig.notifier.notice_action(f.follow_up_id, nt.SNOOZE)
    [after] = reader.follow_ups(rig.clock.now(), horizon=dt.timedelta(days=2))
    assert after.state == FollowUpState.SNOOZED
    assert after.effective_at == dt.datetime(2026, 11, 27, 8, 15)
    assert after.notified_at is None  # so it is announced again then


def test_done_button_logs_the_thank_you(rig: Rig, qtbot: object) -> None:
    [f] = rig.due("Dana")
    with qtbot.waitSignal(rig.hub.timelineChanged) as changed:
        rig.notifier.notice_action(f.follow_up_id, nt.DONE)
    assert changed.args == [f.contact_id]
    assert reader.follow_ups(rig.clock.now()) == []
    [entry] = reader.timeline(f.contact_id)
    assert entry.kind == InteractionKind.THANK_YOU


def test_done_twice_logs_once_and_done_then_snooze_stays_done(rig: Rig) -> None:
    [f] = rig.due("Dana")
    rig.notifier.notice_action(f.follow_up_id, nt.DONE)
    rig.notifier.notice_action(f.follow_up_id, nt.DONE)
    assert len(reader.timeline(f.contact_id)) == 1
    rig.notifier.notice_action(f.follow_up_id, nt.SNOOZE)
    fu = FollowUp.get_by_id(f.follow_up_id)
    assert (fu.state, fu.snoozed_until) == (FollowUpState.DONE.value, None)
    assert reader.follow_ups(rig.clock.now(), horizon=dt.timedelta(days=3)) == []
    # Set aside in the window meanwhile: a Done from the notice does nothing either.
    [g] = [x for x in rig.due("Eli") if x.contact_name == "Eli"]
    rig.actions.dismiss_follow_up(g.follow_up_id)
    rig.notifier.notice_action(g.follow_up_id, nt.DONE)
    assert reader.timeline(g.contact_id) == []


def test_a_follow_up_settled_elsewhere_takes_its_notice_down(rig: Rig) -> None:
    [f] = rig.due("Dana")
    rig.notifier.announce([f])
    rig.actions.complete_follow_up(f.follow_up_id, kind=InteractionKind.THANK_YOU)
    assert rig.notifier.backend.withdrawn == [f.follow_up_id]


def test_a_failing_backend_hands_over_to_the_next(
    qapp: object, tmp_path: Path, now: dt.datetime, store: pw.SqliteDatabase
) -> None:
    rig = Rig(tmp_path, now, lambda sink: Recorder(sink, fail=True), Recorder)
    first = rig.notifier.backend
    rig.notifier.show(nt.Notice("Hello", "there"))
    assert rig.notifier.backend is not first
    assert [n.title for n in rig.notifier.backend.notices] == ["Hello"]


def test_the_reminder_window_is_the_last_resort(
    qapp: object, qtbot: object, tmp_path: Path, now: dt.datetime, store: pw.SqliteDatabase
) -> None:
    from netdesk.ui.reminder_window import ReminderWindowBackend

    rig = Rig(tmp_path, now, _unavailable, ReminderWindowBackend)
    window = rig.notifier.backend.window
    [f] = rig.due("Dana")
    rig.notifier.announce([f])
    assert _notified(f.follow_up_id) is None  # not painted yet
    qtbot.waitUntil(lambda: _notified(f.follow_up_id) is not None, timeout=5000)
    assert window.isVisible() and window.objectName() == "reminderWindow"
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    [row] = window.rows
    assert set(row.buttons) == {nt.OPEN, nt.DONE, nt.SNOOZE}
    row.buttons[nt.DONE].click()
    assert window.rows == [] and not window.isVisible()
    assert [e.kind for e in reader.timeline(f.contact_id)] == [InteractionKind.THANK_YOU]


def test_a_reminder_window_deleted_by_qt_is_made_again(
    qapp: object, qtbot: object, tmp_path: Path, now: dt.datetime, store: pw.SqliteDatabase
) -> None:
    # The application may delete top-level windows (closing them all) while the notifier
    # lives on: the next reminder must still reach the screen, not raise.
    import shiboken6

    from netdesk.ui.reminder_window import ReminderWindowBackend

    rig = Rig(tmp_path, now, _unavailable, ReminderWindowBackend)
    backend = rig.notifier.backend
    shiboken6.delete(backend.window)
    [f] = rig.due("Dana")
    rig.notifier.announce([f])
    qtbot.waitUntil(lambda: _notified(f.follow_up_id) is not None, timeout=5000)
    assert backend.window is not None and backend.window.isVisible()
    assert [r.notice.follow_up_id for r in backend.window.rows] == [f.follow_up_id]
    backend.withdraw([f.follow_up_id])
    backend.close()
    backend.withdraw([f.follow_up_id])  # after close: nothing to do, nothing raised


def test_freedesktop_needs_a_session_bus(qapp: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    with pytest.raises(nt.NotifierUnavailable):
        nt.FreedesktopBackend(Recorder(None))  # type: ignore[arg-type]


@pytest.mark.desktop
@pytest.mark.skipif(
    not (os.environ.get("NETDESK_TEST_DESKTOP") == "1" and shutil.which("dunstctl")),
    reason="needs the notification server of .ci/run's desktop (NETDESK_TEST_DESKTOP=1)",
)
def test_freedesktop_against_dunst(qapp: object, qtbot: object) -> None:
    class Sink:
        def __init__(self) -> None:
            self.events: list[tuple[str, int]] = []

        def notice_shown(self, notice: nt.Notice) -> None:
            self.events.append(("shown", notice.follow_up_id))

        def notice_activated(self, fid: int) -> None:
            self.events.append(("open", fid))

        def notice_action(self, fid: int, action: str) -> None:
            self.events.append((action, fid))

        def backend_failed(self, backend: object, notice: nt.Notice) -> None:
            self.events.append(("failed", notice.follow_up_id))

    import subprocess

    sink = Sink()
    subprocess.run(["dunstctl", "close-all"], check=True)  # ours is then the one to click
    backend = nt.FreedesktopBackend(sink)
    try:
        assert backend.supports_actions  # dunst lists "actions"
        backend.show(nt.Notice("Follow up with <i>Dana</i>", "Say thanks & more", 42, True))
        qtbot.waitUntil(lambda: bool(backend.shown_ids), timeout=5000)
        assert sink.events == [("shown", 42)]  # the server took it: on screen
        subprocess.run(["dunstctl", "action", "0"], check=True)
        qtbot.waitUntil(lambda: len(sink.events) == 2, timeout=5000)
        assert sink.events == [("shown", 42), ("open", 42)]
        assert nt.OPEN_BUTTON not in backend.actions_for(nt.Notice("1", "", 42, True))
        summary = backend.actions_for(nt.Notice("2 follow-ups are due", "Ann, Ben"))
        assert summary[summary.index(nt.OPEN_BUTTON) + 1] == "Open"
    finally:
        backend.close()


class FakeMessageArea:
    """A tray that shows messages (or not), as the tray backends see it."""

    def __init__(self, *, shows: bool) -> None:
        self.shows = shows
        self.messages: list[tuple[str, str, int]] = []
        self.clicked: list[Callable[[], None]] = []

    def shows_messages(self) -> bool:
        return self.shows

    def show_message(self, title: str, body: str, timeout_ms: int) -> None:
        self.messages.append((title, body, timeout_ms))

    def on_message_clicked(self, callback: Callable[[], None]) -> None:
        self.clicked.append(callback)


def test_the_tray_message_backend_shows_through_the_tray_and_opens_the_last_notice(
    rig: Rig, qtbot: object
) -> None:
    area = FakeMessageArea(shows=True)
    backend = nt.TrayMessageBackend(rig.notifier, area)
    backend.show(nt.Notice("Follow up with Ann", "Say thanks", follow_up_id=7))
    assert area.messages == [("Follow up with Ann", "Say thanks", 15_000)]
    [click] = area.clicked
    with qtbot.waitSignal(rig.hub.followUpRequested) as opened:
        click()
    assert opened.args == [7]
    with pytest.raises(nt.NotifierUnavailable):
        nt.TrayMessageBackend(rig.notifier, FakeMessageArea(shows=False))


def test_the_native_centre_is_for_macos_and_windows(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nt.sys, "platform", "linux")
    with pytest.raises(nt.NotifierUnavailable):
        nt.NativeCentreBackend(rig.notifier, FakeMessageArea(shows=True))
    monkeypatch.setattr(nt.sys, "platform", "darwin")
    assert nt.NativeCentreBackend(rig.notifier, FakeMessageArea(shows=True)).name
