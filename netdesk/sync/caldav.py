"""Follow-ups pushed to a CalDAV calendar of a sync account, and brought back when they were
completed on another device.

Each open follow-up is one item on the calendar (core.calendar's to-do or all-day event,
with the options the user chose: what it may say, its form, its alarm), at an href made
from its stable UID. A push compares the open follow-ups with the items: a new one is
written with If-None-Match: *, one changed here (the outbox, kept by triggers) with
If-Match on its ETag, unless what it would say is what was pushed (a digest); one no
longer open is completed (a to-do that was done) or deleted (set aside, dropped, or an
event). Where an item goes is committed before it is sent, so a push stopped at any point
finds it there (a 412) and sends no second one.

A pull reads what changed on the calendar since the last sync token: a to-do of NetDesk's
completed there marks its follow-up done here, with a note that says so and nothing
logged; an item deleted there is left off the calendar, and the follow-up stays open here.
Items that are not NetDesk's are never read or touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netdesk.core.calendar import (
    PRODUCT_ID,
    CalendarFollowUp,
    CalendarForm,
    CalendarOptions,
    follow_up_component,
    follow_up_uid,
    shown_on,
)
from netdesk.core.domain import FollowUpState
from netdesk.store import reader, writer
from netdesk.store.reader.calendar_sync import SyncCalendar, SyncEvent
from netdesk.store.reader.sync import SyncAccount
from netdesk.sync import dav
from netdesk.sync.http import Client, Response, SyncError

if TYPE_CHECKING:
    import icalendar

    from netdesk.sync.engine import Report

CALDAV = "urn:ietf:params:xml:ns:caldav"
DAV = dav.DAV
# The calendar NetDesk offers to make when the user has none to give it.
DEFAULT_CALENDAR = "NetDesk follow-ups"
# What a follow-up completed on the phone says about itself here.
COMPLETED_ELSEWHERE = "Completed on another device."


@dataclass(frozen=True, slots=True)
class Calendar:
    href: str  # a path on the server, ending in "/"
    name: str
    components: tuple[str, ...]  # VTODO, VEVENT...; empty when the server does not say

    def takes(self, form: CalendarForm) -> bool:
        wanted = "VTODO" if form is CalendarForm.TODO else "VEVENT"
        return not self.components or wanted in self.components


# --- discovery and creation ------------------------------------------------------------------


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _propfind(client: Client, url: str, props: str, depth: str) -> Response:
    return dav._propfind(client, url, props, depth, CALDAV)


# The multistatus is read as contacts' sync reads it (dav): one parser, one walk.
_multistatus = dav._parse


def _props(root: ET.Element) -> Iterator[tuple[str, ET.Element]]:
    """(href, prop) of each successful propstat of a multistatus."""
    for href, status, prop in dav._responses(root):
        if status == 200:
            yield href, prop


def _href_of(client: Client, url: str, name: str, ns: str) -> str | None:
    """The href inside property `name` of `url`, or None when the server has none."""
    prefix = "c" if ns == CALDAV else "d"
    response = _propfind(client, url, f"<{prefix}:{name}/>", "0")
    if response.status in (401, 403):
        raise SyncError("the server refused the user name or password")
    if response.status != 207:
        return None
    for _href, prop in _props(_multistatus(response)):
        found = prop.find(f"{_q(ns, name)}/{_q(DAV, 'href')}")
        if found is not None and found.text:
            return found.text.strip()
    return None


def calendar_home(client: Client, url: str) -> str | None:
    """Where the account's calendars live: the principal's calendar-home-set, found from a
    bare host (via /.well-known/caldav), a principal or a calendar home."""
    path = urllib.parse.urlsplit(client.url(url)).path or "/"
    starts = [path] if path not in ("", "/") else []
    starts += ["/.well-known/caldav", "/"]
    for start in starts:
        principal = _href_of(client, start, "current-user-principal", DAV)
        home = _href_of(client, principal or start, "calendar-home-set", CALDAV)
        if home:
            return dav.normalize_href(home if home.endswith("/") else home + "/")
    return None


def find_calendars(client: Client, url: str) -> list[Calendar]:
    """The calendars of the account at `url` (none when the server keeps none)."""
    home = calendar_home(client, url)
    if home is None:
        return []
    response = _propfind(
        client,
        home,
        "<d:resourcetype/><d:displayname/><c:supported-calendar-component-set/>",
        "1",
    )
    if response.status != 207:
        return []
    found: dict[str, Calendar] = {}
    for href, prop in _props(_multistatus(response)):
        kinds = prop.find(_q(DAV, "resourcetype"))
        if kinds is None or kinds.find(_q(CALDAV, "calendar")) is None:
            continue
        path = dav.normalize_href(href)
        path = path if path.endswith("/") else path + "/"
        name = (prop.findtext(_q(DAV, "displayname")) or "").strip()
        last = urllib.parse.unquote(path.rstrip("/")).rsplit("/", 1)[-1]
        comps = prop.find(_q(CALDAV, "supported-calendar-component-set"))
        names = (
            tuple(c.get("name", "").upper() for c in comps.findall(_q(CALDAV, "comp")))
            if comps is not None
            else ()
        )
        found[path] = Calendar(path, name or last, names)
    return sorted(found.values(), key=lambda c: c.href)


def make_calendar(client: Client, url: str, name: str = DEFAULT_CALENDAR) -> Calendar:
    """A new calendar called `name` in the account's calendar home (MKCALENDAR), for to-dos
    and events alike."""
    name = name.strip() or DEFAULT_CALENDAR
    home = calendar_home(client, url)
    if home is None:
        raise SyncError(f"the server at {client.origin} keeps no calendars for this account")
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "netdesk"
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<c:mkcalendar xmlns:d="DAV:" xmlns:c="{CALDAV}"><d:set><d:prop>'
        f"<d:displayname>{dav._escape(name)}</d:displayname>"
        '<c:supported-calendar-component-set><c:comp name="VTODO"/><c:comp name="VEVENT"/>'
        "</c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>"
    )
    status = 0
    for attempt in range(1, 20):
        href = dav.normalize_href(f"{home}{slug}{'' if attempt == 1 else f'-{attempt}'}/")
        response = client.request(
            "MKCALENDAR", href, body=body, headers={"Content-Type": "application/xml"}
        )
        status = response.status
        if status in (200, 201):
            return Calendar(href, name, ("VTODO", "VEVENT"))
        if status not in (405, 409):  # anything but "already there": no use trying on
            break
    if status in (401, 403):
        raise SyncError(f"the server does not allow NetDesk to make the calendar {name!r}")
    raise SyncError(f"the server did not make the calendar {name!r} (it answered {status})")


def choose_calendar(calendars: Sequence[Calendar], name: str) -> Calendar | None:
    """The calendar called `name` (its display name or the last part of its path, any case)."""
    key = name.strip().strip("/").casefold()
    for calendar in calendars:
        if calendar.name.casefold() == key:
            return calendar
    for calendar in calendars:
        if calendar.href.rstrip("/").rsplit("/", 1)[-1].casefold() == key:
            return calendar
    return None


def calendar_named(client: Client, url: str, name: str) -> tuple[Calendar, bool]:
    """The calendar called `name`, made when there is none; True when it was made."""
    found = choose_calendar(find_calendars(client, url), name)
    if found is not None:
        return found, False
    return make_calendar(client, url, name), True


# --- items -------------------------------------------------------------------------------------


# A calendar's items are read and written as an address book's cards are (dav): an href,
# an ETag and the text, in the iCalendar format.
ICALENDAR = dav.Format(
    "calendar-multiget",
    CALDAV,
    "calendar-data",
    "text/calendar",
    "item",
    ".ics",
    "calendar item",
    "calendar items",
)
Item = dav.Card


def item_href(calendar: str, uid: str) -> str:
    return dav.card_href(calendar, uid, ICALENDAR)


def fetch_items(client: Client, calendar: str, hrefs: Sequence[str]) -> Iterator[Item]:
    """The items at `hrefs`, read with calendar-multiget in batches; those gone are left out."""
    return dav.fetch(client, calendar, hrefs, ICALENDAR)


def get_item(client: Client, href: str) -> Item | None:
    return dav.get(client, href, ICALENDAR)


def put_item(client: Client, href: str, text: str, *, etag: str | None) -> str:
    """Write an item: If-Match on `etag`, else If-None-Match: * (a creation). Returns its
    new ETag, or "" when the server gave none (or a weak one)."""
    return dav.put(client, href, text, etag=etag, kind=ICALENDAR)


def _digest(component: icalendar.Component) -> str:
    """What an item says, without its time stamp: equal digests need no second PUT."""
    stamp = component.pop("dtstamp", None)
    try:
        return hashlib.sha256(bytes(component.to_ical())).hexdigest()[:32]
    finally:
        if stamp is not None:
            component["dtstamp"] = stamp


def _calendar_text(component: icalendar.Todo | icalendar.Event) -> str:
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add_component(component)
    return bytes(calendar.to_ical()).decode("utf-8")


def _own_component(text: str, uid: str) -> icalendar.Component | None:
    """The to-do or event with this UID in an item's text."""
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError:
        return None
    for component in calendar.walk():
        if component.name in ("VTODO", "VEVENT") and str(component.get("uid", "")) == uid:
            return component
    return None


