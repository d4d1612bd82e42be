"""The whole card: every property of every card in a real file comes back in the vCard 4.0
export of the store it was imported into (value, types, group and parameters), and every
column of each CSV layout lands in a field that comes back."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import quopri
import re
from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw
import pytest

from netdesk.core.matching import parse_birthday
from netdesk.store import export, importer
from tests.conftest import CORPUS

NOW = dt.datetime(2026, 3, 2, 9, 30)

# Not the person's: the card's version; and the photo, compared by presence.
_SKIP = {"VERSION", "BEGIN", "END", "PHOTO"}
# How a value was carried, not what it is.
_TRANSFER = {"ENCODING", "CHARSET"}
# A value read as something else than text, compared by what it means.
_DATES = {"BDAY", "ANNIVERSARY"}


@dataclass
class Prop:
    group: str
    name: str
    params: dict[str, set[str]]
    value: str


@dataclass
class Card:
    props: list[Prop] = field(default_factory=list)

    def first(self, name: str) -> str:
        return next((p.value for p in self.props if p.name == name), "")


def _params(text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for piece in re.findall(r';((?:[^;"]|"[^"]*")*)', text):
        key, eq, val = piece.partition("=")
        if not eq:  # vCard 2.1: a bare type, or a bare encoding
            bare = key.strip().upper()
            if bare in ("QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"):
                key, val = "ENCODING", bare
            else:
                key, val = "TYPE", bare
        key = key.strip().upper()
        if key != "TYPE" and len(val) > 1 and val[0] == val[-1] == '"':
            values = {val[1:-1].lower()}
        else:
            values = {v.strip().strip('"').lower() for v in val.replace('"', "").split(",")}
        out.setdefault(key, set()).update(v for v in values if v)
    return out


def _decode(value: str, params: dict[str, set[str]], name: str) -> str:
    encoding = {e.upper() for e in params.get("ENCODING", set())}
    charset = next(iter(params.get("CHARSET", {"utf-8"})))
    if re.search("[\udc80-\udcff]", value):  # 8-bit bytes in a file that is not UTF-8
        value = value.encode("utf-8", "surrogateescape").decode(charset, "replace")
    if "QUOTED-PRINTABLE" in encoding:
        data = quopri.decodestring(value.encode("utf-8", "surrogateescape"))
        return data.decode(charset, "replace")
    if encoding & {"B", "BASE64"} and name not in ("PHOTO", "LOGO", "SOUND", "KEY"):
        try:
            return base64.b64decode("".join(value.split())).decode(charset, "replace")
        except (binascii.Error, ValueError, LookupError):
            return value
    return value


def parse_cards(text: str) -> list[Card]:
    """Cards as properties, read plainly: unfolded, decoded, nested AGENT cards left inside."""
    lines: list[str] = []
    for raw in re.split(r"\r\n|\n|\r", text):
        if lines and lines[-1].endswith("=") and "QUOTED-PRINTABLE" in lines[-1].upper():
            lines[-1] = lines[-1][:-1] + raw
        elif raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    cards: list[Card] = []
    depth = 0
    for line in lines:
        m = re.match(r'^((?:[^:;"]|"[^"]*")*?)((?:;(?:[^:"]|"[^"]*")*)?):(.*)$', line)
        if not m:
            continue
        head, params_text, value = m.groups()
        group, _, name = head.strip().rpartition(".")
        name = name.upper()
        if name == "BEGIN" and value.strip().upper() == "VCARD":
            depth += 1
            if depth == 1:
                cards.append(Card())
            continue
        if name == "END" and value.strip().upper() == "VCARD":
            depth = max(0, depth - 1)
            continue
        if depth != 1 or not cards:
            continue
        params = _params(params_text)
        cards[-1].props.append(Prop(group.lower(), name, params, _decode(value, params, name)))
    return cards


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _items(value: str) -> list[str]:
    """A value's parts as a person reads them: components and list items, each trimmed."""
    out = []
    for part in re.split(r"[;,\n]", _unescape(value).replace("\ufffd", "")):
        part = " ".join(part.split()).casefold()
        if part.startswith(("tel:", "mailto:")):
            part = part.split(":", 1)[1]
        if part:
            out.append(part)
    return out


def _same_value(source: Prop, target: Prop) -> bool:
    if source.name in _DATES:
        a = parse_birthday(_unescape(source.value))
        b = parse_birthday(_unescape(target.value))
        return bool(a) and a[-5:] == b[-5:]
    if source.name == "TEL" and re.search(r"\d", source.value):
        # A tel: URI (tel:+1-418-555-0100;ext=102) is read as text (+1-418-555-0100 ext. 102).
        return re.sub(r"\D", "", source.value) == re.sub(r"\D", "", target.value)
    want = _items(source.value)
    have = _items(target.value)
    if source.name == "NOTE":
        return " ".join(want) in " ".join(have)
    return all(w in have for w in want)


