"""The notifier chain: wording, one summary for many, answers to clicks and buttons, fallback."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import peewee as pw
import pytest

from netdesk.core.domain import FollowUpReason, FollowUpState, InteractionKind
from netdesk.services import notifier as nt
from netdesk.services.actions import Actions
from netdesk.services.clock import FixedClock
from netdesk.services.settings import Settings
from netdesk.services.signals import Hub
from netdesk.store import reader, writer


class Recorder(nt.NotifierBackend):
    name = "recorder"

    def __init__(self, sink: nt.NoticeSink, *, fail: bool = False) -> None:
        super().__init__(sink)
        self.fail = fail
        self.notices: list[nt.Notice] = []

    def show(self, notice: nt.Notice) -> None:
        if self.fail:
            self.sink.backend_failed(self, notice)
            return
        self.notices.append(notice)


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


def test_one_follow_up_is_named_with_its_reason(rig: Rig) -> None:
    [f] = rig.due("Dana <b>Lee</b>")
    rig.notifier.announce([f])
    [notice] = rig.notifier.backend.notices
    assert notice.title == "Follow up with Dana <b>Lee</b>"
    assert notice.body == "Thank Dana <b>Lee</b>"
    assert notice.follow_up_id == f.follow_up_id and notice.offer_actions


def test_several_make_one_summary_and_a_digest(rig: Rig) -> None:
    due = rig.due("Ann", "Ben", "Cleo", "Dov", "Eve")
    rig.notifier.announce(due)
    rig.notifier.announce_digest(due)
    summary, digest = rig.notifier.backend.notices
    assert (summary.title, summary.body) == ("5 follow-ups are due", "Ann, Ben, Cleo and 2 more")
    assert summary.follow_up_id == 0 and not summary.offer_actions
    assert digest.title == "Today: 5 follow-ups are due"
    assert digest.body.splitlines() == [
        "Ann — Thank Ann",
        "Ben — Thank Ben",
        "Cleo — Thank Cleo",
        "and 2 more in NetDesk",
    ]


def test_sorting_a_contact_offers_no_done(rig: Rig) -> None:
    [f] = rig.due("Sam", reason=FollowUpReason.SORT)
    assert not nt.notice_for(f).offer_actions


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


def test_a_failing_backend_hands_over_to_the_next(
    qapp: object, tmp_path: Path, now: dt.datetime, store: pw.SqliteDatabase
) -> None:
    rig = Rig(tmp_path, now, lambda sink: Recorder(sink, fail=True), Recorder)
    first = rig.notifier.backend
    rig.notifier.show(nt.Notice("Hello", "there"))
    assert rig.notifier.backend is not first
    assert [n.title for n in rig.notifier.backend.notices] == ["Hello"]


def test_banner_is_the_last_resort(rig: Rig, qtbot: object) -> None:
    banner = nt.BannerBackend(rig.notifier, rig.hub)
    with qtbot.waitSignal(rig.hub.bannerRequested) as shown:
        banner.show(nt.Notice("Follow up with Dana", "It has been a month", 4))
    assert shown.args == ["Follow up with Dana: It has been a month", 4]


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
        subprocess.run(["dunstctl", "action", "0"], check=True)
        qtbot.waitUntil(lambda: bool(sink.events), timeout=5000)
        assert sink.events == [("open", 42)]
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
