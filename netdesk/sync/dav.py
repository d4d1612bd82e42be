"""CardDAV over WebDAV: finding the address books from a bare host, listing what changed
(sync-collection, RFC 6578, or a scan of ETags), reading cards in batches, writing them with
preconditions."""

from __future__ import annotations

import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from netdesk.sync.http import Client, Response, SyncError

DAV = "DAV:"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CALSERVER = "http://calendarserver.org/ns/"
_NS = {"d": DAV, "c": CARDDAV, "cs": CALSERVER}
# Cards read per addressbook-multiget request.
MULTIGET_BATCH = 100


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


class TokenRefused(SyncError):
    """The server no longer knows the sync token (it expired, or the collection was rebuilt)."""


class PreconditionFailed(SyncError):
    """412: the card changed on the server (If-Match) or already exists (If-None-Match)."""


class Rejected(SyncError):
    """The server refused one card; the reason is its own words."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status} {reason}".strip())
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class AddressBook:
    href: str  # a path on the server, ending in "/"
    name: str


@dataclass(slots=True)
class Changed:
    """What changed in a collection since a token: hrefs with their new ETags, hrefs gone."""

    etags: dict[str, str] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    token: str = ""
    full: bool = False  # a full listing: every card there is, not a delta


def _xml(body: str) -> str:
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body


def _parse(response: Response) -> ET.Element:
    try:
        return ET.fromstring(response.body)
    except ET.ParseError as exc:
        raise SyncError(f"the server's answer could not be read as XML ({exc})") from exc


def _fail(response: Response, what: str) -> SyncError:
    if response.status == 401:
        return SyncError("the server refused the user name or password")
    if response.status == 403:
        return SyncError(f"the server does not allow {what}")
    if response.status == 404:
        return SyncError(f"{response.url} was not found on the server")
    return SyncError(f"the server answered {response.status} to {what}")


def normalize_href(href: str) -> str:
    """A path as the server may spell it (quoted or not, or a full URL): quoted, one way."""
    path = urllib.parse.urlsplit(href).path if "://" in href else href
    return urllib.parse.quote(urllib.parse.unquote(path), safe="/@:+,;=!$&'()*~-._")


def _propfind(
    client: Client, url: str, props: str, depth: str, namespace: str = CARDDAV
) -> Response:
    """PROPFIND `props` (prefixed d: for DAV, c: for `namespace`, cs: for CalendarServer)."""
    body = _xml(
        f'<d:propfind xmlns:d="DAV:" xmlns:c="{namespace}" xmlns:cs="{CALSERVER}">'
        f"<d:prop>{props}</d:prop></d:propfind>"
    )
    return client.request(
        "PROPFIND",
        url,
        body=body,
        headers={"Depth": depth, "Content-Type": "application/xml; charset=utf-8"},
    )


def _responses(root: ET.Element) -> Iterator[tuple[str, int, ET.Element]]:
    """(href, status, prop element) for each response's propstat in a multistatus."""
    for response in root.findall("d:response", _NS):
        href = (response.findtext("d:href", "", _NS) or "").strip()
        status_text = response.findtext("d:status", "", _NS)
        if status_text:
            yield href, _status(status_text), ET.Element("prop")
        for propstat in response.findall("d:propstat", _NS):
            prop = propstat.find("d:prop", _NS)
            status = _status(propstat.findtext("d:status", "", _NS))
            yield href, status, prop if prop is not None else ET.Element("prop")


def _status(text: str) -> int:
    parts = text.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _first_href(client: Client, url: str, prop: str, ns: str) -> str | None:
    response = _propfind(client, url, f"<{'c' if ns == CARDDAV else 'd'}:{prop}/>", "0")
    if response.status != 207:
        if response.status in (401, 403):
            raise _fail(response, "reading the account")
        return None
    for _href, status, props in _responses(_parse(response)):
        if status != 200:
            continue
        found = props.find(f"{_q(ns, prop)}/{_q(DAV, 'href')}")
        if found is not None and found.text:
            return found.text.strip()
    return None


