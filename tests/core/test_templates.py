"""Message templates: filling, ask detection, phrases, and the mailto hand-off."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netdesk.core.domain import CompanyStatus
from netdesk.core.templates import (
    DEFAULT_TEMPLATES,
    GENERIC_HELP,
    GIFT_SUGGESTIONS,
    PLACEHOLDERS,
    find_asks,
    helped_phrase,
    is_valid_email,
    mailto_url,
    offer_news,
    render,
    status_phrase,
)

VALUES = {
    "first_name": "Dana",
    "company": "Acme",
    "status_with_company": "I applied to Acme recently.",
    "helped": "the introduction to Sam and your interview advice",
    "my_name": "Lee",
    "offer_company": "Globex",
    "offer_news": "I've accepted an offer at Globex.",
    "application_company": "Umbrella Bio",
    "check_day": "tomorrow",
}


def test_default_templates_have_the_seven_kinds() -> None:
    assert set(DEFAULT_TEMPLATES) == {
        "status_update",
        "thank_you",
        "ask_joining",
        "ask_elsewhere",
        "reference_ask",
        "reference_heads_up",
        "follow_up",
    }
    for template in DEFAULT_TEMPLATES.values():
        assert template.rstrip().endswith("{my_name}")  # every message is signed


def test_templates_use_only_documented_placeholders() -> None:
    for template in DEFAULT_TEMPLATES.values():
        used = set(re.findall(r"\{(\w+)\}", template))
        assert used <= set(PLACEHOLDERS)
    for name in ("first_name", "company", "status_with_company", "helped", "my_name"):
        assert PLACEHOLDERS[name]
    assert "offer_company" in PLACEHOLDERS


def test_every_default_template_fills_completely() -> None:
    for template in DEFAULT_TEMPLATES.values():
        text = render(template, VALUES)
        assert "{" not in text and "}" not in text
        assert "  " not in text


def test_status_update_has_no_ask() -> None:
    template = DEFAULT_TEMPLATES["status_update"]
    assert find_asks(template) == []
    for status in CompanyStatus:
        values = {**VALUES, "status_with_company": status_phrase("Acme", status)}
        assert find_asks(render(template, values)) == []


def test_status_update_thanks_for_reading_and_is_short() -> None:
    text = render(DEFAULT_TEMPLATES["status_update"], VALUES)
    assert "Thanks for reading" in text
    assert "I applied to Acme recently." in text
    body = [line for line in text.splitlines()[1:-1] if line.strip()]
    assert 1 <= len(body) <= 2


def test_status_update_reads_well_without_a_status() -> None:
    text = render(DEFAULT_TEMPLATES["status_update"], {**VALUES, "status_with_company": ""})
    assert "  " not in text
    assert " \n" not in text
    assert "well.\nThanks for reading" in text


def test_thank_you_names_what_they_did() -> None:
    text = render(DEFAULT_TEMPLATES["thank_you"], VALUES)
    assert "Thank you for the introduction to Sam and your interview advice." in text


def test_closing_asks_ask_for_the_right_thing() -> None:
    joining = render(DEFAULT_TEMPLATES["ask_joining"], VALUES)
    assert "successful at Acme" in joining
    assert find_asks(joining)
    elsewhere = render(DEFAULT_TEMPLATES["ask_elsewhere"], VALUES)
    assert "one tip" in elsewhere and "new team" in elsewhere
    assert find_asks(elsewhere)


def test_render_leaves_unknown_placeholders_visible() -> None:
    assert render("Hi {first_name}, see {nope}", {"first_name": "Ana"}) == "Hi Ana, see {nope}"


def test_render_does_not_expand_values_again() -> None:
    assert render("{a} {b}", {"a": "{b}", "b": "x"}) == "{b} x"


@pytest.mark.parametrize(
    "template",
    ["{", "}", "{{", "}}", "{first_name", "first_name}", "{0}", "{ first_name }", "{{first_name}}"],
)
def test_render_survives_stray_braces(template: str) -> None:
    out = render(template, {"first_name": "Ana"})
    assert isinstance(out, str)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Hi {first_name}, hello", "Hi, hello"),
        ("a {x} b", "a b"),
        ("a{x} b", "a b"),
        ("a {x}{x} b", "a b"),
        ("one. {x}\ntwo", "one.\ntwo"),
        ("{x} start", "start"),
        ("end {x}", "end"),
        ("(see {x})", "(see)"),
    ],
)
def test_render_closes_gaps_left_by_empty_values(template: str, expected: str) -> None:
    assert render(template, {"first_name": "", "x": ""}) == expected


def test_render_keeps_the_authors_own_spacing() -> None:
    assert render("a  b {x}", {"x": "c"}) == "a  b c"


@given(st.text(), st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=20)))
def test_render_never_raises(template: str, values: dict[str, str]) -> None:
    assert isinstance(render(template, values), str)


@given(st.text(max_size=40))
def test_render_without_placeholders_is_identity(text: str) -> None:
    if not re.search(r"\{\w+\}", text):
        assert render(text, {"first_name": "x"}) == text


@pytest.mark.parametrize(
    "text",
    [
        "Is there anything open?",
        "Could you take a look at my CV",
        "WOULD YOU be open to chatting",
        "can you refer me to the hiring manager",
        "Happy to hear if there are any openings",
        "Maybe you could put in a word for me",
        "Let me know if you hear of anything",
        "I'm looking for a referral at Acme",
        "Could you introduce me to Sam",
    ],
)
def test_find_asks_finds_requests(text: str) -> None:
    assert find_asks(text)


def test_find_asks_reports_each_phrase_once_in_order() -> None:
    text = "Could you refer me? And could you also... Let me know if so?"
    assert find_asks(text) == ["Could you", "refer me", "?", "Let me know if"]


def test_find_asks_ignores_plain_news() -> None:
    assert find_asks("I'm interviewing with Acme. Thanks for reading!") == []
    assert find_asks("Scan your notes; I canyon-hike.") == []


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (CompanyStatus.APPLIED, "I applied to Acme recently."),
        (CompanyStatus.INTERVIEWING, "I'm interviewing with Acme, which is exciting."),
        (CompanyStatus.NONE, ""),
    ],
)
def test_status_phrase(status: CompanyStatus, expected: str) -> None:
    assert status_phrase("Acme", status) == expected


def test_status_phrase_covers_every_status_and_names_the_company() -> None:
    for status in CompanyStatus:
        phrase = status_phrase("Acme", status)
        assert phrase == "" or ("Acme" in phrase and phrase.endswith("."))
    assert status_phrase("  ", CompanyStatus.APPLIED) == ""


def test_offer_news() -> None:
    assert offer_news("Globex", accepted=True) == "I've accepted an offer at Globex."
    assert offer_news("Globex", accepted=False) == "I've received an offer from Globex."


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], ""),
        (["A"], "A"),
        (["A", "B"], "A and B"),
        (["A", "B", "C"], "A, B and C"),
        (["A", " ", "B"], "A and B"),
    ],
)
def test_helped_phrase(items: list[str], expected: str) -> None:
    assert helped_phrase(items) == expected


def test_generic_help_reads_after_thank_you_for() -> None:
    text = render(DEFAULT_TEMPLATES["thank_you"], {**VALUES, "helped": GENERIC_HELP})
    assert "Thank you for your support" in text


def test_gift_suggestions() -> None:
    joined = " ".join(GIFT_SUGGESTIONS)
    for word in ("candle", "flowers", "pen", "college", "handwritten note", "thank-you email"):
        assert word in joined


def _decode(url: str) -> tuple[str, list[str], dict[str, list[str]]]:
    assert url.startswith("mailto:")
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert parts.fragment == ""
    # RFC 6068: recipients are separated by literal commas before percent-decoding.
    recipients = parts.path.split(",")
    return unquote(parts.path), recipients, parse_qs(parts.query, keep_blank_values=True)


def test_mailto_plain() -> None:
    url = mailto_url("dana@acme.example", "Thank you", "Hi Dana,\n\nThanks!")
    to, recipients, query = _decode(url)
    assert to == "dana@acme.example"
    assert len(recipients) == 1
    assert query == {"subject": ["Thank you"], "body": ["Hi Dana,\r\n\r\nThanks!"]}
    assert "%0D%0A" in url


@pytest.mark.parametrize(
    "address",
    [
        "a@b.com?bcc=x@y.z",
        "a@b.com&cc=x@y.z",
        "a@b.com,x@y.z",
        "a@b.com%2Cx@y.z",
        "a@b.com#frag",
        "a@b.com\r\nBcc: x@y.z",
        "a@b.com;x@y.z",
    ],
)
def test_mailto_address_cannot_add_recipients_or_headers(address: str) -> None:
    url = mailto_url(address, "Hi & bye?", "x&cc=evil@y.z\n#")
    to, recipients, query = _decode(url)
    assert len(recipients) == 1
    assert to == address.strip()
    assert set(query) == {"subject", "body"}
    assert query["subject"] == ["Hi & bye?"]
    assert query["body"] == ["x&cc=evil@y.z\r\n#"]


def test_mailto_subject_is_one_line_and_utf8() -> None:
    url = mailto_url("zoë@exämple.example", "Merci\r\nBcc: x@y.z", "Grüße, Zoë ✨")
    to, _, query = _decode(url)
    assert to == "zoë@exämple.example"
    assert query["subject"] == ["Merci Bcc: x@y.z"]
    assert query["body"] == ["Grüße, Zoë ✨"]
    assert "%C3%BC" in url


@given(st.text(), st.text(), st.text())
def test_mailto_never_yields_more_than_one_recipient(address: str, subject: str, body: str) -> None:
    url = mailto_url(address, subject, body)
    parts = urlsplit(url)
    assert "," not in parts.path and "?" not in parts.path and "#" not in url
    assert [pair.split("=")[0] for pair in parts.query.split("&")] == ["subject", "body"]


@pytest.mark.parametrize(
    "good", ["dana@acme.example", "first.last+tag@sub.domain.example", "zoë@exämple.example"]
)
def test_valid_emails(good: str) -> None:
    assert is_valid_email(good)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "dana",
        "@acme.example",
        "dana@acme",
        "dana@@acme.example",
        "a@b@c.example",
        "dana @acme.example",
        "dana@acme.example\n",
        "a@b.com?bcc=x@y.z",
        "a@b.com,x@y.z",
        "a@b.com;x@y.z",
        "dana@.example",
        "dana@acme.",
        "dana\x00@acme.example",
    ],
)
def test_invalid_emails(bad: str) -> None:
    assert not is_valid_email(bad)
