"""Time our vCard reader against vobject over a generated 10,000-card vCard 3.0 file."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import vobject

from netdesk.core.contact_files import read_contact_file
from netdesk.core.records import ContactRecord

CARDS = 10_000
RUNS = 5


def make_file(path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        for i in range(CARDS):
            f.write(
                "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                f"N:Müller{i};Anna;;;\r\nFN:Anna Müller{i}\r\n"
                f"ORG:Example Corp {i % 97}\r\nTITLE:Engineer\\, Platform\r\n"
                f"EMAIL;TYPE=INTERNET,WORK:anna{i}@example.com\r\n"
                f"TEL;TYPE=CELL:+49 170 {i:07d}\r\n"
                f"item1.URL:https://www.linkedin.com/in/anna{i}\r\nitem1.X-ABLabel:LinkedIn\r\n"
                "ADR;TYPE=WORK:;;Hauptstraße 1;Berlin;;10115;Germany\r\n"
                "NOTE:Met at the meetup\\, talked about the platform team and a possible\r\n"
                "  referral next month.\r\n"
                "BDAY:1980-03-12\r\nCATEGORIES:Friends,Work\r\nEND:VCARD\r\n"
            )


def make_rich_file(path: Path) -> None:
    """Cards as a phone or a mail program writes them for people you know well: N, FN, ORG,
    TITLE, two EMAILs, two TELs, ADR, BDAY, URL and a NOTE with escaped commas and newlines."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        for i in range(CARDS):
            f.write(
                "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                f"N:Okafor{i};Chidi;Emeka;Dr.;\r\nFN:Dr. Chidi Emeka Okafor{i}\r\n"
                f"ORG:Wellspring Analytics {i % 211};Platform\r\n"
                "TITLE:Director\\, Platform Engineering\r\n"
                f"EMAIL;TYPE=INTERNET,WORK,PREF:chidi.okafor{i}@wellspring.example\r\n"
                f"EMAIL;TYPE=INTERNET,HOME:chidi{i}@mail.example.org\r\n"
                f"TEL;TYPE=CELL,PREF:+44 7700 {i:06d}\r\n"
                f"TEL;TYPE=WORK,VOICE:+44 20 7946 {i % 10000:04d}\r\n"
                f"ADR;TYPE=WORK:;Floor {i % 9 + 1};{i % 300 + 1} Long Acre;London;;WC2E 9LH;"
                "United Kingdom\r\n"
                f"BDAY:19{70 + i % 30}-{i % 12 + 1:02d}-{i % 28 + 1:02d}\r\n"
                f"URL:https://www.linkedin.com/in/chidi-okafor-{i}\r\n"
                "NOTE:Met at the data meetup\\, Shoreditch.\\nAsked about the platform team\\, "
                "\r\n the hiring plan and a referral.\\n\\nFollow up after the offsite\\, "
                "\r\n then again in spring.\r\n"
                "END:VCARD\r\n"
            )


def ours(path: Path) -> int:
    items = read_contact_file(path)
    return sum(1 for r in items if isinstance(r, ContactRecord) and r.display_name)


def theirs(path: Path) -> int:
    n = 0
    with open(path, encoding="utf-8") as f:
        for card in vobject.readComponents(f):
            if card.fn.value:
                n += 1
    return n


def median_time(fn: object, path: Path) -> float:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        count = fn(path)  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
        assert count == CARDS, count
    return statistics.median(times)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cards.vcf"
        make_file(path)
        a = median_time(ours, path)
        b = median_time(theirs, path)
    print(f"{CARDS} cards, vCard 3.0, median of {RUNS} runs")
    print(f"netdesk: {a * 1000:.0f} ms")
    print(f"vobject: {b * 1000:.0f} ms")
    print(f"ratio:   {b / a:.1f}x faster")
    return 0 if b / a >= 4 else 1


if __name__ == "__main__":
    sys.exit(main())