def discover(client: Client, url: str) -> list[AddressBook]:
    """The address books of the account at `url`: a bare host (via /.well-known/carddav), a
    principal, an address-book home, or one address book itself."""
    path = urllib.parse.urlsplit(client.url(url)).path or "/"
    starts = [path] if path not in ("", "/") else []
    starts += ["/.well-known/carddav", "/"]
    for start in starts:
        principal = _first_href(client, start, "current-user-principal", DAV)
        home = _first_href(client, principal or start, "addressbook-home-set", CARDDAV)
        for candidate in (home, start):
            if candidate is None:
                continue
            books = _address_books(client, candidate)
            if books:
                return books
    return []


def _address_books(client: Client, url: str) -> list[AddressBook]:
    response = _propfind(client, url, "<d:resourcetype/><d:displayname/>", "1")
    if response.status != 207:
        if response.status in (401, 403):
            raise _fail(response, "listing the address books")
        return []
    books: dict[str, AddressBook] = {}
    for href, status, props in _responses(_parse(response)):
        if status != 200:
            continue
        kinds = props.find(_q(DAV, "resourcetype"))
        if kinds is None or kinds.find(_q(CARDDAV, "addressbook")) is None:
            continue
        path = normalize_href(href)
        if not path.endswith("/"):
            path += "/"
        name = (props.findtext(_q(DAV, "displayname")) or "").strip()
        last = urllib.parse.unquote(path.rstrip("/")).rsplit("/", 1)[-1]
        books[path] = AddressBook(path, name or last)
    return sorted(books.values(), key=lambda b: b.href)


def changes_since(client: Client, book: str, token: str) -> Changed:
    """sync-collection from `token` ("" for everything). Raises TokenRefused when the server
    no longer knows the token, SyncError when it cannot do sync-collection at all."""
    body = _xml(
        '<d:sync-collection xmlns:d="DAV:">'
        f"<d:sync-token>{_escape(token)}</d:sync-token><d:sync-level>1</d:sync-level>"
        "<d:prop><d:getetag/></d:prop></d:sync-collection>"
    )
    response = client.request(
        "REPORT",
        book,
        body=body,
        headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
    )
    if response.status in (403, 409) and token and (
        b"valid-sync-token" in response.body or not response.body
    ):
        raise TokenRefused("the server no longer knows where the last sync left off")
    if response.status != 207:
        raise _fail(response, "listing what changed")
    root = _parse(response)
    out = Changed(token=(root.findtext("d:sync-token", "", _NS) or "").strip(), full=not token)
    own = normalize_href(book)
    for href, status, props in _responses(root):
        path = normalize_href(href)
        if path == own or path.endswith("/"):
            continue
        if status == 404:
            out.gone.add(path)
        elif status == 200:
            etag = (props.findtext(_q(DAV, "getetag")) or "").strip()
            if etag:
                out.etags[path] = etag
    return out


def list_etags(client: Client, book: str) -> Changed:
    """Every card in the collection with its ETag (the scan when sync tokens fail)."""
    response = _propfind(client, book, "<d:getetag/><d:resourcetype/>", "1")
    if response.status != 207:
        raise _fail(response, "listing the cards")
    out = Changed(full=True)
    own = normalize_href(book)
    for href, status, props in _responses(_parse(response)):
        path = normalize_href(href)
        if status != 200 or path == own or path.endswith("/"):
            continue
        etag = (props.findtext(_q(DAV, "getetag")) or "").strip()
        out.etags[path] = etag
    return out


@dataclass(frozen=True, slots=True)
class Card:
    href: str
    etag: str
    text: str


@dataclass(frozen=True, slots=True)
class Format:
    """What a collection holds, and how its members are read and written: vCards in an
    address book (`VCARD`), iCalendar items in a calendar (the CalDAV side's)."""

    multiget: str  # the REPORT that reads many members at once, in `namespace`
    namespace: str
    data: str  # the property that holds a member's text, in `namespace`
    mime: str
    stem: str  # a new member's file name, when its UID gives none
    suffix: str
    one: str  # a member, in words
    many: str


