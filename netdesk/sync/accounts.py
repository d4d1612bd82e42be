"""Accounts on CardDAV servers: found from what the user typed, their password kept in the
system keyring (never in the database or the settings file), synced on demand."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Sequence
from typing import Any

from netdesk.store import reader, writer
from netdesk.store.reader.sync import SyncAccount
from netdesk.sync import dav, engine
from netdesk.sync.http import Client, SyncError

# The keyring's name for NetDesk's passwords; each is filed under user@server.
KEYRING_SERVICE = "NetDesk CardDAV"


class NoKeyring(SyncError):
    """No system keyring can hold the password."""


def normalized_url(text: str) -> str:
    """What the user typed as a server address, with https:// when no scheme was given."""
    text = text.strip()
    if not text:
        raise SyncError("give the server's address, for example https://dav.example.com")
    if "://" not in text:
        text = "https://" + text
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError(f"{text} is not a web address (http:// or https://)")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))


def _keyring() -> Any:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise NoKeyring("the keyring package is not installed, so no password can be kept") from exc
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        raise NoKeyring(
            "no system keyring is available to keep the password (on Linux, GNOME Keyring, "
            "KWallet or KeePassXC's Secret Service, unlocked); NetDesk never writes passwords "
            "to disk itself"
        )
    return keyring


def _entry(url: str, username: str) -> str:
    return f"{username}@{urllib.parse.urlsplit(url).netloc}"


def save_password(url: str, username: str, password: str) -> None:
    if not password:
        return
    keyring = _keyring()
    try:
        keyring.set_password(KEYRING_SERVICE, _entry(url, username), password)
    except Exception as exc:  # the backends raise their own kinds
        raise NoKeyring(f"the system keyring refused to keep the password ({exc})") from exc


def load_password(url: str, username: str) -> str:
    """The account's password, or "" for an account without one."""
    if not username:
        return ""
    try:
        keyring = _keyring()
    except NoKeyring:
        return ""  # nothing can have been kept: an account added without a password
    try:
        found = keyring.get_password(KEYRING_SERVICE, _entry(url, username))
    except Exception as exc:
        raise NoKeyring(f"the system keyring could not be read ({exc})") from exc
    return str(found or "")


def forget_password(url: str, username: str) -> None:
    if not username:
        return
    try:
        keyring = _keyring()
        keyring.delete_password(KEYRING_SERVICE, _entry(url, username))
    except Exception:  # nothing kept, or no keyring: nothing to forget
        return


def discover_books(url: str, username: str, password: str) -> list[dav.AddressBook]:
    """The address books at `url` for this user (the first network request NetDesk makes);
    none for a server that keeps only calendars."""
    client = Client(url, username, password)
    try:
        return dav.discover(client, url)
    finally:
        client.close()


def find_books(url: str, username: str, password: str) -> list[dav.AddressBook]:
    """The address books at `url` for this user; a server without any is an error."""
    books = discover_books(url, username, password)
    if not books:
        raise SyncError(f"no address book was found at {url}")
    return books


def add_account(
    url: str,
    username: str,
    password: str,
    books: Sequence[dav.AddressBook],
    chosen: Sequence[str],
    now: dt.datetime,
) -> int:
    """Keep an account: its password in the keyring (first, so that a keyring that refuses
    leaves nothing half-added), its address books, the hrefs in `chosen` synced."""
    save_password(url, username, password)
    wanted = set(chosen)
    return writer.add_sync_account(
        url, username, [(b.href, b.name, b.href in wanted) for b in books], now
    )


def choose_books(books: Sequence[dav.AddressBook], names: Sequence[str]) -> list[str]:
    """The hrefs of the books named (by display name or the last part of their path, any
    case); every book when no name is given."""
    if not names:
        return [b.href for b in books]
    out = []
    for name in names:
        key = name.strip().strip("/").casefold()
        found = [
            b.href
            for b in books
            if b.name.casefold() == key or b.href.rstrip("/").rsplit("/", 1)[-1].casefold() == key
        ]
        if not found:
            known = ", ".join(f"{b.name!r}" for b in books)
            raise SyncError(f"no address book is called {name!r} (found: {known})")
        out.extend(found)
    return out


def remove_account(account: SyncAccount) -> None:
    forget_password(account.url, account.username)
    writer.remove_sync_account(account.account_id)


def find_account(text: str) -> SyncAccount:
    """An account by its number, its address or user@host, as `account list` shows them."""
    accounts = reader.sync_accounts()
    text = text.strip()
    for account in accounts:
        host = urllib.parse.urlsplit(account.url).netloc
        if text in (
            str(account.account_id),
            account.url,
            host,
            f"{account.username}@{host}",
        ):
            return account
    raise SyncError(f"no account {text!r} (see `netdesk account list`)")


def sync_all(
    now: dt.datetime,
    *,
    confirm_deletions: bool = False,
    progress: engine.Progress | None = None,
) -> engine.Report:
    """Sync every account; the reports added up. The first failure stops and is raised."""
    total = engine.Report()
    calendars = []
    for account in reader.sync_accounts():
        if reader.pushed_calendar(account.account_id) is not None:
            calendars.append((account, load_password(account.url, account.username)))
        if not any(b.enabled for b in account.books):
            continue
        password = load_password(account.url, account.username)
        report = engine.sync_account(
            account, password, now, confirm_deletions=confirm_deletions, progress=progress
        )
        _add(total, report)
    if calendars:
        from netdesk.sync import caldav

        caldav.push_calendars(calendars, now, total)
    return total


def _add(total: engine.Report, report: engine.Report) -> None:
    for name in (
        "added_here",
        "updated_here",
        "deleted_here",
        "added_there",
        "updated_there",
        "deleted_there",
        "conflicts",
        "full_scans",
        "requests",
    ):
        setattr(total, name, getattr(total, name) + getattr(report, name))
    total.rejected.extend(report.rejected)
    total.contacts |= report.contacts
    total.removed |= report.removed
