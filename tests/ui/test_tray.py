"""The tray: badge, tooltip, menu actions, and what closing the window does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import peewee as pw
import pytest
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import QWidget

from netdesk.core.domain import FollowUpReason, FollowUpState
from netdesk.services.actions import Actions
from netdesk.services.clock import FixedClock
from netdesk.services.scheduler import LAST_DIGEST_KEY, Scheduler
from netdesk.services.settings import NO_TRAY_DONT_ASK, Settings
from netdesk.services.signals import Hub
from netdesk.store import reader, writer
from netdesk.ui.close_policy import close_policy
from netdesk.ui.tray import Tray, tooltip_text
from netdesk.ui.tray_icon import BADGE_COLOR, badge_pixmap, badge_text, base_icon


class UserClose(QCloseEvent):
    """A close from the title bar's button (the window system's, so spontaneous)."""

    def spontaneous(self) -> bool:
        return True


class Rig:
    def __init__(self, tmp_path: Path, now: dt.datetime) -> None:
        self.hub = Hub()
        self.clock = FixedClock(now)
        self.settings = Settings(tmp_path / "settings.ini")
        self.settings.set_value(LAST_DIGEST_KEY, now.isoformat())
        self.scheduler = Scheduler(self.hub, self.clock, self.settings)
        self.quits: list[bool] = []
        self.actions = Actions(self.hub, self.clock)
        self.tray = Tray(
            self.hub,
            self.clock,
            self.settings,
            self.scheduler,
            lambda: self.quits.append(True),
            actions=self.actions,
        )

    def follow_up(self, name: str, due_at: dt.datetime) -> int:
        contact = writer.create_contact({"display_name": name}, self.clock.now())
        fu = writer.create_follow_up(
            contact.id, FollowUpReason.THANK_YOU, due_at, "Say thanks", self.clock.now()
        )
        return int(fu.id)


@pytest.fixture
def rig(qapp: object, tmp_path: Path, now: dt.datetime, store: pw.SqliteDatabase) -> Rig:
    r = Rig(tmp_path, now)
    yield r
    r.scheduler.stop()


def _badge_pixels(size: int, count: int) -> int:
    image = badge_pixmap(base_icon(), count, size).toImage()
    red = 0
    for x in range(size // 2, size):
        for y in range(size // 2, size):
            c = QColor(image.pixel(x, y))
            if abs(c.red() - BADGE_COLOR.red()) < 30 and c.green() < 110 and c.blue() < 60:
                red += 1
    return red


@pytest.mark.parametrize("size", [16, 22])
def test_badge_is_drawn_only_with_something_due(qapp: object, size: int) -> None:
    assert _badge_pixels(size, 0) == 0
    # The badge covers a good part of the lower-right quarter, digits and all.
    assert _badge_pixels(size, 3) > (size // 2) ** 2 // 4


def test_badge_text_fits_the_size() -> None:
    assert badge_text(7, 16) == "7"
    assert badge_text(12, 16) == "9+"
    assert badge_text(12, 22) == "12"
    assert badge_text(250, 32) == "99+"


def test_tooltip_in_words(now: dt.datetime) -> None:
    assert tooltip_text(0) == "NetDesk: nothing due"
    assert tooltip_text(1) == "NetDesk: 1 follow-up due"
    assert tooltip_text(3) == "NetDesk: 3 follow-ups due"
    paused = dt.datetime.combine(now.date(), dt.time(14, 30))
    text = tooltip_text(2, paused, now.date())
    assert text == "NetDesk: 2 follow-ups due (notifications paused until 14:30)"
    later = tooltip_text(1, paused + dt.timedelta(days=7), now.date())
    assert later == "NetDesk: 1 follow-up due (notifications paused until 14:30 on Thu 03 Dec)"


def test_count_menu_and_opening_a_follow_up(rig: Rig, qtbot: object, now: dt.datetime) -> None:
    fid = rig.follow_up("Dana & Co", now - dt.timedelta(hours=1))
    rig.follow_up("Later", now + dt.timedelta(days=3))
    rig.scheduler.start()
    assert rig.tray.count == 1
    assert rig.tray.icon.toolTip() == "NetDesk: 1 follow-up due"
    [action] = rig.tray.follow_up_actions
    assert action.text() == "Dana && Co — Say thank you"  # '&' shown, not a shortcut
    with (
        qtbot.waitSignal(rig.hub.showWindowRequested),
        qtbot.waitSignal(rig.hub.followUpRequested) as opened,
    ):
        action.trigger()
    assert opened.args == [fid]
    texts = [a.text() for a in rig.tray.menu.actions() if not a.isSeparator()]
    assert texts[0] == "&Open NetDesk"
    assert texts[-1] == "&Quit"
    rig.tray.quit_action.trigger()
    assert rig.quits == [True]


def test_snooze_all_until_tomorrow(rig: Rig, qtbot: object, now: dt.datetime) -> None:
    for name in ("Ann", "Ben"):
        rig.follow_up(name, now - dt.timedelta(hours=2))
    rig.scheduler.start()
    assert rig.tray.count == 2
    with qtbot.waitSignal(rig.scheduler.countChanged, timeout=2000) as changed:
        rig.tray.snooze_all_action.trigger()
    assert changed.args == [0]
    rows = reader.follow_ups(now, horizon=dt.timedelta(days=2))
    assert {r.state for r in rows} == {FollowUpState.SNOOZED}
    assert {r.effective_at for r in rows} == {dt.datetime(2026, 11, 27, 9, 0)}


def test_pause_is_stored_and_can_be_resumed(rig: Rig, now: dt.datetime) -> None:
    rig.scheduler.start()
    assert not rig.tray.pause_actions["resume"].isVisible()
    rig.tray.pause_actions["week"].trigger()
    assert rig.scheduler.paused_until() == now + dt.timedelta(days=7)
    assert (
        rig.settings.value("notifications/paused_until") == (now + dt.timedelta(days=7)).isoformat()
    )
    assert "paused until" in rig.tray.icon.toolTip()
    assert rig.tray.pause_actions["resume"].isVisible()
    rig.tray.pause_actions["resume"].trigger()
    assert rig.scheduler.paused_until() is None


def test_closing_with_a_tray_hides_and_tells_once(
    rig: Rig, qtbot: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(rig.tray.icon, "showMessage", lambda title, *a: told.append(title))
    rig.tray.available = True
    window = QWidget()
    qtbot.addWidget(window)
    policy = close_policy(window, rig.tray, rig.settings, ask=lambda w: pytest.fail("asked"))
    for _ in range(2):
        window.show()
        event = UserClose()
        policy(event)
        assert not event.isAccepted() and not window.isVisible()
    assert told == ["NetDesk is still running"]
    assert rig.quits == []


def test_closing_without_a_tray_asks_once_when_told_not_to_ask_again(
    rig: Rig, qtbot: object
) -> None:
    asked: list[bool] = []

    def ask(_window: QWidget) -> tuple[bool, bool]:
        asked.append(True)
        return True, True  # keep running; don't ask again

    rig.tray.available = False
    window = QWidget()
    qtbot.addWidget(window)
    policy = close_policy(window, rig.tray, rig.settings, ask=ask)
    for _ in range(2):
        window.show()
        event = UserClose()
        policy(event)
        assert not event.isAccepted() and not window.isVisible()
    assert asked == [True]
    assert rig.quits == []


def test_closing_without_a_tray_can_quit(rig: Rig, qtbot: object) -> None:
    rig.tray.available = False
    window = QWidget()
    qtbot.addWidget(window)
    policy = close_policy(window, rig.tray, rig.settings, ask=lambda w: (False, False))
    event = UserClose()
    policy(event)
    assert event.isAccepted()
    assert rig.quits == [True]
    assert rig.settings.get(NO_TRAY_DONT_ASK) is False


@pytest.mark.parametrize("available", [True, False])
def test_quit_closes_the_window_for_real(rig: Rig, qtbot: object, available: bool) -> None:
    """Qt 6's quit() closes windows first: a refused close would cancel it."""
    rig.tray.available = available
    window = QWidget()
    qtbot.addWidget(window)
    policy = close_policy(window, rig.tray, rig.settings, ask=lambda w: pytest.fail("asked"))
    event = QCloseEvent()  # sent by Qt, not by the user
    policy(event)
    assert event.isAccepted()
