"""`netdesk import` on a changed card and on namesakes: the differences and the likely
duplicates are reported, with their fields, in JSON and in words."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.cli.test_cli import netdesk

FIRST = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.com\r\n"
    "TITLE:Analyst\r\nNOTE:Met at the Royal Society\r\nTEL:+1 212 555 0100\r\nEND:VCARD\r\n"
)
AGAIN = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.com\r\n"
    "TITLE:Chief Engineer\r\nNOTE:Now writes about engines\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Charles Babbage\r\nTEL:+1 212 555 0100\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jan Novak\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jan Novak\r\nEND:VCARD\r\n"
)


def test_import_json_reports_conflicts_and_likely_duplicates(tmp_path: Path) -> None:
    (tmp_path / "first.vcf").write_text(FIRST)
    (tmp_path / "again.vcf").write_text(AGAIN)
    data = str(tmp_path / "data")
    assert netdesk("--data-dir", data, "import", str(tmp_path / "first.vcf")).returncode == 0
    done = netdesk("--data-dir", data, "import", "--json", str(tmp_path / "again.vcf"))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    ada, charles, jan, namesake = report["entries"]
    assert ada["conflicts"] == {
        "title": {"stored": "Analyst", "incoming": "Chief Engineer"},
        "notes": {"stored": "Met at the Royal Society", "incoming": "Now writes about engines"},
    }
    assert charles["action"] == "duplicate"
    likely = charles["likely_duplicate"]
    assert likely["why"] == "phone" and likely["record"]["phones"] == ["+1 212 555 0100"]
    assert likely["of"][0]["name"] == "Ada Lovelace" and likely["of"][0]["contact_id"] == 1
    assert jan["action"] == "new" and "likely_duplicate" not in jan
    assert namesake["likely_duplicate"]["why"] == "name"
    assert namesake["likely_duplicate"]["of"] == [{"entry": 2}]
    # Nobody merged: Ada, Charles and both Jans are four contacts.
    listed = netdesk("--data-dir", data, "export", "--format", "csv", "-o", "-")
    names = [row[0] for row in list(csv.reader(io.StringIO(listed.stdout)))[1:]]
    assert sorted(names) == ["Ada Lovelace", "Charles Babbage", "Jan Novak", "Jan Novak"]


def test_import_in_words_names_each_difference(tmp_path: Path) -> None:
    (tmp_path / "first.vcf").write_text(FIRST)
    (tmp_path / "again.vcf").write_text(AGAIN)
    data = str(tmp_path / "data")
    netdesk("--data-dir", data, "import", str(tmp_path / "first.vcf"))
    done = netdesk("--data-dir", data, "import", str(tmp_path / "again.vcf"))
    assert (
        "differs: Ada Lovelace (again.vcf, line 1): title: “Analyst” here, “Chief Engineer” "
        "in the file (yours kept)"
    ) in done.stdout
    assert "likely duplicate: Charles Babbage (again.vcf, line 8)" in done.stdout
    assert "likely duplicate: Jan Novak (again.vcf, line 17)" in done.stdout