def completed_at(component: icalendar.Component, now: dt.datetime) -> dt.datetime | None:
    """When a to-do was completed (COMPLETED, else now), or None while it is not."""
    status = str(component.get("status", "")).upper()
    percent = component.get("percent-complete")
    done = status == "COMPLETED" or component.get("completed") is not None
    if percent is not None:
        with contextlib.suppress(ValueError):
            done = done or int(str(percent)) >= 100
    if not done or status == "CANCELLED":
        return None
    value = component.get("completed")
    moment = getattr(value, "dt", None)
    if not isinstance(moment, dt.datetime):
        return now
    if moment.tzinfo is not None and now.tzinfo is None:
        moment = moment.astimezone().replace(tzinfo=None)
    elif moment.tzinfo is None and now.tzinfo is not None:
        moment = moment.replace(tzinfo=now.tzinfo)
    return min(moment, now)


# --- the push and pull of one calendar ---------------------------------------------------------


class CalendarPush:
    """Keeps one calendar in step with the open follow-ups."""

    def __init__(
        self,
        client: Client,
        calendar: SyncCalendar,
        options: CalendarOptions,
        store: str,
        now: dt.datetime,
        report: Report,
    ) -> None:
        self.client = client
        self.calendar = calendar
        self.options = options
        self.store = store
        self.now = now
        self.report = report

    # --- pull ----------------------------------------------------------------------------------

    def pull(self) -> None:
        calendar = self.calendar
        mine = {e.href: e for e in reader.calendar_events(calendar.calendar_id).values()}
        try:
            changed = dav.changes_since(self.client, calendar.href, calendar.token)
        except dav.TokenRefused:
            changed = dav.list_etags(self.client, calendar.href)
        except SyncError:
            if not calendar.token:
                raise
            changed = dav.list_etags(self.client, calendar.href)
        gone = set(mine) - set(changed.etags) if changed.full else changed.gone & set(mine)
        # Only NetDesk's own items are read, and only when they changed there.
        wanted = [
            href
            for href, etag in changed.etags.items()
            if href in mine and mine[href].etag and etag != mine[href].etag
        ]
        completed: dict[int, dt.datetime] = {}
        moved: list[tuple[SyncEvent, str]] = []
        for item in fetch_items(self.client, calendar.href, wanted):
            event = mine.get(item.href)
            if event is None:
                continue
            component = _own_component(item.text, event.uid)
            when = completed_at(component, self.now) if component is not None else None
            if when is not None and not event.closed:
                completed[event.follow_up_id] = when
            moved.append((event, item.etag))
        if completed:
            states = reader.follow_up_states(list(completed))
            still_open = {
                fid: when
                for fid, when in completed.items()
                if states.get(fid) in (FollowUpState.DUE.value, FollowUpState.SNOOZED.value)
            }
            touched = writer.complete_elsewhere(still_open, COMPLETED_ELSEWHERE, self.now)
            self.report.done_here += len(still_open)
            self.report.follow_ups.update(touched)
        with writer.quiet_sync(self.now):
            for event, etag in moved:
                writer.link_event(
                    calendar.calendar_id,
                    event.href,
                    event.follow_up_id,
                    uid=event.uid,
                    etag=etag,
                    digest=event.digest,
                    shown_on=event.shown_on,
                    closed=event.closed or event.follow_up_id in completed,
                )
            for href in sorted(gone):
                event = mine[href]
                if event.closed or not event.etag:
                    writer.drop_event(calendar.calendar_id, href)
                else:
                    # Deleted there: left off that calendar; the follow-up stays here.
                    writer.link_event(
                        calendar.calendar_id,
                        href,
                        event.follow_up_id,
                        uid=event.uid,
                        etag="",
                        digest="",
                        shown_on=event.shown_on,
                        removed=True,
                    )
            if changed.token and changed.token != calendar.token:
                writer.set_calendar_token(calendar.calendar_id, changed.token)

    # --- push ----------------------------------------------------------------------------------

    def push(self, outbox: dict[int, int]) -> None:
        calendar_id = self.calendar.calendar_id
        events = reader.calendar_events(calendar_id)
        due = reader.pushable_follow_ups(self.now)
        ids = due.ids()
        position = {fid: index for index, fid in enumerate(ids)}
        # What is no longer open: completed (a to-do that was done) or taken off.
        closing = [e for fid, e in events.items() if fid not in position and not e.closed]
        states = reader.follow_up_states([e.follow_up_id for e in closing])
        for event in closing:
            if event.removed or (not event.etag and not self._there(event)):
                with writer.quiet_sync(self.now):
                    writer.drop_event(calendar_id, event.href)
                continue
            done = states.get(event.follow_up_id) == FollowUpState.DONE.value
            if done and self.options.form is CalendarForm.TODO:
                self._complete(event)
            else:
                self._delete(event)
        today = self.now.date()
        for fid in ids:
            found = events.get(fid)
            if found is not None and found.closed and fid not in outbox:
                continue  # completed on another device; reopened here only by a change
            if found is not None and found.removed and fid not in outbox:
                continue  # deleted there: back only when it changes here
            stale = (
                found is not None
                and self.options.form is CalendarForm.EVENT
                and found.shown_on is not None
                and found.shown_on < today
            )
            if found is None or fid in outbox or not found.etag or stale:
                self._put(reader.calendar_item(due[position[fid]]), found)

    def _there(self, event: SyncEvent) -> bool:
        """An item sent whose answer never came: is it on the server?"""
        item = get_item(self.client, event.href)
        if item is None:
            return False
        with writer.quiet_sync(self.now):
            writer.link_event(
                self.calendar.calendar_id,
                event.href,
                event.follow_up_id,
                uid=event.uid,
                etag=item.etag,
                digest=event.digest,
                shown_on=event.shown_on,
            )
        return True

    def _compose(self, item: CalendarFollowUp) -> tuple[str, str, dt.date]:
        """The item's text, a digest of what it says (without its time stamp), its day.

        A to-do keeps its own due day, so a phone shows it overdue rather than ringing
        again each morning; an event is put on today once overdue, as the .ics export
        does, since a calendar is read for what to do now."""
        moment = self.now
        if self.options.form is CalendarForm.TODO:
            moment = min(self.now, item.due_at)
        component = follow_up_component(item, self.options, self.store, moment)
        digest = _digest(component)
        component.pop("dtstamp", None)
        stamp = self.now if self.now.tzinfo is not None else self.now.astimezone()
        component.add("dtstamp", stamp.astimezone(dt.UTC).replace(microsecond=0))
        return _calendar_text(component), digest, shown_on(item, moment)

    def _put(self, item: CalendarFollowUp, event: SyncEvent | None) -> None:
        calendar_id = self.calendar.calendar_id
        text, digest, day = self._compose(item)
        uid = follow_up_uid(self.store, item.follow_up_id)
        if event is not None and event.etag and not event.removed and event.digest == digest:
            return  # the server has it as it would be sent
        if event is None or event.removed:
            href = item_href(self.calendar.href, uid)
            # Where it goes is committed before it is sent: a push stopped after the server
            # took it finds it there (412) instead of sending it again.
            with writer.quiet_sync(self.now):
                writer.link_event(
                    calendar_id, href, item.follow_up_id, uid=uid, etag="", digest="",
                    shown_on=day,
                )
            etag: str | None = None
        else:
            href, uid, etag = event.href, event.uid, event.etag or None
        try:
            new_etag = put_item(self.client, href, text, etag=etag)
        except dav.PreconditionFailed:
            # Already there (sent by a push that stopped before it heard back), or changed
            # there since: read its ETag (keeping a completion made there) and write ours.
            found = get_item(self.client, href)
            if found is None:
                if etag is None:
                    return  # a server that says both "there" and "not there": next sync
                new_etag = put_item(self.client, href, text, etag=None)
            else:
                component = _own_component(found.text, uid)
                when = completed_at(component, self.now) if component is not None else None
                if component is not None and when is None and _digest(component) == digest:
                    # Sent by a push that stopped before it heard back: it is there as is.
                    with writer.quiet_sync(self.now):
                        writer.link_event(
                            calendar_id, href, item.follow_up_id, uid=uid, etag=found.etag,
                            digest=digest, shown_on=day,
                        )
                    return
                if when is not None:
                    touched = writer.complete_elsewhere(
                        {item.follow_up_id: when}, COMPLETED_ELSEWHERE, self.now
                    )
                    self.report.done_here += 1
                    self.report.follow_ups.update(touched)
                    with writer.quiet_sync(self.now):
                        writer.link_event(
                            calendar_id, href, item.follow_up_id, uid=uid, etag=found.etag,
                            digest=digest, shown_on=day, closed=True,
                        )
                    return
                new_etag = put_item(self.client, href, text, etag=found.etag)
        except dav.Rejected as exc:
            self.report.rejected_items.append(f"{item.contact_name}: {exc}")
            return
        if not new_etag:
            found = get_item(self.client, href)
            new_etag = found.etag if found is not None else ""
        with writer.quiet_sync(self.now):
            writer.link_event(
                calendar_id, href, item.follow_up_id, uid=uid, etag=new_etag, digest=digest,
                shown_on=day,
            )
        self.report.events_put += 1

    def _complete(self, event: SyncEvent) -> None:
        """A to-do done here: completed there, its alarm taken off."""
        import icalendar

        found = get_item(self.client, event.href)
        if found is None:
            with writer.quiet_sync(self.now):
                writer.drop_event(self.calendar.calendar_id, event.href)
            return
        try:
            calendar = icalendar.Calendar.from_ical(found.text)
        except ValueError:
            calendar = None
        component = None
        if calendar is not None:
            component = next(
                (
                    c
                    for c in calendar.walk()
                    if c.name == "VTODO" and str(c.get("uid", "")) == event.uid
                ),
                None,
            )
        if calendar is None or component is None:
            self._delete(event)
            return
        if completed_at(component, self.now) is None:
            stamp = self.now if self.now.tzinfo is not None else self.now.astimezone()
            utc = stamp.astimezone(dt.UTC).replace(microsecond=0)
            for name in ("status", "completed", "percent-complete", "dtstamp"):
                component.pop(name, None)
            component.add("status", "COMPLETED")
            component.add("completed", utc)
            component.add("percent-complete", 100)
            component.add("dtstamp", utc)
            component.subcomponents = [
                c for c in component.subcomponents if c.name != "VALARM"
            ]
            try:
                etag = put_item(
                    self.client, event.href, bytes(calendar.to_ical()).decode("utf-8"),
                    etag=found.etag or None,
                )
            except dav.PreconditionFailed:
                return  # changed there meanwhile: the next sync reads it first
            except dav.Rejected as exc:
                self.report.rejected_items.append(str(exc))
                return
        else:
            etag = found.etag
        with writer.quiet_sync(self.now):
            writer.link_event(
                self.calendar.calendar_id,
                event.href,
                event.follow_up_id,
                uid=event.uid,
                etag=etag,
                digest=event.digest,
                shown_on=event.shown_on,
                closed=True,
            )
        self.report.events_closed += 1

    def _delete(self, event: SyncEvent) -> None:
        try:
            dav.delete(self.client, event.href, etag=event.etag)
        except dav.PreconditionFailed:
            # Changed there since it was pushed: whatever was changed, it is no longer
            # NetDesk's to show; taken off all the same.
            dav.delete(self.client, event.href, etag="")
        except dav.Rejected as exc:
            self.report.rejected_items.append(str(exc))
            return
        with writer.quiet_sync(self.now):
            writer.drop_event(self.calendar.calendar_id, event.href)
        self.report.events_closed += 1