VCARD = Format(
    "addressbook-multiget", CARDDAV, "address-data", "text/vcard", "card", ".vcf", "card", "cards"
)


def fetch(
    client: Client, collection: str, hrefs: Sequence[str], kind: Format = VCARD
) -> Iterator[Card]:
    """The members at `hrefs`, read with a multiget in batches; hrefs that are gone are
    left out."""
    for start in range(0, len(hrefs), MULTIGET_BATCH):
        batch = hrefs[start : start + MULTIGET_BATCH]
        wanted = "".join(f"<d:href>{_escape(h)}</d:href>" for h in batch)
        body = _xml(
            f'<c:{kind.multiget} xmlns:d="DAV:" xmlns:c="{kind.namespace}">'
            f"<d:prop><d:getetag/><c:{kind.data}/></d:prop>{wanted}</c:{kind.multiget}>"
        )
        response = client.request(
            "REPORT",
            collection,
            body=body,
            headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
        )
        if response.status != 207:
            # Some servers do not do multiget: read the members one by one.
            for href in batch:
                card = get(client, href, kind)
                if card is not None:
                    yield card
            continue
        for href, status, props in _responses(_parse(response)):
            if status != 200:
                continue
            text = props.findtext(_q(kind.namespace, kind.data))
            if text is None:
                continue
            etag = (props.findtext(_q(DAV, "getetag")) or "").strip()
            yield Card(normalize_href(href), etag, text)


def get(client: Client, href: str, kind: Format = VCARD) -> Card | None:
    response = client.request("GET", href, headers={"Accept": kind.mime})
    if response.status == 404 or response.status == 410:
        return None
    if response.status != 200:
        raise _fail(response, f"reading a {kind.one}")
    return Card(normalize_href(href), response.header("etag"), response.text)


def put(
    client: Client, href: str, text: str, *, etag: str | None, kind: Format = VCARD
) -> str:
    """Write a member: an update when `etag` is given (If-Match), else a creation
    (If-None-Match: *). Returns the new ETag, or "" when the server gave none (or a weak
    one)."""
    headers = {"Content-Type": f"{kind.mime}; charset=utf-8"}
    if etag:
        headers["If-Match"] = etag
    else:
        headers["If-None-Match"] = "*"
    response = client.request("PUT", href, body=text, headers=headers)
    if response.status == 412:
        raise PreconditionFailed(f"{href} changed on the server")
    if response.status in (401,):
        raise _fail(response, f"writing {kind.many}")
    if response.status not in (200, 201, 204):
        raise Rejected(response.status, _reason(response))
    etag_header = response.header("etag")
    # A weak ETag cannot be trusted for If-Match: fetch the strong one instead.
    return "" if etag_header.startswith("W/") else etag_header


def delete(client: Client, href: str, *, etag: str) -> None:
    headers = {"If-Match": etag} if etag else {}
    response = client.request("DELETE", href, headers=headers)
    if response.status == 412:
        raise PreconditionFailed(f"{href} changed on the server")
    if response.status in (404, 410):
        return
    if response.status not in (200, 202, 204):
        raise Rejected(response.status, _reason(response))


def _reason(response: Response) -> str:
    """The server's own short reason for refusing, from its body or its status."""
    text = response.text.strip()
    if text.startswith("<"):
        try:
            root = ET.fromstring(response.body)
        except ET.ParseError:
            return ""
        names = [child.tag.rsplit("}", 1)[-1] for child in root]
        detail = " ".join(t.strip() for t in root.itertext() if t.strip())
        return (detail or ", ".join(names))[:200]
    return text.splitlines()[0][:200] if text else ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def card_href(collection: str, uid: str, kind: Format = VCARD) -> str:
    """Where a new member goes: its UID (made safe for a path) in the collection."""
    safe = "".join(c if c.isalnum() or c in "-_.@" else "-" for c in uid)[:120] or kind.stem
    return normalize_href(collection.rstrip("/") + "/" + safe + kind.suffix)
