"""CSV reading (LinkedIn, Google, Outlook, Thunderbird layouts) and formula-safe CSV writing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from netdesk.core.contact_files import read_contact_file, sniff_contact_file
from netdesk.core.csv_export import HEADER, neutralize, write_csv
from netdesk.core.records import ContactRecord, ImportProblem

FIXTURES = Path(__file__).parent / "fixtures"


def read(path: Path) -> tuple[list[ContactRecord], list[ImportProblem]]:
    items = list(read_contact_file(path))
    return ([i for i in items if isinstance(i, ContactRecord)],
            [i for i in items if isinstance(i, ImportProblem)])


def test_linkedin_preamble_and_connected_on() -> None:
    assert sniff_contact_file(FIXTURES / "linkedin_connections.csv") == "csv"
    recs, probs = read(FIXTURES / "linkedin_connections.csv")
    assert [r.display_name for r in recs] == ["Ada Lovelace", "Grace Hopper"]
    ada = recs[0]
    assert ada.line == 5 and ada.connected_on == dt.date(2024, 3, 12)
    assert ada.linkedin_url == "https://www.linkedin.com/in/ada" and ada.urls == []
    assert ada.emails == ["ada@example.com"] and ada.title == "Founder"
    assert recs[1].connected_on is None and recs[1].line == 7
    assert [(p.line, p.reason) for p in probs] == [(6, "row has no name and no email")]


def test_google_new_layout() -> None:
    (rec,), probs = read(FIXTURES / "google_new.csv")
    assert probs == []
    assert rec.display_name == "Alan M. Turing"
    assert rec.emails == ["alan@example.com", "turing@example.org"]
    assert rec.phones == ["+44 20 7946 0000"]
    assert (rec.organization, rec.title) == ("Bletchley Labs", "Researcher")
    assert rec.tags == ["Friends", "Math"]


def test_outlook_layout_title_is_courtesy_title() -> None:
    (rec,), _ = read(FIXTURES / "outlook.csv")
    assert rec.display_name == "Dr. Katherine Johnson" and rec.prefix == "Dr."
    assert rec.title == "Senior Analyst" and rec.organization == "Orbital Dynamics"
    assert rec.emails == ["kj@example.com", "k.johnson@example.org"]
    assert rec.phones == ["(757) 555-0199"]


def test_delimiters_and_encodings(tmp_path: Path) -> None:
    rows = "Vorname;Nachname;E-Mail-Adresse\r\nJürgen;Groß;jg@example.de\r\n"
    for enc in ("utf-8", "utf-8-sig", "utf-16", "cp1252"):
        p = tmp_path / f"{enc}.csv"
        p.write_bytes(rows.encode(enc))
        (rec,), probs = read(p)
        assert probs == []
        assert rec.display_name == "Jürgen Groß" and rec.emails == ["jg@example.de"], enc
    tab = tmp_path / "tab.txt"
    tab.write_text("Name\tEmail\nAda\tada@example.com\n", encoding="utf-8")
    (rec,), _ = read(tab)
    assert rec.display_name == "Ada" and rec.emails == ["ada@example.com"]


def test_header_only_and_unknown_header(tmp_path: Path) -> None:
    p = tmp_path / "h.csv"
    p.write_text("First Name,Last Name,Email\n", encoding="utf-8")
    assert read(p) == ([], [])
    q = tmp_path / "q.csv"
    q.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    (prob,) = list(read_contact_file(q))
    assert isinstance(prob, ImportProblem) and prob.reason.startswith("not a contact file")


def test_export_neutralizes_formulas() -> None:
    rec = ContactRecord(
        display_name="=HYPERLINK(\"http://evil\")", given_name="+1", family_name="-2",
        nickname="@SUM(A1)", organization="\tTab", title="\rCR", notes="safe = fine",
        emails=["a@example.com"], connected_on=dt.date(2024, 3, 12),
    )
    out = io.StringIO(newline="")
    write_csv([rec], out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(HEADER)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Display Name"] == "'=HYPERLINK(\"http://evil\")"
    assert row["First Name"] == "'+1" and row["Last Name"] == "'-2"
    assert row["Nickname"] == "'@SUM(A1)" and row["Organization"] == "'\tTab"
    assert row["Job Title"] == "'\rCR" and row["Notes"] == "safe = fine"
    assert row["Connected On"] == "2024-03-12"
    assert neutralize("plain") == "plain"


def test_export_reads_back(tmp_path: Path) -> None:
    rec = ContactRecord(
        display_name="Ada Lovelace", given_name="Ada", family_name="Lovelace",
        emails=["ada@example.com", "a@example.org"], phones=["+44 1"], organization="AE",
        title="Founder", linkedin_url="https://www.linkedin.com/in/ada", birthday="1815-12-10",
        tags=["Friends", "Math"], urls=["https://ada.example.com"],
        connected_on=dt.date(2024, 3, 12),
    )
    p = tmp_path / "out.csv"
    with open(p, "w", encoding="utf-8", newline="") as f:
        write_csv([rec], f)
    (got,), probs = read(p)
    assert probs == []
    for name in ("display_name", "given_name", "family_name", "emails", "phones", "organization",
                 "title", "linkedin_url", "birthday", "tags", "urls", "connected_on"):
        assert getattr(got, name) == getattr(rec, name), name
