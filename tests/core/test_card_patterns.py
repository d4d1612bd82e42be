"""Patterns of real contact files the readers must understand, each with a fixture of its
own: base64 text, nested AGENT cards, birthdays without a year or written out, escaped
commas in a category, CATEGORY, undeclared 8-bit charsets; and phones read as numbers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from netdesk.core import matching
from netdesk.core.contact_files import read_contact_file
from netdesk.core.matching import (
    KnownContacts,
    normalize_phone,
    parse_birthday,
    phone_identity,
    plan_import,
)
from netdesk.core.records import ContactRecord, ImportProblem
from netdesk.core.vcard import read_vcards, write_vcards

FIXTURES = Path(__file__).parent / "fixtures"


def _records(name: str) -> list[ContactRecord]:
    items = list(read_contact_file(FIXTURES / name))
    problems = [i for i in items if isinstance(i, ImportProblem)]
    assert not problems, problems
    return [i for i in items if isinstance(i, ContactRecord)]


def test_a_base64_note_of_a_vcard_3_is_read_as_its_text() -> None:
    [rec] = _records("note_base64.vcf")
    assert rec.notes == "Met at PyCon, talked about Rust.\nWants an intro to the platform team."


def test_a_nested_agent_card_stays_inside_its_card() -> None:
    records = _records("agent21.vcf")
    assert [r.display_name for r in records] == ["Big Boss", "Carl After"]
    boss = records[0]
    # What came after the agent's card is the boss's, not lost.
    assert boss.title == "Chief Executive"
    assert boss.notes == "Prefers calls before noon"
    assert boss.phones == ["+1 555 0100"]
    [agent] = [p for p in boss.extra if p.name == "AGENT"]
    assert "Ann Helper" in agent.value and "+1 555 0199" in agent.value
    # And it goes out again with the card.
    out = io.StringIO()
    write_vcards([boss], out)
    assert "AGENT:" in out.getvalue() and "Ann Helper" in out.getvalue()


def test_birthdays_without_a_year_and_written_in_words() -> None:
    by_name = {r.display_name: r.birthday for r in _records("birthdays.vcf")}
    assert by_name == {
        "Apple Omit": "--03-12",
        "Bare Sixteen": "--11-02",
        "Omit Other": "--07-04",
        "Word Date": "1980-03-12",
        "Month First": "1975-03-05",
    }


@pytest.mark.parametrize(
    ("region", "ambiguous"), [("US", "1980-03-04"), ("DE", "1980-04-03"), ("GB", "1980-04-03")]
)
def test_outlook_dates_follow_the_users_locale_when_ambiguous(region: str, ambiguous: str) -> None:
    matching.set_phone_region(region)
    ada, ben = _records("outlook_dates.csv")
    assert ada.birthday == ambiguous
    assert ada.anniversary == ""  # Outlook's 0/0/00 is no date
    assert ben.birthday == "1980-04-13"  # 13 can only be the day
    assert ben.anniversary == ("2001-06-10" if region == "US" else "2001-10-06")


def test_the_same_ambiguous_date_reads_the_new_way_once_the_region_changes() -> None:
    matching.set_phone_region("US")
    assert parse_birthday("3/4/1980") == "1980-03-04"
    matching.set_phone_region("DE")
    assert parse_birthday("3/4/1980") == "1980-04-03"


def test_a_region_comes_from_the_locale_unless_set() -> None:
    assert matching.region_from_locale("en_GB.UTF-8") == "GB"
    assert matching.region_from_locale("de_AT@euro") == "AT"
    assert matching.region_from_locale("C.UTF-8") == ""
    assert parse_birthday("12.03.1980") == "1980-03-12"  # dots: day first everywhere


def test_an_escaped_comma_keeps_one_category_and_category_counts() -> None:
    one, singular = _records("categories.vcf")
    assert one.tags == ["a, b, c"]
    assert singular.tags == ["Friends", "Work", "Berlin"]
    out = io.StringIO()
    write_vcards([one], out)
    assert "CATEGORIES:a\\, b\\, c\r\n" in out.getvalue()


def test_an_undeclared_8_bit_charset_is_detected_per_value() -> None:
    czech, french = _records("charset_qp.vcf")
    assert czech.display_name == "Antonín Dvořák"
    assert (czech.given_name, czech.family_name) == ("Antonín", "Dvořák")
    assert french.display_name == "Zoë Martínez"
    assert french.notes == "Café crème à Paris"


# --- phones as numbers ---------------------------------------------------------------------


def test_national_and_international_forms_of_a_number_are_one() -> None:
    matching.set_phone_region("GB")
    assert normalize_phone("020 7946 0958") == normalize_phone("+44 20 7946 0958")
    assert normalize_phone("+44 (0)20 7946 0958") == "+442079460958"
    known = KnownContacts.from_records(
        {1: ContactRecord(display_name="Ada Lovelace", phones=["+44 20 7946 0958"])}
    )
    [entry] = plan_import(
        [ContactRecord(display_name="Ada Lovelace", phones=["020 7946 0958"])], known
    ).entries
    assert (entry.action, entry.contact_id) == ("unchanged", 1)


def test_extensions_and_values_without_a_number_are_kept_as_written() -> None:
    assert normalize_phone("+1 555 0100 x12") == "+15550100;ext=12"
    assert normalize_phone("+1 555 0100 x12") != normalize_phone("+1 555 0100 x13")
    for text in ("x 5", "x13", "homephone", "fax"):
        assert normalize_phone(text) == ""  # never matched on
    identities = {phone_identity(p) for p in ("homephone", "fax", "x 5", "x13")}
    assert len(identities) == 4  # and never collapsed into one


def test_two_people_sharing_a_phone_stay_two_and_are_shown_as_likely_duplicates() -> None:
    switchboard = "+1 212 555 0100"
    known = KnownContacts.from_records(
        {1: ContactRecord(display_name="Ada Lovelace", phones=[switchboard])}
    )
    plan = plan_import(
        [
            ContactRecord(display_name="Charles Babbage", phones=[switchboard]),
            ContactRecord(display_name="Mary Somerville", phones=[switchboard]),
        ],
        known,
    )
    first, second = plan.entries
    assert first.action == "duplicate" and first.why == "phone" and first.candidates == [1]
    assert first.record is not None and first.record.display_name == "Charles Babbage"
    assert first.likely[0]["name"] == "Ada Lovelace"
    # Within the file too: another name with the same number is not folded in.
    assert second.record is not None and second.record.display_name == "Mary Somerville"
    data = plan.to_json()["entries"]
    assert data[0]["likely_duplicate"]["of"][0]["contact_id"] == 1


def test_eight_cards_with_one_name_and_nothing_else_are_hinted() -> None:
    plan = plan_import([ContactRecord(display_name="Jan Novak") for _ in range(8)], KnownContacts())
    assert [e.action for e in plan.entries] == ["new"] * 8
    assert plan.entries[0].why == ""
    assert all(e.why == "name" and e.similar == [0] for e in plan.entries[1:])


def test_the_android_file_keeps_two_people_who_share_a_phone() -> None:
    from tests.conftest import CORPUS

    path = CORPUS / "ezvcard__John_Doe_ANDROID.vcf"
    if not path.exists():
        pytest.skip(f"{path} not found: the real-file tests need ../shared beside the repo")
    records = [r for r in read_contact_file(path) if isinstance(r, ContactRecord)]
    plan = plan_import(records, KnownContacts())
    names = {e.record.display_name for e in plan.entries if e.record is not None}
    assert len([e for e in plan.entries if e.action == "new"]) == len(records)
    assert len(names) == len(records)


def test_reading_a_card_twice_gives_the_same_card() -> None:
    text = (FIXTURES / "agent21.vcf").read_text()
    first = [r for r in read_vcards(io.StringIO(text), "a.vcf") if isinstance(r, ContactRecord)]
    out = io.StringIO()
    write_vcards(first, out)
    again = [
        r for r in read_vcards(io.StringIO(out.getvalue()), "b.vcf") if isinstance(r, ContactRecord)
    ]
    assert [(r.display_name, r.title, r.notes, r.phones) for r in again] == [
        (r.display_name, r.title, r.notes, r.phones) for r in first
    ]
