"""The main window: contacts, the selected contact's card and timeline, and follow-ups side by
side; the message bar above them, the toolbar and the menus acting on them."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QProcess, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QVBoxLayout, QWidget

from netdesk import __version__
from netdesk.core.domain import Tie
from netdesk.services.clock import Clock
from netdesk.services.settings import Settings
from netdesk.services.signals import Hub
from netdesk.store.listing import ListOrder
from netdesk.ui.contacts_pane import ContactsPane
from netdesk.ui.models.contacts_model import FIRST_ROWS, PAGE, QuickFilter

# The rest of the window (menus, toolbar, the card, the timeline, the follow-ups, the
# action layer under them) is imported by `MainWindow.complete`: started by the app on a
# store whose first page was read before it opened, the window paints its contact list
# first and completes itself right after that paint.
if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
    from PySide6.QtWidgets import QMenu

    from netdesk.services.actions import Actions
    from netdesk.store.first_page import FirstPage
    from netdesk.ui.contact_card import ContactCard
    from netdesk.ui.message_bar import Message

DEMO_NOTICE = "Demo network — changes are thrown away"


@dataclass
class AppContext:
    """What every part of the window shares: the hub, the clock, the preferences, and the
    action layer every change goes through."""

    hub: Hub
    clock: Clock
    settings: Settings
    # Opened on the throwaway demo network (`netdesk --demo`): the window says so.
    demo: bool = False
    _actions: Actions | None = field(default=None, init=False, repr=False)

    @property
    def actions(self) -> Actions:
        """Every change the user makes goes through here (made from the hub and the clock,
        on first use: the window's first paint does not wait for it)."""
        if self._actions is None:
            from netdesk.services.actions import Actions

            self._actions = Actions(self.hub, self.clock)
        return self._actions


# The contact list's column behind each order of the store (`contacts_model._ORDER` turned
# round): the first page is read in the order the list will show.
_COLUMN_ORDERS = (
    ListOrder.NAME,
    ListOrder.COMPANY,
    ListOrder.TIE,
    ListOrder.LAST_CONTACT,
    ListOrder.NEXT_FOLLOW_UP,
)


def first_page_order(settings: Settings) -> tuple[ListOrder, bool]:
    """The order the contact list opens in (as `restore_layout` sets it): the store's order
    and whether it is descending."""
    column = settings.get_int("contacts/sort_column")
    if not 0 <= column < len(_COLUMN_ORDERS):
        return ListOrder.NAME, False
    descending = settings.get_int("contacts/sort_order") == Qt.SortOrder.DescendingOrder.value
    return _COLUMN_ORDERS[column], descending


# Rows read before the first paint: what a tall screen shows (the view asks for more later).
FIRST_PAGE_ROWS = 2 * PAGE
FIRST_PAGE_IDS = FIRST_ROWS + 1  # one more than the list reads first: is there more?


class _HoldInput(QObject):
    """Between the first paint and `complete`, clicks and keys wait for nothing: they are
    dropped, so that no one acts on a window still being built."""

    HELD = frozenset(
        {
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseButtonDblClick,
            QEvent.Type.KeyPress,
            QEvent.Type.KeyRelease,
            QEvent.Type.ShortcutOverride,
            QEvent.Type.Shortcut,
            QEvent.Type.Wheel,
            QEvent.Type.ContextMenu,
            QEvent.Type.Drop,
            QEvent.Type.DragEnter,
        }
    )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        return event.type() in self.HELD


def demo_command() -> tuple[str, list[str]]:
    """How to start another NetDesk on the demo network (frozen or from Python)."""
    if getattr(sys, "frozen", False):
        return sys.executable, ["--demo"]
    return sys.executable, ["-m", "netdesk", "--demo"]


class MainWindow(QMainWindow):
    firstPainted = Signal()

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        first_page: FirstPage | None = None,
    ) -> None:
        """The whole window, its list read from the store; or, given the `first_page` read
        before the store opened, the contact list alone until `complete` builds the rest
        (app.run calls it right after the first paint)."""
        super().__init__(parent)
        self.context = context
        self.hub = context.hub
        self.clock = context.clock
        self.settings = context.settings
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"NetDesk — {DEMO_NOTICE}" if context.demo else "NetDesk")
        self.setAcceptDrops(True)
        # Set by the tray: what closing the window means. None: closing quits the app.
        self.close_policy: Callable[[QCloseEvent], None] | None = None
        self._painted = False
        self._deferred_loaded = False
        self._deferred_wanted = False
        self._complete = False
        self._from_first_page = first_page is not None
        self._held: _HoldInput | None = None

        central = QWidget()
        self._outer = outer = QVBoxLayout(central)
        outer.setContentsMargins(6, 6, 6, 6)
        self._banner_follow_up = 0
        self._write_contact = 0
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.contacts = ContactsPane(self.hub, self.clock.now)
        self.splitter.addWidget(self.contacts)
        # The card is made after the first paint (`load_deferred`), like the timeline's
        # rows: the window shows sooner. Until then its room is empty.
        self.card: ContactCard | None = None
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.statusBar()
        self.actions: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        if first_page is None:
            self.complete()
            return
        # The room the other panes will take, so that the list keeps its place; and the room
        # the menus and the toolbar took last time, so that the list does not move down when
        # they come.
        for _ in range(2):
            self.splitter.addWidget(QWidget())
        self._restore_geometry()
        outer.setContentsMargins(6, 6 + max(self.settings.get_int("window/top_room"), 0), 6, 6)
        self.contacts.load_read(first_page.ids, first_page.total, first_page.rows)

    def complete(self) -> None:
        """The rest of the window: the message bar, the card's room and the timeline, the
        follow-ups, the menus and the toolbar, and the action layer under them."""
        from PySide6.QtWidgets import QFrame, QScrollArea

        if self._complete:
            return
        from netdesk.ui.followups_pane import FollowUpsPane
        from netdesk.ui.message_bar import Kind, MessageBar
        from netdesk.ui.timeline_pane import TimelinePane

        context = self.context
        self.user_actions = context.actions
        if context.actions.parent() is None:
            # The history lives as long as the window that shows it.
            context.actions.setParent(self)
        self.undo_stack = context.actions.undo_stack
        # Notices take their place in the layout, above the panes (the search header, added
        # by the workflows, goes above them).
        self.message_bar = MessageBar()
        self._outer.insertWidget(0, self.message_bar)
        self.timeline = TimelinePane(self.hub, self.clock.now, context.actions)
        self.middle = QWidget()
        self.middle.setObjectName("contactPane")
        middle = QVBoxLayout(self.middle)
        middle.setContentsMargins(0, 0, 0, 0)
        # The card scrolls inside its room rather than squeezing its lines on a low screen.
        self.card_area = QScrollArea()
        self.card_area.setObjectName("contactCardArea")
        self.card_area.setWidgetResizable(True)
        self.card_area.setFrameShape(QFrame.Shape.NoFrame)
        self.card_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.card_area.setFixedHeight(0)
        middle.addWidget(self.card_area)
        middle.addWidget(self.timeline, 1)
        # One width whatever the card and timeline show, so the splitter keeps its sizes
        # (the card is narrower than the timeline's row of buttons).
        self.middle.setMinimumWidth(
            self.timeline.minimumSizeHint().width()
            + self.card_area.verticalScrollBar().sizeHint().width()
        )
        self.middle.installEventFilter(self)
        self.follow_ups = FollowUpsPane(self.hub, self.clock.now, context.actions)
        for index, pane in ((1, self.middle), (2, self.follow_ups)):
            if index < self.splitter.count():
                room = self.splitter.replaceWidget(index, pane)
                if room is not None:
                    room.deleteLater()
            else:
                self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 3)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._outer.setContentsMargins(6, 6, 6, 6)  # the room kept for them at the first paint
        self._connect()
        self._set_tab_order()
        if self._from_first_page:  # the list and its place were restored before the paint
            self._restore_state()
            self._restore_splitter()
        else:
            self.restore_layout()
            self.contacts.load()
        self._complete = True
        self._selection_changed(self.contacts.selected_ids())
        if context.demo:
            self.message_bar.channel("demo").show_message(
                f"{DEMO_NOTICE}. It is a generated network in a throwaway folder; your own "
                "network is not touched.",
                kind=Kind.WARNING,
            )
        if self._held is not None:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self._held)
            self._held = None
        self.contacts.view.setUpdatesEnabled(True)
        if self._deferred_wanted:
            self.load_deferred()

    # --- actions and menus -----------------------------------------------------------------

    def _action(
        self,
        key: str,
        text: str,
        shortcut: QKeySequence | None = None,
        slot: Callable[[], object] | None = None,
        tip: str = "",
        icon_name: str = "",
    ) -> QAction:
        from PySide6.QtGui import QAction

        from netdesk.ui.icons import icon

        action = QAction(text, self)
        action.setObjectName(f"action_{key}")
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(shortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if slot is not None:
            action.triggered.connect(lambda _=False: slot())
        self.actions[key] = action
        return action

    def _build_actions(self) -> None:
        from PySide6.QtGui import QAction, QKeySequence

        from netdesk.ui.icons import icon

        std = QKeySequence.StandardKey
        self._action(
            "import",
            "&Import…",
            QKeySequence(std.Open),
            tip="Import a vCard or CSV file",
            icon_name="document-import",
        )
        self._action(
            "export",
            "&Export…",
            QKeySequence("Ctrl+Shift+E"),
            tip="Export your network as vCard or CSV",
            icon_name="document-export",
        )
        self._action(
            "import_mail",
            "Import &mail history…",
            QKeySequence("Ctrl+Shift+M"),
            tip="Date your emails with your contacts from a mailbox on this computer (read only)",
        )
        undo_import = self._action(
            "undo_import",
            "&Undo import",
            QKeySequence("Ctrl+Alt+Z"),
            tip="Undo the last import",
            icon_name="edit-undo",
        )
        undo_import.setEnabled(False)
        prefs = QKeySequence(std.Preferences)
        self._action(
            "preferences",
            "&Preferences…",
            prefs if not prefs.isEmpty() else QKeySequence("Ctrl+,"),
            self.open_preferences,
            icon_name="preferences",
        )
        quit_keys = QKeySequence(std.Quit)  # empty on some platforms: Ctrl+Q there
        quit_action = self._action(
            "quit",
            "&Quit",
            quit_keys if not quit_keys.isEmpty() else QKeySequence("Ctrl+Q"),
            self._quit,
            icon_name="application-exit",
        )
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence(std.Undo))
        undo.setIcon(icon("edit-undo"))
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence(std.Redo))
        redo.setIcon(icon("edit-redo"))
        self.actions["undo"], self.actions["redo"] = undo, redo
        self._action(
            "find",
            "&Find…",
            QKeySequence(std.Find),
            self.focus_search,
            "Search names, companies, emails, notes and tags",
            "edit-find",
        )

        self._action(
            "new_contact",
            "&New contact…",
            QKeySequence(std.New),
            self.new_contact,
            "Add a contact",
            "contact-new",
        )
        self._action(
            "edit_contact",
            "&Edit contact…",
            QKeySequence("Ctrl+E"),
            self.edit_contact,
            "Edit the selected contact",
            "document-edit",
        )
        self._action(
            "log_interaction",
            "&Log interaction…",
            QKeySequence("Ctrl+L"),
            self.log_interaction,
            "Log what happened with the selected contact",
            "log-interaction",
        )
        self.tie_actions: dict[Tie, QAction] = {}
        for number, tie in enumerate(Tie, start=1):
            action = QAction(tie.label, self)
            action.setObjectName(f"action_tie_{tie.value}")
            action.setShortcut(QKeySequence(f"Ctrl+Alt+{number}"))
            action.triggered.connect(lambda _=False, t=tie: self.set_tie(t))
            self.tie_actions[tie] = action
        self._action("add_tag", "Add &tag…", QKeySequence("Ctrl+T"), self.add_tag, icon_name="tag")
        self._action(
            "archive", "&Archive", QKeySequence("Ctrl+Shift+A"), self.archive, icon_name="archive"
        )
        delete = self._action(
            "delete",
            "&Delete",
            QKeySequence(std.Delete),
            self.delete_contacts,
            icon_name="edit-delete",
        )
        # Delete acts on the list only: the timeline and follow-ups have their own.
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.contacts.view.addAction(delete)
        self._action(
            "find_duplicates",
            "Find &duplicates…",
            QKeySequence("Ctrl+Shift+D"),
            slot=self.find_duplicates,
            tip="Contacts that may be one person, side by side to merge",
        )
        help_keys = QKeySequence(std.HelpContents)
        self._action(
            "about",
            "&About NetDesk",
            help_keys if not help_keys.isEmpty() else QKeySequence("F1"),
            self.about,
        )
        about = self.actions["about"]
        about.setMenuRole(QAction.MenuRole.AboutRole)
        self.actions["recent_activity"] = self._action(
            "recent_activity",
            "&Recent activity",
            QKeySequence("Ctrl+0"),
            self.show_recent,
            "What happened lately across your network",
            "view-history",
        )

    def _build_menus(self) -> None:
        from PySide6.QtGui import QAction, QKeySequence

        bar = self.menuBar()
        a = self.actions
        file_menu = bar.addMenu("&File")
        file_menu.addActions([a["import"], a["import_mail"], a["export"], a["undo_import"]])
        file_menu.addSeparator()
        file_menu.addAction(a["preferences"])
        file_menu.addSeparator()
        file_menu.addAction(a["quit"])
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([a["undo"], a["redo"]])
        edit_menu.addSeparator()
        edit_menu.addAction(a["find"])
        contact_menu = bar.addMenu("&Contact")
        contact_menu.addActions([a["new_contact"], a["edit_contact"], a["log_interaction"]])
        self.tie_menu = contact_menu.addMenu("Set &tie")
        self.tie_menu.setObjectName("tieMenu")
        self.tie_menu.addActions(list(self.tie_actions.values()))
        contact_menu.addActions([a["add_tag"], a["archive"]])
        contact_menu.addSeparator()
        contact_menu.addAction(a["delete"])
        contact_menu.addSeparator()
        contact_menu.addAction(a["find_duplicates"])
        view_menu = bar.addMenu("&View")
        view_menu.addAction(a["recent_activity"])
        view_menu.addSeparator()
        for index, (name, label) in enumerate(QuickFilter.LABELS.items(), start=1):
            action = QAction(f"Show {label.lower()}", self)
            action.setShortcut(QKeySequence(f"Alt+{index}"))
            action.triggered.connect(lambda _=False, n=name: self.contacts.set_quick_filter(n))
            view_menu.addAction(action)
        self.toolbar_action = view_menu.addAction("Show &toolbar")
        self.toolbar_action.setCheckable(True)
        self.toolbar_action.setChecked(True)
        self.toolbar_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(a["about"])
        self.menus = {
            "file": file_menu,
            "edit": edit_menu,
            "contact": contact_menu,
            "view": view_menu,
            "help": help_menu,
        }
        # The list's context menu: the same actions as the Contact menu.
        view = self.contacts.view
        for key in ("edit_contact", "log_interaction"):
            view.addAction(a[key])
        view.insertAction(a["delete"], self.tie_menu.menuAction())
        view.insertAction(a["delete"], a["add_tag"])
        view.insertAction(a["delete"], a["archive"])

    def _build_toolbar(self) -> None:
        """The main actions, with their icons and words (Playbook opens its menu)."""
        from PySide6.QtWidgets import QToolBar, QToolButton

        from netdesk.ui.icons import icon

        self.toolbar = QToolBar("Main toolbar", self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        a = self.actions
        self.toolbar.addActions([a["new_contact"], a["import"], a["log_interaction"]])
        self.toolbar.addSeparator()
        self.toolbar.addAction(a["find"])
        self.playbook_button = QToolButton()
        self.playbook_button.setObjectName("playbookButton")
        self.playbook_button.setText("Playbook")
        self.playbook_button.setIcon(icon("playbook"))
        self.playbook_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.playbook_button.setToolTip("The playbook: sort, status updates, thanks, references")
        self.playbook_button.setAccessibleName("Playbook")
        self.playbook_button.clicked.connect(self.show_playbook_menu)
        self.toolbar.addWidget(self.playbook_button)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.toolbar_action.toggled.connect(self.toolbar.setVisible)

    def show_playbook_menu(self) -> None:
        """The Playbook menu under the toolbar's button (the workflows add the menu)."""
        menu = self.menus.get("playbook")
        if menu is None:
            self.playbook_button.setEnabled(False)
            return
        from PySide6.QtCore import QPoint

        button = self.playbook_button
        menu.popup(button.mapToGlobal(QPoint(0, button.height())))

    def _set_tab_order(self) -> None:
        """Focus follows the layout: search, filters, list, the card, timeline, follow-ups."""
        chain: list[QWidget] = [
            self.contacts.search_field,
            *self.contacts.filter_buttons.values(),
            self.contacts.view,
            self.timeline.view,
            self.timeline.log_button,
            self.timeline.edit_button,
            self.timeline.delete_button,
            self.follow_ups.view,
            self.follow_ups.done_button,
            self.follow_ups.snooze_button,
            self.follow_ups.write_button,
            self.follow_ups.dismiss_button,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _connect(self) -> None:
        from netdesk.ui.message_bar import Kind

        self.contacts.selectionChanged.connect(self._selection_changed)
        self.contacts.currentContactChanged.connect(self._current_changed)
        self.contacts.contactActivated.connect(lambda cid: self.edit_contact(cid))
        self.contacts.empty_state.addContactClicked.connect(self.new_contact)
        self.contacts.empty_state.importClicked.connect(self.actions["import"].trigger)
        self.contacts.empty_state.demoClicked.connect(self.launch_demo)
        self.follow_ups.contactActivated.connect(self.contacts.select_contact)
        self.follow_ups.writeRequested.connect(self.write_to)
        self.timeline.contactActivated.connect(self.contacts.select_contact)
        self.hub.followUpRequested.connect(lambda _id: self.bring_to_front())
        self.hub.contactRequested.connect(self._contact_requested)
        self.hub.showWindowRequested.connect(self.bring_to_front)
        self.hub.bannerRequested.connect(self.show_banner)
        self.undo_stack.indexChanged.connect(self._show_undo_hint)
        self.user_actions.historyLost.connect(
            lambda text: self.message_bar.channel("history").show_message(text, kind=Kind.WARNING)
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.middle and event.type() == QEvent.Type.Resize:
            self._size_card_area()
        return False

    def _size_card_area(self) -> None:
        """The card takes the height it needs, up to half the pane (then it scrolls); the
        timeline has the rest."""
        area = self.card_area
        if self.card is None:
            return
        # Measured at the width left beside a scroll bar: showing one must not need another.
        width = area.width() - area.verticalScrollBar().sizeHint().width() - 2 * area.frameWidth()
        layout = self.card.layout()
        if layout is not None:
            self.card.form.invalidate()
            layout.invalidate()
        needed = layout.totalHeightForWidth(width) if layout is not None else -1
        wanted = max(needed, self.card.minimumHeight()) + 2 * area.frameWidth()
        area.setFixedHeight(min(wanted, max(self.middle.height() // 2, 120)))

    # --- start-up --------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            if not self._complete:
                # Painted before `complete`: nobody acts on the window until it is whole, and
                # the list shows only the rows read before the store opened (a resize in
                # between waits to repaint with the rest).
                app = QApplication.instance()
                if app is not None:
                    self._held = _HoldInput(self)
                    app.installEventFilter(self._held)
                QTimer.singleShot(0, self._hold_list)
            # What can wait (follow-ups, recent activity) loads after the window is up.
            QTimer.singleShot(0, self.load_deferred)
            self.firstPainted.emit()
        return super().event(event)

    def _hold_list(self) -> None:
        if not self._complete:
            self.contacts.view.setUpdatesEnabled(False)

    @property
    def is_complete(self) -> bool:
        """Whether `complete` has built the whole window (always, unless it was started from
        a first page read before the store opened and its first paint is just done)."""
        return self._complete

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._painted:
            # Offscreen and some compositors never paint a hidden-then-shown window at once.
            QTimer.singleShot(50, self.load_deferred)

    def load_deferred(self) -> None:
        if not self._complete:
            self._deferred_wanted = True  # `complete` loads it
            return
        if self._deferred_loaded:
            return
        self._deferred_loaded = True
        self._build_card()
        self.contacts.load_rest()
        self.follow_ups.reload()
        self.timeline.show_contact(self.contacts.current_id())

    def _build_card(self) -> None:
        """The contact card in its room above the timeline, following the selection."""
        from netdesk.ui.contact_card import ContactCard

        card = ContactCard(self.hub, self.clock.now)
        self.card = card
        self.card_area.setWidget(card)
        card.editRequested.connect(self.edit_contact)
        card.heightNeeded.connect(lambda _h: self._size_card_area())
        QWidget.setTabOrder(self.contacts.view, card.edit_button)
        QWidget.setTabOrder(card.edit_button, self.timeline.view)
        card.show_selection(self.contacts.selected_ids())
        self._size_card_area()

    # --- layout persistence ----------------------------------------------------------------

    def restore_layout(self) -> None:
        self._restore_geometry()
        self._restore_state()

    def _restore_state(self) -> None:
        """The toolbar's place (once it is built)."""
        state = self.settings.get_bytes("window/state")
        if not state.isEmpty():
            self.restoreState(state)

    def _restore_splitter(self) -> None:
        sizes = self.settings.get_int_list("window/splitter")
        if len(sizes) == self.splitter.count() and all(v > 0 for v in sizes):
            self.splitter.setSizes(sizes)
        else:
            self.splitter.setSizes([590, 380, 310])

    def _restore_geometry(self) -> None:
        """The window's size and place, the panes' widths, the list's columns and order."""
        s = self.settings
        geometry = s.get_bytes("window/geometry")
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        self._restore_splitter()
        header = self.contacts.view.horizontalHeader()
        for column, width in enumerate(s.get_int_list("contacts/column_widths")):
            if column < header.count() and width > 0:
                header.resizeSection(column, width)
        column = s.get_int("contacts/sort_column")
        order = Qt.SortOrder(s.get_int("contacts/sort_order"))
        if 0 <= column < header.count():
            header.setSortIndicator(column, order)

    def save_layout(self) -> None:
        s = self.settings
        s.set_value("window/geometry", self.saveGeometry())
        if self._complete:  # the toolbar's place: kept as it was until the toolbar is built
            s.set_value("window/state", self.saveState())
            s.set_value("window/top_room", self.centralWidget().y())
        s.set_int_list("window/splitter", self.splitter.sizes())
        header = self.contacts.view.horizontalHeader()
        s.set_int_list(
            "contacts/column_widths", [header.sectionSize(i) for i in range(header.count())]
        )
        s.set_value("contacts/sort_column", header.sortIndicatorSection())
        s.set_value("contacts/sort_order", header.sortIndicatorOrder().value)
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        if self.close_policy is not None:
            self.close_policy(event)
            return
        event.accept()
        app = QApplication.instance()
        if app is not None:
            QTimer.singleShot(0, app.quit)

    def _quit(self) -> None:
        self.save_layout()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    # --- drops: netdesk.ui.import_flow.install_import puts its drop target on the window
    # and over the contact list (it sniffs the files and says why it refuses a drag).

    # --- selection -------------------------------------------------------------------------

    def selected_contact_ids(self) -> list[int]:
        """The contacts selected in the list (what File > Export offers as "selected")."""
        return self.contacts.selected_ids()

    def _selection_changed(self, ids: list[int]) -> None:
        some, one = bool(ids), len(ids) == 1
        for key in ("add_tag", "archive", "delete"):
            self.actions[key].setEnabled(some)
        for action in self.tie_actions.values():
            action.setEnabled(some)
        self.tie_menu.setEnabled(some)
        self.actions["edit_contact"].setEnabled(one)
        self.actions["log_interaction"].setEnabled(one)
        # The card and the timeline follow the selection: nobody (or several) chosen shows
        # the card's empty state and the network's recent activity.
        if self.card is not None:
            self.card.show_selection(ids)
        self._current_changed(ids[0] if one else 0)
        if len(ids) > 1:
            self.statusBar().showMessage(f"{len(ids)} contacts selected")

    def _current_changed(self, contact_id: int) -> None:
        if len(self.contacts.selected_ids()) != 1:
            contact_id = 0
        if self.card is not None and contact_id and contact_id != self.card.contact_id:
            self.card.show_contact(contact_id)
        if self._deferred_loaded and contact_id != self.timeline.contact_id:
            self.timeline.show_contact(contact_id)

    def _contact_requested(self, contact_id: int) -> None:
        self.bring_to_front()
        self.contacts.select_contact(contact_id)

    @property
    def banner(self) -> Message:
        """The message bar's line for reminders shown in the window (made on first use)."""
        if "banner" not in self.message_bar.channels():
            self.message_bar.channel("banner").actionTriggered.connect(self._banner_activated)
        return self.message_bar.channel("banner")

    @property
    def write_notice(self) -> Message:
        """The line that says Write… found no address to write to."""
        if "writeNotice" not in self.message_bar.channels():
            line = self.message_bar.channel("writeNotice")
            line.actionTriggered.connect(lambda: self.edit_contact(self._write_contact))
        return self.message_bar.channel("writeNotice")

    def show_banner(self, text: str, follow_up_id: int = 0) -> None:
        """A reminder (or any word from the app) in the message bar; Open shows the
        follow-up it is about. It stays until closed: a reminder is never silent."""
        self._banner_follow_up = follow_up_id
        self.banner.show_message(text, "Open" if follow_up_id else "")

    def _banner_activated(self) -> None:
        if self._banner_follow_up:
            self.hub.followUpRequested.emit(self._banner_follow_up)

    def bring_to_front(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def focus_search(self) -> None:
        self.contacts.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.contacts.search_field.selectAll()

    def show_recent(self) -> None:
        self.contacts.view.clearSelection()
        self.timeline.show_contact(0)

    def _show_undo_hint(self, *_: object) -> None:
        import shiboken6

        if not shiboken6.isValid(self.undo_stack):
            return  # the stack clears itself as it goes, when the window closes for good
        text = self.undo_stack.undoText()
        if text and self.undo_stack.canUndo():
            self.statusBar().showMessage(f"{text} — Undo with {self._undo_keys()}", 8000)

    def _undo_keys(self) -> str:
        from PySide6.QtGui import QKeySequence

        return self.actions["undo"].shortcut().toString(QKeySequence.SequenceFormat.NativeText)

    # --- contact actions -------------------------------------------------------------------

    def new_contact(self) -> None:
        from netdesk.ui.dialogs.contact_editor import ContactEditor

        editor = ContactEditor(self.clock.now(), self.user_actions, self)
        if editor.exec() == ContactEditor.DialogCode.Accepted and editor.saved_id:
            self.contacts.select_contact(editor.saved_id)

    def edit_contact(self, contact_id: int = 0) -> None:
        from netdesk.ui.dialogs.contact_editor import ContactEditor

        contact_id = contact_id or self.contacts.current_id()
        if not contact_id:
            return
        editor = ContactEditor(self.clock.now(), self.user_actions, self, contact_id=contact_id)
        editor.exec()

    def log_interaction(self) -> None:
        contact_id = self.contacts.current_id()
        if contact_id:
            self.timeline.log_interaction(contact_id)

    def write_to(self, workflow: str, contact_id: int, follow_up_id: int) -> None:
        """Write… on a follow-up: its workflow's composer, else a message to the contact in
        the mail program."""
        workflows = getattr(self, "workflows", None)
        if workflow and workflows is not None:
            getattr(workflows, workflow)()
            return
        if workflows is not None:
            workflows.write_note(contact_id)  # a signed draft from the follow-up template
            return
        from netdesk.core.templates import mailto_url
        from netdesk.store import reader

        emails = reader.contact_emails(contact_id)
        name = reader.contact_name(contact_id) or ""
        if not emails:
            self._write_contact = contact_id
            self.write_notice.show_message(
                f"There is no email address for {name}: add one with Edit contact.",
                "Edit…",
                timeout_ms=15000,
            )
            return
        url = mailto_url(emails[0], "", "")
        mail = getattr(workflows, "mail", None)
        if mail is not None:
            mail.open_mail(url)
        else:
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(QUrl.fromEncoded(url.encode("ascii")))

    def set_tie(self, tie: Tie) -> None:
        ids = self.contacts.selected_ids()
        if ids:
            self.user_actions.set_tie(ids, tie)

    def add_tag(self, tag: str | None = None) -> None:
        from PySide6.QtWidgets import QInputDialog

        ids = self.contacts.selected_ids()
        if not ids:
            return
        if tag is None:
            tag, ok = QInputDialog.getText(
                self, "Add tag", f"Tag to add to {len(ids)} contact{'s' if len(ids) > 1 else ''}:"
            )
            if not ok:
                return
        if tag.strip():
            self.user_actions.add_tag(ids, tag)

    def archive(self) -> None:
        ids = self.contacts.selected_ids()
        if ids:
            self.user_actions.set_archived(ids, True)
            self.statusBar().showMessage(
                f"Archived {len(ids)} contact{'s' if len(ids) > 1 else ''}", 8000
            )

    def delete_contacts(self) -> None:
        ids = self.contacts.selected_ids()
        if ids:
            self.user_actions.delete_contacts(ids)

    def find_duplicates(self) -> None:
        """Contact > Find duplicates…: likely pairs across the network, to merge or keep."""
        from netdesk.ui.dialogs.find_duplicates import open_find_duplicates

        open_find_duplicates(self.user_actions, self)

    # --- the rest --------------------------------------------------------------------------

    def open_preferences(self) -> None:
        from netdesk.ui.dialogs.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self.user_actions, self)
        dialog.exec()

    def launch_demo(self) -> bool:
        from PySide6.QtWidgets import QMessageBox

        program, arguments = demo_command()
        ok, _pid = QProcess.startDetached(program, arguments)
        if not ok:
            QMessageBox.warning(self, "NetDesk", "The demo network could not be started.")
        return bool(ok)

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setWindowTitle("About NetDesk")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            f"NetDesk {__version__}\n\nKeeps your job-search network on your own machine and "
            "tells you who to write to, and why. It never uses the network."
        )
        box.exec()


def build_main_window(context: AppContext, first_page: FirstPage | None = None) -> MainWindow:
    """The window as app.run builds it (tests build it the same way on their own store);
    from a `first_page`, the contact list alone until `complete`."""
    return MainWindow(context, first_page=first_page)