def _same_params(source: Prop, target: Prop) -> bool:
    for key, values in source.params.items():
        if key in _TRANSFER or (key == "VALUE" and source.name in ("TEL", "URL", "BDAY")):
            continue
        have = target.params.get(key, set())
        if key == "TYPE":
            if "pref" in values and not ("pref" in have or "PREF" in target.params):
                return False
            values = values - {"pref"}
            have = have - {"pref"}
        if not values <= have:
            return False
    return source.group == target.group or not source.group


def _found(source: Prop, candidates: list[Prop]) -> bool:
    name = "CATEGORIES" if source.name == "CATEGORY" else source.name
    return any(
        p.name == name and _same_value(source, p) and _same_params(source, p) for p in candidates
    )


def _named(card: Card) -> bool:
    return any(p.name in ("FN", "N", "EMAIL", "ORG") and _items(p.value) for p in card.props)


def _export(store: pw.SqliteDatabase) -> list[Card]:
    out = io.StringIO()
    export.write_export(out, "vcard4", None, NOW)
    return parse_cards(out.getvalue())


def _missing(source_cards: list[Card], exported: list[Card]) -> list[str]:
    everything = [p for card in exported for p in card.props]
    by_name: dict[str, list[Prop]] = {}
    for card in exported:
        by_name.setdefault(" ".join(_items(card.first("FN"))), []).extend(card.props)
    missing = []
    for card in source_cards:
        if not _named(card):
            continue
        mine = by_name.get(" ".join(_items(card.first("FN"))), everything)
        for prop in card.props:
            if prop.name in _SKIP or not prop.value.strip():
                continue
            if prop.name == "AGENT" and not prop.value.strip():
                continue
            if not (_found(prop, mine) or _found(prop, everything)):
                head = f"{prop.group}.{prop.name}" if prop.group else prop.name
                missing.append(f"{card.first('FN')!r}: {head} {sorted(prop.params)} {prop.value!r}")
        if any(p.name == "PHOTO" and p.value.strip() for p in card.props) and not any(
            p.name == "PHOTO" for p in mine
        ):
            missing.append(f"{card.first('FN')!r}: PHOTO")
    return missing


def _corpus_vcards() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(CORPUS.glob("*.vcf"))