# --- every account ---------------------------------------------------------------------------


def push_calendars(
    accounts: Sequence[tuple[SyncAccount, str]],
    now: dt.datetime,
    report: Report,
    *,
    clients: dict[int, Client] | None = None,
) -> None:
    """Pull and push the calendar of each account that has one (with its password). The
    outbox is emptied (up to what was read before) only once every calendar has the
    changes, so a push that stops leaves them queued."""
    work = [(a, p, reader.pushed_calendar(a.account_id)) for a, p in accounts]
    work = [(a, p, c) for a, p, c in work if c is not None]
    if not work:
        return
    store = writer.ensure_store_id()
    options = reader.calendar_options()
    outbox = reader.event_outbox()
    for account, password, calendar in work:
        assert calendar is not None
        own = (clients or {}).get(account.account_id)
        client = own or Client(account.url, account.username, password)
        try:
            step = CalendarPush(client, calendar, options, store, now, report)
            step.pull()
            step.push(outbox)
            report.requests += client.requests if own is None else 0
        except SyncError as exc:
            writer.note_sync(account.account_id, now, str(exc))
            raise
        finally:
            if own is None:
                client.close()
        writer.note_sync(account.account_id, now)
    with writer.change(now):
        for follow_up_id, version in outbox.items():
            writer.mark_event_pushed(follow_up_id, version)


# --- choosing the calendar ---------------------------------------------------------------------


def calendars_of(account: SyncAccount, password: str) -> list[Calendar]:
    """The calendars on the account's server (a request to it)."""
    client = Client(account.url, account.username, password)
    try:
        return find_calendars(client, account.url)
    finally:
        client.close()


def use_calendar(
    account_id: int,
    url: str,
    username: str,
    password: str,
    name: str = DEFAULT_CALENDAR,
) -> tuple[Calendar, bool]:
    """Push the account's follow-ups to its calendar called `name`, made (MKCALENDAR) when
    the server has none by that name. Returns it, and True when it was made."""
    client = Client(url, username, password)
    try:
        calendars = find_calendars(client, url)
        chosen = choose_calendar(calendars, name)
        made = chosen is None
        if chosen is None:
            chosen = make_calendar(client, url, name)
            calendars.append(chosen)
    finally:
        client.close()
    choose(account_id, calendars, chosen.href)
    return chosen, made


def choose(account_id: int, calendars: Sequence[Calendar], href: str | None) -> None:
    """Push to the calendar at `href` (None: to none of the account's calendars)."""
    writer.set_sync_calendars(account_id, [(c.href, c.name, c.href == href) for c in calendars])
