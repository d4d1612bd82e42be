"""Every file of the shared public corpus through read_contact_file, against hand-checked values."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from netdesk.core.contact_files import read_contact_file, sniff_contact_file
from netdesk.core.records import ContactRecord, ImportProblem


def _corpus_dir() -> Path:
    env = os.environ.get("NETDESK_CORPUS")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "shared/corpus/public"


CORPUS = _corpus_dir()


@dataclass(frozen=True)
class Expect:
    kind: str
    records: int
    problems: int = 0
    names: tuple[str, ...] = ()  # all names in order (or the first ones, for big files)
    problem_lines: tuple[int, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)  # field of the first record -> value


N1 = "Ñ"
# Values written by reading each file by eye (see MANIFEST.tsv for what each one exercises).
EXPECTED: dict[str, Expect] = {
    "aospvcard__v21_complicated.vcf": Expect(
        "vcard", 1, names=("Joe Due",),
        extra={"organization": "Gump Shrimp Co.", "title": "Shrimp Man", "birthday": "1980-01-01",
               "given_name": "Forrest", "family_name": "Gump",
               "emails": ["forrestgump@walladalla.com", "cell@example.com"]},
    ),
    "aospvcard__v21_japanese_2.vcf": Expect(
        "vcard", 1, names=("安藤 ロイド 1",), extra={"family_name": "安藤", "notes": "メモ"},
    ),
    "capyloon__contacts_2000.vcf": Expect(
        "vcard", 2000, names=("Billy Cox", "Gregory Miller", "Diana Robinson"),
        extra={"phones": ["1-405-691-3878"]},
    ),
    "capyloon__contacts_6.vcf": Expect(
        "vcard", 6,
        names=("Clarence Martinez", "Diane Parker", "Elizabeth Wada", "Rebecca Noon",
               "Virginia Sutton", "William Betancourt"),
        extra={"birthday": "1989-03-03", "emails": ["ClarenceMMartinez@spambob.com"]},
    ),
    "eds__9.vcf": Expect(
        "vcard", 1, 2, names=("Frank Dawson",), problem_lines=(1, 9),
        extra={"organization": "Lotus Development Corporation"},
    ),
    "ezvcard__John_Doe_ANDROID.vcf": Expect(
        "vcard", 6,
        names=("john.doe@company.com", "jane.doe@company.com", " ".join([N1] * 5),
               " ".join([N1] * 11), " ".join([N1] * 4), N1 * 4),
        extra={"tags": ["My Contacts"]},
    ),
    "ezvcard__John_Doe_EVOLUTION.vcf": Expect(
        "vcard", 1, names=("Mr. John Richter, James Doe Sr.",),
        extra={"organization": "IBM", "tags": ["VIP"]},
    ),
    "ezvcard__John_Doe_IPHONE.vcf": Expect(
        "vcard", 1, names=("Mr. John Richter James Doe Sr.",),
        extra={"emails": ["john.doe@ibm.com"], "urls": ["http://www.ibm.com"],
               "photo_mime": "image/jpeg", "birthday": "2012-06-06", "nickname": "Johny"},
    ),
    "ezvcard__John_Doe_MS_OUTLOOK.vcf": Expect(
        "vcard", 1, names=("Mr. John Richter James Doe Sr.",),
        extra={"emails": ["john.doe@ibm.cm"], "photo_mime": "image/jpeg"},
    ),
    "ezvcard__gmail-single2.vcf": Expect(
        "vcard", 1, names=("VCard Test",),
        extra={"organization": "TheCompany", "title": "TheJobTitle", "birthday": "1912-06-23"},
    ),
    "ezvcard__outlook-2007.vcf": Expect(
        "vcard", 1, names=("Mr. Michael Angstadt Jr.",),
        extra={"emails": ["mike.angstadt@gmail.com"], "birthday": "1922-03-10"},
    ),
    "ezvcard__rfc6350-example.vcf": Expect(
        "vcard", 1, names=("Simon Perreault",),
        extra={"birthday": "--02-03", "organization": "Viagenie",
               "phones": ["+1-418-656-9254 ext. 102", "+1-418-262-6501"],
               "emails": ["simon.perreault@viagenie.ca"]},
    ),
    "ezvcard__thunderbird-MoreFunctionsForAddressBook-extension.vcf": Expect(
        "vcard", 1, names=("John Doe",), extra={"birthday": "1970-09-21"},
    ),
    "flashes__sample_connections.csv": Expect(
        "csv", 7,
        names=("Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson",
               "Linus Torvalds", "Margaret Hamilton", "Tim Berners-Lee"),
        extra={"linkedin_url": "https://www.linkedin.com/in/ada", "line": 6,
               "connected_on": dt.date(2026, 5, 14), "organization": "Analytical Engines",
               "title": "Founder & CEO"},
    ),
    "jdvcard__contacts.vcf": Expect(
        "vcard", 5,
        names=("Thies-Tillman Jacobsen", "Lenn Biernoth", "Ludwig-Götz Graßl", "Marita Kreutzer",
               "Kathi Hoelzl"),
    ),
    "kcontacts__testfullvcard.vcf": Expect(
        "vcard", 1, names=("Sherlock Holmes",),
        extra={"tags": ["FICTION", "LITERATURE"], "birthday": "1953-10-15"},
    ),
    "kcontacts__vcard3.vcf": Expect(
        "vcard", 1, names=("ian geiser",),
        extra={"emails": ["geiseri@yahoo.com"], "organization": "Source eXtreme"},
    ),
    "kcontacts__vcard5.vcf": Expect(
        "vcard", 1, names=("Mustermann, Heiko",), extra={"birthday": "1955-07-19"},
    ),
    "khard__altid.vcf": Expect("vcard", 1, names=("altid",), extra={"given_name": "one"}),
    "l0b0vcard__missing_end.vcf": Expect(
        "vcard", 1, 1, names=("John Ottoman Doe",), problem_lines=(1,),
    ),
    "nodevcf__vcard-4.0.vcf": Expect(
        "vcard", 1, names=("Forrest Gump",),
        extra={"phones": ["+11115551212", "+14045551212", "+14045551213"], "photo": None},
    ),
    "nodevcf__xing.vcf": Expect(
        "vcard", 1, names=("Hans-Peter Mustermann",),
        extra={"organization": "Example GmbH", "tags": ["Consulting"], "photo": None},
    ),
    "qtpim__vcard9.vcf": Expect(
        "vcard", 1, names=("Mr. Jtest Q. Public, Esq.",), extra={"birthday": "1995-04-15"},
    ),
    "radicale__broken-vcards.vcf": Expect(
        "vcard", 2,
        names=("test-misses-N-or-FN@example.com", "test-misses-N-or-FN@example1.com"),
    ),
    "roundcube__apple.vcf": Expect(
        "vcard", 1, names=("Apple Computer AG",),
        extra={"urls": ["http://www.apple.ch"], "photo_mime": "image/jpeg"},
    ),
    "roundcube__gmail.csv": Expect(
        "csv", 1, names=("Prefix Firstname Middle Lastname Suffix",),
        extra={"emails": ["home@aaa.pl", "work@email.pl", "unknown@email.com", "other@email.com"],
               "tags": ["Test"], "notes": 'note"note', "organization": "company",
               "title": "jobtitle", "birthday": "1975-12-12"},
    ),
    "roundcube__johndoe.vcf": Expect(
        "vcard", 1, names=("John Doë",), extra={"family_name": "Doë"},
    ),
    "roundcube__tb_plain.csv": Expect(
        "csv", 1, names=("Displayname",),
        extra={"emails": ["test@domain.tld", "next@domain.tld"], "birthday": "1970-11-15",
               "organization": "Organization"},
    ),
    "roundcube__utf-16_sample.vcf": Expect(
        "vcard", 1, names=("Ǽgean ĽdaMonté",), extra={"family_name": "ĽdaMonté"},
    ),
    "syncevolution__eds_contact.vcf": Expect(
        "vcard", 17,
        names=("parserbug=", "incomplete", "long line", "xml entities", "colon",
               "quotation marks", "spouse name", "charset", "Umlaut Ä Ö Ü ß",
               "special characters", "line breaks", "John Doe", "Ms. JPG", "Mrs. PNG",
               "Mr. First ; special ; middle Last", "Mr. GIF", "large vcard"),
    ),
    "syncevolution__vcard21.vcf": Expect(
        "vcard", 16,
        names=("incomplete", "long line", "John Doe", "Ms. JPG", "Mrs. PNG",
               "Mr. First ; special ; middle Last", "Mr. GIF", "large vcard", "xml entities",
               "colon", "quotation marks", "spouse name", "charset", "Umlaut Ä Ö Ü ß",
               "special characters", "line breaks"),
    ),
    "thunderbird__csv_semicolon.csv": Expect(
        "csv", 2, names=("John Doe", "Jane Doe"), extra={"emails": ["john@doe.invalid"]},
    ),
    "thunderbird__dos_vcard_addressbook.vcf": Expect(
        "vcard", 1, names=("Name Surname",), extra={"emails": ["example@gmail.com"]},
    ),
    "thunderbird__quote.csv": Expect(
        "csv", 1, names=("Acer America",), extra={"phones": ["(800) 000-0000"]},
    ),
    "thunderbird__shiftjis_addressbook.csv": Expect(
        "csv", 1, names=("名無しの権兵衛",),
        extra={"given_name": "権兵衛", "family_name": "名無し"},
    ),
    "thunderbird__v4-uri-jpeg.vcf": Expect(
        "vcard", 1, names=("URI JPEG, version 4.0",), extra={"photo_mime": "image/jpeg"},
    ),
    "vcard4android__allfields-vcard3.vcf": Expect(
        "vcard", 1, names=("Ämi Display",),
        extra={"organization": "ABC, Inc.", "title": "Director, Research and Development",
               "birthday": "1996-04-15", "emails": ["private@example.com", "work@example.com"]},
    ),
    "visualcard__VCard4GroupProps.vcf": Expect(
        "vcard", 1, names=("Sarah Santos",),
        extra={"emails": ["sarah.s@gmail.com", "sarah.s@sso.org"],
               "phones": ["589-210-1059", "589-210-1058"]},
    ),
}


def _corpus_files() -> list[str]:
    if not CORPUS.is_dir():
        return []
    return sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "MANIFEST.tsv")


@pytest.fixture(scope="module")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus folder ../shared/corpus/public not found: {CORPUS}")
    return CORPUS


def test_every_corpus_file_has_expectations(corpus: Path) -> None:
    assert set(_corpus_files()) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(corpus: Path, name: str) -> None:
    path = corpus / name
    if not path.exists():
        pytest.skip(f"{name} is not in this copy of the corpus")
    exp = EXPECTED[name]
    assert sniff_contact_file(path) == exp.kind
    items = list(read_contact_file(path))
    records = [i for i in items if isinstance(i, ContactRecord)]
    problems = [i for i in items if isinstance(i, ImportProblem)]
    assert (len(records), len(problems)) == (exp.records, exp.problems), problems
    names = [r.display_name for r in records]
    assert names[: len(exp.names)] == list(exp.names)
    assert sorted(p.line for p in problems) == sorted(exp.problem_lines)
    assert all(p.reason and p.source == name for p in problems)
    assert all(r.source == name and r.line >= 1 for r in records)
    for key, value in exp.extra.items():
        got = getattr(records[0], key)
        if isinstance(value, list) and not isinstance(got, str):
            assert got[: len(value)] == value, key
        else:
            assert got == value, key
    # Every card or row that has a name or an email comes out with one of them.
    assert all(r.display_name or r.emails for r in records)