@pytest.mark.parametrize("path", _corpus_vcards(), ids=lambda p: p.name)
def test_every_property_of_every_corpus_card_comes_back_in_the_export(
    store: pw.SqliteDatabase, path: Path
) -> None:
    importer.stream_import([path], NOW, duplicates="keep")
    raw = path.read_bytes()
    for encoding in ("utf-8", "utf-16"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = raw.decode("utf-8", "surrogateescape")
    text = text.lstrip("\ufeff")
    missing = _missing(parse_cards(text), _export(store))
    assert not missing, f"{path.name}: " + "\n".join(missing[:20])


def test_the_corpus_is_there_or_the_test_says_why() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus folder {CORPUS} not found: the real-file tests need ../shared")
    assert _corpus_vcards()


# --- CSV: a row written for each layout, every column filled ------------------------------

FIXTURES = Path(__file__).parent / "fixtures"
_DATE_COLUMNS = {"birthday", "anniversary", "event 1 - value"}
_SPLIT_BIRTHDAY = {"birth year", "birth month", "birth day"}
_TAG_COLUMNS = {"labels", "categories", "group membership"}


def _everything(card: Card) -> list[list[str]]:
    """Each property's items, and each parameter value's (an address's LABEL), as lists."""
    out = []
    for p in card.props:
        out.append(_items(p.value))
        for key, values in p.params.items():
            if key != "TYPE":
                out.extend(_items(v) for v in values)
    return out


@pytest.mark.parametrize(
    "layout", ["google.csv", "google_legacy.csv", "outlook.csv", "thunderbird.csv", "linkedin.csv"]
)
def test_every_column_of_each_csv_layout_comes_back_in_the_export(
    store: pw.SqliteDatabase, layout: str
) -> None:
    import csv

    from netdesk.core.csv_import import _types_of
    from netdesk.store import reader

    path = FIXTURES / layout
    with open(path, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(f) if len(r) > 2]
    header, row = rows[0], rows[1]
    importer.stream_import([path], NOW)
    [card] = _export(store)
    values = _everything(card)
    types = [p.params.get("TYPE", set()) for p in card.props]
    missing = []
    for name, cell in zip(header, row, strict=True):
        key = " ".join(name.casefold().split())
        if not cell.strip():
            continue
        if key == "connected on":
            [contact_id] = reader.search_contact_ids(row[header.index("Last Name")])
            assert any(e.kind == "connected" for e in reader.timeline(contact_id)), name
            continue
        if key.endswith((" - type", " - label")):
            wanted, pref = _types_of(cell)
            if key.startswith(("event", "relation", "custom field")):
                ok = any(set(wanted) <= t for t in types) or any(
                    _items(cell)[0] in items for items in values
                ) or (key.startswith("event") and card.first("ANNIVERSARY"))
            else:
                ok = any(set(wanted) <= t for t in types)
                if pref:
                    ok = ok and any("PREF" in p.params for p in card.props)
            if not ok:
                missing.append(f"{name}: {cell!r} (types {wanted})")
            continue
        if key in _DATE_COLUMNS:
            date = parse_birthday(cell, month_first=True)
            found = {parse_birthday(_unescape(p.value)) for p in card.props if p.name in _DATES}
            if date not in found:
                missing.append(f"{name}: {cell!r}")
            continue
        if key in _SPLIT_BIRTHDAY:
            if not card.first("BDAY"):
                missing.append(f"{name}: {cell!r}")
            continue
        items = [i for i in re.split(r":::|;", cell) if i.strip() and not i.strip().startswith("*")]
        if key in _TAG_COLUMNS:
            tags = _items(card.first("CATEGORIES"))
            if not all(" ".join(i.split()).casefold() in tags for i in items):
                missing.append(f"{name}: {cell!r}")
            continue
        wanted_items = _items(cell)
        if not any(all(w in have for w in wanted_items) for have in values):
            missing.append(f"{name}: {cell!r}")
    assert not missing, f"{layout}: " + "; ".join(missing)


def test_phones_without_a_number_and_extensions_are_all_stored(
    store: pw.SqliteDatabase, tmp_path: Path
) -> None:
    from netdesk.store import reader
    from netdesk.store.models import Contact

    card = tmp_path / "phones.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Placeholder Person\r\n"
        "TEL;TYPE=HOME:homephone\r\nTEL;TYPE=FAX:fax\r\nTEL:x 5\r\n"
        "TEL;TYPE=WORK:+1 555 0100 x12\r\nTEL:x13\r\nCATEGORIES:a\\, b\\, c,d\r\nEND:VCARD\r\n"
    )
    importer.stream_import([card], NOW)
    [contact] = Contact.select()
    assert reader.contact_phones(contact.id) == [
        "homephone",
        "fax",
        "x 5",
        "+1 555 0100 x12",
        "x13",
    ]
    assert contact.tag_list == ["a, b, c", "d"]
    [exported] = _export(store)
    tels = {
        (p.value, frozenset(p.params.get("TYPE", ()))) for p in exported.props if p.name == "TEL"
    }
    assert ("homephone", frozenset({"home"})) in tels and ("fax", frozenset({"fax"})) in tels


def test_the_phone_region_setting_makes_a_national_number_match(
    store: pw.SqliteDatabase, tmp_path: Path
) -> None:
    import json

    from netdesk.store.models import Contact, Setting

    first = tmp_path / "first.vcf"
    first.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nTEL:+44 20 7946 0958\r\nEND:VCARD\r\n"
    )
    again = tmp_path / "again.vcf"
    again.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nTEL:020 7946 0958\r\n"
        "TITLE:Analyst\r\nEND:VCARD\r\n"
    )
    importer.stream_import([first], NOW)
    Setting.create(key="phone_region", value=json.dumps("GB"))
    done = importer.stream_import([again], NOW)
    assert done.counts["update"] == 1 and Contact.select().count() == 1
    assert Contact.get().title == "Analyst"


def test_the_json_export_holds_the_whole_card(store: pw.SqliteDatabase, tmp_path: Path) -> None:
    import json

    card = tmp_path / "card.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nTEL;TYPE=CELL:+1 212 555 0101\r\n"
        "ADR;TYPE=WORK:;;1 Navy Way;Arlington;VA;22201;USA\r\nIMPP:xmpp:grace@example.com\r\n"
        "URL;TYPE=blog:https://grace.example.org\r\nEND:VCARD\r\n"
    )
    importer.stream_import([card], NOW)
    out = io.StringIO()
    export.write_export(out, "json", None, NOW)
    data = json.loads(out.getvalue())
    phones = [(p["phone"], p["types"]) for p in data["contact_phones"]]
    assert phones == [("+1 212 555 0101", "cell")]
    assert [a["street"] for a in data["contact_addresses"]] == ["1 Navy Way"]
    assert [(p["name"], p["value"]) for p in data["contact_properties"]] == [
        ("IMPP", "xmpp:grace@example.com")
    ]
    assert [(u["url"], u["types"]) for u in data["contact_urls"]] == [
        ("https://grace.example.org", "blog")
    ]
