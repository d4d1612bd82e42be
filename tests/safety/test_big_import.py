"""A big file of plain cards is imported in bounded memory, with the same results as a small one.

The suite cannot afford 200 MB (about 45 s to import), so this generates a ~33 MB file and a
~3 MB one, runs the real `netdesk import` on each in a subprocess, and asserts that the peak
RSS does not grow with the file's size: ten times the cards may cost at most a few MB more.
Before streaming, a 200 MB file of such cards peaked at ~1 GB; after, at 40-90 MB.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from netdesk.store import db
from tests.safety.peak_rss import netdesk_peak

pytestmark = pytest.mark.slow

BIG_CARDS = 48_000  # ~33 MB
SMALL_CARDS = BIG_CARDS // 10
# Peak RSS the big file may take beyond the small one's: SQLite's page caches (16 MB for the
# store, 4 MB for the import's key index) fill up only with the big file, plus a few bytes
# per card (the entry -> contact array). Holding the records took ~6 KB per card.
GROWTH_MB = 40
LIMIT_MB = 150


def _write_cards(path: Path, count: int) -> Path:
    """Plain cards of ~680 bytes: two emails, two phones, a LinkedIn profile, a note."""
    with path.open("w", encoding="ascii", newline="") as out:
        for k in range(count):
            out.write(
                f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {k} Example\r\nN:Example{k};Person;;;\r\n"
                f"EMAIL;TYPE=work:person{k}@example.org\r\n"
                f"EMAIL;TYPE=home:p{k}.home@mail.example.com\r\n"
                f"TEL;TYPE=cell:+1 555 {k:07d}\r\nTEL;TYPE=work:+44 20 {k:08d}\r\n"
                f"ORG:Company {k % 997} Inc\r\nTITLE:Senior Engineer of Things {k % 13}\r\n"
                f"URL:https://www.linkedin.com/in/person-{k}\r\n"
                f"URL:https://blog.example.com/person{k}\r\n"
                f"NOTE:Met at the conference in {2000 + k % 25}. Interested in distributed "
                f"systems\\, gardening and long walks. Knows people at Company {(k * 7) % 997}. "
                f"Follow up about the referral and the open role on the platform team.\r\n"
                f"CATEGORIES:work,conference,friends-{k % 5}\r\n"
                f"BDAY:19{k % 90 + 10:02d}-0{k % 9 + 1}-1{k % 9}\r\n"
                f"UID:urn:uuid:00000000-0000-0000-0000-{k:012d}\r\nEND:VCARD\r\n"
            )
    return path


def _measured(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    done, peak = netdesk_peak(*args, timeout=110)
    assert done.returncode == 0, done.stderr
    return done, peak


def _runs(cards: Path, data: Path, count: int) -> dict[str, float]:
    """Dry run, import (--json), and both again as a re-import; checks each outcome."""
    peaks: dict[str, float] = {}
    where = ("--data-dir", str(data), str(cards))
    dry, peaks["dry run"] = _measured("import", "--dry-run", *where)
    assert f"{count} new, 0 updated, 0 unchanged" in dry.stdout
    assert not (data / db.DATABASE_NAME).exists() or not (data / "backups").exists()
    real, peaks["import --json"] = _measured("import", "--json", *where)
    report = json.loads(real.stdout)
    assert (report["new"], report["errors"], len(report["entries"])) == (count, 0, count)
    assert report["batch_id"] == 1
    assert report["entries"][-1]["name"] == f"Person {count - 1} Example"
    backups = sorted((data / "backups").iterdir())
    assert len(backups) == 1
    again, peaks["re-import dry run --json"] = _measured("import", "--dry-run", "--json", *where)
    report = json.loads(again.stdout)
    assert (report["unchanged"], report["new"], report["updated"]) == (count, 0, 0)
    assert {e["action"] for e in report["entries"]} == {"unchanged"}
    same, peaks["re-import"] = _measured("import", *where)
    assert f"0 new, 0 updated, {count} unchanged" in same.stdout
    # Nothing to write: no batch, no backup.
    assert sorted((data / "backups").iterdir()) == backups
    return peaks


def test_memory_does_not_grow_with_the_file(tmp_path: Path) -> None:
    small = _write_cards(tmp_path / "small.vcf", SMALL_CARDS)
    big = _write_cards(tmp_path / "big.vcf", BIG_CARDS)
    assert big.stat().st_size > 30 * 1024 * 1024
    small_peaks = _runs(small, tmp_path / "small-data", SMALL_CARDS)
    big_peaks = _runs(big, tmp_path / "big-data", BIG_CARDS)
    print("peak RSS MB, small file / big file:", small_peaks, big_peaks)
    for run, peak in big_peaks.items():
        assert peak < LIMIT_MB, (run, big_peaks)
        assert peak < small_peaks[run] + GROWTH_MB, (run, small_peaks, big_peaks)
