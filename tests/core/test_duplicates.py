"""Likely duplicates across the network, and how two contacts' fields combine in a merge."""

from __future__ import annotations

import pytest

from netdesk.core.duplicates import (
    Candidate,
    MergePlan,
    Reason,
    Take,
    combine,
    default_take,
    find_pairs,
    merged_value,
    phone_key,
)


def _pair(pairs: list, a: int, b: int):  # type: ignore[no-untyped-def]
    found = [p for p in pairs if p.key == (a, b)]
    return found[0] if found else None


def test_one_person_with_a_national_and_an_international_number_is_a_sure_pair() -> None:
    people = [
        Candidate(1, "Priya Raman", phones=("020 7946 0958",)),
        Candidate(2, "Priya Raman", phones=("+44 20 7946 0958",), emails=("priya@x.example",)),
        Candidate(3, "Tom Baker", phones=("+44 20 7946 0000",)),
    ]
    pairs = find_pairs(people, region="GB")
    pair = _pair(pairs, 1, 2)
    assert pair is not None and pair.sure
    assert pair.reasons == {Reason.PHONE, Reason.NAME}
    assert pair.shared_phones == ("020 7946 0958",)
    assert "same phone number" in pair.describe().lower()
    assert [p.key for p in pairs] == [(1, 2)]


def test_the_same_number_in_both_forms_is_one_number() -> None:
    assert phone_key("020 7946 0958", "GB") == phone_key("+44 20 7946 0958") == "+442079460958"
    assert phone_key("0044 (0)20 7946-0958", "GB") == "+442079460958"
    assert phone_key("tel:+1-212-555-0100", None) == phone_key("(212) 555-0100", "US")
    # Extensions are kept, so two desks behind one switchboard stay two numbers.
    assert phone_key("+1 212 555 0100 x12") != phone_key("+1 212 555 0100 x13")
    # Values that are no number are no key: they pair no one.
    assert phone_key("fax") == phone_key("x 5") == phone_key("") == ""


def test_a_shared_switchboard_with_different_names_is_offered_but_never_sure() -> None:
    people = [
        Candidate(1, "Dana Whitfield", emails=("dana@acme.example",), phones=("+1 415 555 0100",)),
        Candidate(2, "Marcus Oyelaran", emails=("marcus@acme.example",), phones=("415-555-0100",)),
    ]
    pairs = find_pairs(people, region="US")
    assert len(pairs) == 1
    pair = pairs[0]
    assert pair.reasons == {Reason.PHONE}
    assert not pair.similar_names and not pair.sure
    assert "different names" in pair.describe()
    # A merge is only ever what the user asks for: offering a pair writes nothing, and the
    # default of a merge plan keeps both people's details.
    plan = MergePlan(1, 2)
    assert plan.take("notes", "", "met at the summit") is Take.SECOND


def test_a_name_typo_is_found_by_similarity() -> None:
    people = [
        Candidate(1, "Jonathan Whitaker", emails=("jw@one.example",)),
        Candidate(2, "Jonathon Whitaker", emails=("jonathan@two.example",)),
        Candidate(3, "Jonathan Whittaker"),
        Candidate(4, "Margaret Chen"),
        Candidate(5, "Whitaker, Jonathan"),
    ]
    pairs = find_pairs(people)
    keys = {p.key for p in pairs}
    assert {(1, 2), (1, 3), (2, 3), (1, 5), (2, 5), (3, 5)} <= keys
    assert not any(4 in p.key for p in pairs)
    typo = _pair(pairs, 1, 2)
    assert typo.reasons == {Reason.NAME} and 88 <= typo.name_score < 100
    assert not typo.sure  # a similar name alone is a question for the user
    assert _pair(pairs, 1, 5).name_score == 100  # "Family, Given" is the same name


def test_accents_and_case_do_not_hide_a_name() -> None:
    pairs = find_pairs([Candidate(1, "José Álvarez"), Candidate(2, "jose alvarez")])
    assert [p.key for p in pairs] == [(1, 2)] and pairs[0].name_score == 100


def test_email_and_linkedin_pair_whatever_the_spelling() -> None:
    people = [
        Candidate(1, "A. Okafor", emails=("Ben.Okafor@Example.org",)),
        Candidate(2, "Ben Okafor", emails=("mailto:ben.okafor@example.org",)),
        Candidate(3, "B Okafor", linkedin_url="https://www.linkedin.com/in/ben-okafor/"),
        Candidate(4, "Benjamin O.", linkedin_url="http://linkedin.com/in/Ben-Okafor?trk=x"),
        Candidate(5, "Nobody", linkedin_url="https://www.linkedin.com/"),
        Candidate(6, "Someone", linkedin_url="https://linkedin.com"),
    ]
    pairs = find_pairs(people)
    assert Reason.EMAIL in _pair(pairs, 1, 2).reasons
    linked = _pair(pairs, 3, 4)
    assert linked.reasons >= {Reason.LINKEDIN} and linked.sure
    assert _pair(pairs, 5, 6) is None  # LinkedIn's home page names no one


def test_dismissed_pairs_are_not_offered_again() -> None:
    people = [Candidate(1, "Ana Lima"), Candidate(2, "Ana Lima"), Candidate(3, "Ana Lima")]
    pairs = find_pairs(people, dismissed={(1, 2)})
    assert {p.key for p in pairs} == {(1, 3), (2, 3)}


def test_a_crowded_identifier_pairs_no_one_by_itself() -> None:
    """An info@ address or a switchboard held by many: only a similar name pairs them."""
    people = [
        Candidate(i, name, emails=("info@acme.example",))
        for i, name in enumerate(
            ["Ada Byron", "Bea Cole", "Cy Dunn", "Di Eames", "Ed Ford", "Flo Gray", "Gus Hale",
             "Hal Ives", "Ivy Jude", "Ada Byron"],
            1,
        )
    ]
    pairs = find_pairs(people)
    assert [p.key for p in pairs] == [(1, 10)]
    assert pairs[0].reasons == {Reason.EMAIL, Reason.NAME} and pairs[0].sure


def test_names_that_are_emails_or_empty_are_not_compared() -> None:
    pairs = find_pairs([Candidate(1, "x@y.example"), Candidate(2, "x@y.example"),
                        Candidate(3, ""), Candidate(4, "")])
    assert pairs == []


def test_the_scan_reports_progress_and_can_be_stopped() -> None:
    people = [Candidate(i, f"Person {i}") for i in range(1, 400)]
    seen: list[tuple[int, int]] = []
    find_pairs(people, report=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)

    class Stop(Exception):
        pass

    def stop(done: int, total: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        find_pairs(people, report=stop)


def test_fields_combine_without_losing_anything_by_default() -> None:
    assert default_take("title", "CTO", "") is Take.FIRST
    assert default_take("title", "", "CTO") is Take.SECOND
    assert default_take("title", "CTO", "VP") is Take.FIRST
    assert default_take("urls", "https://a.example", "https://b.example") is Take.BOTH
    assert default_take("tie", "unsorted", "advocate") is Take.SECOND
    assert default_take("reference_consent", 0, 1) is Take.SECOND
    assert combine("tags", "mentor, Alumni", "alumni, recruiter") == "mentor, Alumni, recruiter"
    assert combine("tags", "a\\, b", "c, A\\, B") == "a\\, b, c"  # a comma inside a tag
    a, b, c = "https://a.example", "https://b.example", "https://c.example"
    assert combine("urls", f"{a}\n{b}", f"{b}\n{c}") == f"{a}\n{b}\n{c}"
    assert combine("notes", "Met at PyCon.", "Likes chess.") == "Met at PyCon.\n\nLikes chess."
    assert combine("notes", "Met at PyCon. Likes chess.", "Likes chess.") == (
        "Met at PyCon. Likes chess."
    )
    # Tags always combine, whatever was chosen.
    assert merged_value("tags", Take.FIRST, "a", "b") == "a, b"
    assert merged_value("title", Take.SECOND, "CTO", "VP") == "VP"
    assert merged_value("title", Take.BOTH, "", "VP") == "VP"


def test_a_common_name_pairs_only_namesakes_at_one_company() -> None:
    people = [Candidate(i, "Chris Murphy", company=f"Company {i}") for i in range(1, 12)]
    people += [
        Candidate(20, "Chris Murphy", company="Vandelay Industries"),
        Candidate(21, "chris murphy", company="Vandelay Industries, Inc."),
    ]
    pairs = find_pairs(people)
    assert [p.key for p in pairs] == [(20, 21)]
    assert pairs[0].describe() == "Same name, both at Vandelay Industries"


def test_only_the_pairs_naming_some_contacts() -> None:
    people = [
        Candidate(1, "Jonathan Whitaker"),
        Candidate(2, "Jonathon Whitaker"),
        Candidate(3, "Ana Lima", emails=("ana@x.example",)),
        Candidate(4, "Ana Lima", emails=("ana@x.example",)),
        Candidate(5, "Ana Lim"),
    ]
    everyone = {p.key for p in find_pairs(people)}
    assert everyone == {(1, 2), (3, 4), (3, 5), (4, 5)}
    assert {p.key for p in find_pairs(people, only={5})} == {(3, 5), (4, 5)}
    assert {p.key for p in find_pairs(people, only={2, 4})} == {(1, 2), (3, 4), (4, 5)}
