"""Message templates for status updates and thank-yous, and their safe hand-off to mail."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote

from netdesk.core.domain import CompanyStatus

# Each template is a whole message; the composer fills it per person and the user edits it.
DEFAULT_TEMPLATES: dict[str, str] = {
    # Rule 3: one or two lines, no request in it. find_asks() must find nothing here.
    "status_update": (
        "Hi {first_name},\n"
        "\n"
        "A quick update on my job search: it's moving along well. {status_with_company}\n"
        "Thanks for reading, and I hope all is well with you.\n"
        "\n"
        "{my_name}"
    ),
    # Rule 4: say what they did, specifically.
    "thank_you": (
        "Hi {first_name},\n"
        "\n"
        "Thank you for {helped}. It made a real difference to my search, and I'm grateful "
        "for your time.\n"
        "\n"
        "{my_name}"
    ),
    # Rule 8, joining their organization: a meeting to learn how to do well there.
    "ask_joining": (
        "Hi {first_name},\n"
        "\n"
        "I'm happy to share that I've accepted an offer at {offer_company}, so we'll be "
        "working together soon. Thank you for {helped}; it helped me get here.\n"
        "\n"
        "Once I've started, would you have time to meet for half an hour? I'd love your "
        "tips on how to be successful at {company}.\n"
        "\n"
        "Thank you again,\n"
        "{my_name}"
    ),
    # Rule 8, going elsewhere: one tip for joining a new team. Rule 6 rides in
    # {status_with_company} when the user turned down the contact's company.
    "ask_elsewhere": (
        "Hi {first_name},\n"
        "\n"
        "I'm happy to share some news: {offer_news} {status_with_company}\n"
        "Thank you for {helped}. It meant a lot to me.\n"
        "\n"
        "As I get ready to join a new team, what is one tip you would give me for "
        "succeeding there?\n"
        "\n"
        "Thank you again,\n"
        "{my_name}"
    ),
    # Rule 9: ask an advocate to be a reference for one application.
    "reference_ask": (
        "Hi {first_name},\n"
        "\n"
        "I'm applying for a role at {application_company}, and you know my work as well as "
        "anyone. Would you be willing to be one of my references? I'll tell you before they "
        "get in touch.\n"
        "\n"
        "Thank you,\n"
        "{my_name}"
    ),
    # Rule 9: the heads-up before a reference check.
    "reference_heads_up": (
        "Hi {first_name},\n"
        "\n"
        "A heads-up: {application_company} may call you for a reference {check_day}. Thank "
        "you again for speaking for me.\n"
        "\n"
        "{my_name}"
    ),
    # Rules 1 and 2: a short note to someone met recently, or not written to for a while.
    "follow_up": (
        "Hi {first_name},\n"
        "\n"
        "Thank you for your time when we last spoke. I enjoyed it, and I'd be glad to stay "
        "in touch.\n"
        "\n"
        "{my_name}"
    ),
}

PLACEHOLDERS: dict[str, str] = {
    "first_name": "The contact's first name, as you greet them.",
    "company": "The contact's company.",
    "status_with_company": (
        "Where you stand with the contact's company, as a sentence "
        '("I applied to Acme recently."), or nothing when you have no status there.'
    ),
    "helped": (
        "What the contact did for you, worded to follow \"Thank you for\", e.g. "
        '"the introduction to Sam and your interview advice". Anything you wrote that does '
        'not read that way is quoted: "what you did (“Introduced me to Sam”)".'
    ),
    "my_name": "Your name, to sign the message.",
    "offer_company": "The company whose offer you received or accepted.",
    "offer_news": ('Your offer news as a sentence, e.g. "I\'ve accepted an offer at Acme."'),
    "application_company": "The company you applied to, where you name them as a reference.",
    "check_day": 'When the reference check is expected, e.g. "tomorrow", "on 3 December 2026".',
}

# Used for {helped} when nothing is recorded, so the thanks still reads warmly.
GENERIC_HELP = "your support and encouragement during my search"

RECENT_GRADUATE_GIFT = "a college-related item (they graduated recently)"

GIFT_SUGGESTIONS: tuple[str, ...] = (
    "a nice candle",
    "flowers",
    "a good pen",
    RECENT_GRADUATE_GIFT,
    "a handwritten note",
    "a thank-you email",
)

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Characters after which a gap left by an empty value should close up entirely.
_CLOSES_GAP = ",.;:!?)"


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill the placeholders found in `values`; leave any other `{x}` visible as it is.

    A value is inserted as-is (never expanded again). Where an empty value would leave two
    spaces, or a space before punctuation or a line end, the gap closes up.
    """
    out: list[str] = []
    gap = False  # an empty value was just skipped
    spaced = False  # and there was a space on one side of it

    def emit(text: str) -> None:
        nonlocal gap, spaced
        if not text:
            return
        if gap:
            stripped = text.lstrip(" \t")
            spaced = spaced or len(stripped) != len(text)
            if not stripped:
                return  # only spaces so far: keep looking for the next real character
            before = out[-1][-1] if out and out[-1] else "\n"
            if spaced and before != "\n" and stripped[0] not in _CLOSES_GAP + "\n":
                out.append(" ")
            text = stripped
            gap = spaced = False
        out.append(text)

    def skip() -> None:
        nonlocal gap, spaced
        while out:
            last = out.pop()
            trimmed = last.rstrip(" \t")
            spaced = spaced or len(trimmed) != len(last)
            if trimmed:
                out.append(trimmed)
                break
        gap = True

    pos = 0
    for match in _PLACEHOLDER.finditer(template):
        emit(template[pos : match.start()])
        pos = match.end()
        name = match.group(1)
        if name not in values:
            emit(match.group(0))
        elif values[name]:
            emit(values[name])
        else:
            skip()
    emit(template[pos:])
    return "".join(out)


# Phrases that turn a message into a request; the composer warns when a status update has one.
_ASK_PATTERNS = [
    r"\?",
    r"\bcould you\b",
    r"\bwould you\b",
    r"\bcan you\b",
    r"\bwill you\b",
    r"\bwould it be possible\b",
    r"\bwould you mind\b",
    r"\brefer me\b",
    r"\bintroduce me\b",
    r"\bput me in touch\b",
    r"\bconnect me with\b",
    r"\bany openings\b",
    r"\bany open (?:roles|positions)\b",
    r"\bput in a (?:good )?word\b",
    r"\bput a (?:good )?word in\b",
    r"\blet me know if\b",
    r"\blooking for a referral\b",
    r"\bkeep me in mind\b",
    r"\bkeep an eye out\b",
    r"\bpass (?:along|on) my (?:resume|résumé|cv)\b",
    r"\bif you hear of\b",
    r"\bdo you know (?:anyone|of)\b",
    r"\bi was hoping you\b",
    r"\bi'd appreciate it if\b",
]
_ASKS = re.compile("|".join(f"(?:{p})" for p in _ASK_PATTERNS), re.IGNORECASE)


def find_asks(text: str) -> list[str]:
    """The phrases in `text` that ask for something, in order, each once (as written)."""
    found: list[str] = []
    seen: set[str] = set()
    for match in _ASKS.finditer(text):
        phrase = match.group(0)
        key = phrase.casefold()
        if key not in seen:
            seen.add(key)
            found.append(phrase)
    return found


_STATUS_SENTENCES = {
    CompanyStatus.NONE: "",
    CompanyStatus.INTERESTED: "I'm keeping an eye on roles at {company}.",
    CompanyStatus.APPLIED: "I applied to {company} recently.",
    CompanyStatus.INTERVIEWING: "I'm interviewing with {company}, which is exciting.",
    CompanyStatus.OFFER: "I have an offer from {company}.",
    CompanyStatus.ACCEPTED: "I've accepted an offer at {company}.",
    CompanyStatus.DECLINED: (
        "I decided to turn down the offer from {company}, which was not an easy choice."
    ),
    CompanyStatus.REJECTED: (
        "{company} went with another candidate, but I enjoyed getting to know the team."
    ),
}


def status_phrase(company: str, status: CompanyStatus) -> str:
    """Where the user stands with `company`, as a sentence for {status_with_company}."""
    company = company.strip()
    if not company:
        return ""
    return _STATUS_SENTENCES[CompanyStatus(status)].format(company=company)


def offer_news(offer_company: str, *, accepted: bool) -> str:
    """The offer as a sentence for {offer_news}."""
    company = offer_company.strip() or "a new company"
    if accepted:
        return f"I've accepted an offer at {company}."
    return f"I've received an offer from {company}."


def helped_phrase(items: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C' from what a contact did; blank items are dropped."""
    parts = [item.strip() for item in items if item.strip()]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# What the user types is theirs: a sentence shows it inside these marks rather than splice it
# into a clause that assumes its grammatical form.
OPEN_QUOTE = "“"
CLOSE_QUOTE = "”"
_TRAILING = " \t.,;:"


def as_typed(text: str) -> str:
    """The user's words on one line, without a closing full stop or comma (the sentence
    around them has its own); empty when nothing but those was typed."""
    return " ".join(text.split()).rstrip(_TRAILING)


def counted(n: int, one: str, many: str) -> str:
    """A count and its noun: "1 contact", "1,204 contacts"."""
    return f"{n:,} {one if n == 1 else many}"


def quoted(text: str) -> str:
    """The user's words (`as_typed`) inside quotation marks: '“Met at the fair”'."""
    return OPEN_QUOTE + as_typed(text) + CLOSE_QUOTE


def quoted_list(items: Sequence[str]) -> str:
    """'“A”', '“A” and “B”', ... from the user's phrases; blank
    ones dropped, each once."""
    return helped_phrase([quoted(item) for item in _distinct(items)])


def _distinct(items: Sequence[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        text = as_typed(item)
        if text and text not in out:
            out.append(text)
    return out


# First words after which a phrase reads as the object of "Thank you for ...".
_OBJECT_STARTS = frozenset(
    {
        "the", "a", "an", "your", "all", "that", "this", "these", "those", "some", "any",
        "every", "each", "such", "so", "much", "many", "everything", "both"
    }
)
# First words that make a phrase a clause or the wrong point of view for a message to them:
# "Thank you for I ...", "Thank you for me ...", "Thank you for their ...".
_NOT_OBJECT = frozenset(
    {
        "i", "me", "my", "we", "us", "our", "they", "them", "their", "he", "him", "his", "she",
        "her", "it", "its", "you", "for", "with", "and", "or", "but", "to", "of", "at", "in",
        "on", "by", "from", "as", "is", "are", "was", "were", "be", "been", "has", "have",
        "had", "do", "did", "does", "will", "would", "can", "could", "should", "may", "might",
        "must", "not", "no", "yes", "thanks", "thank", "please"
    }
)
# Common past-tense forms without -ed: "gave me a reference" is a clause, not a thing.
_IRREGULAR_PAST = frozenset(
    {
        "gave", "made", "sent", "told", "got", "took", "put", "brought", "wrote", "met", "set",
        "let", "found", "spoke", "came", "went", "said", "kept", "taught", "lent", "paid",
        "bought", "ran", "saw", "knew", "thought", "gotten", "given", "written", "taken",
        "shown", "showed", "left", "held"
    }
)


def as_thanks_object(phrase: str) -> str | None:
    """`phrase` as it reads after "Thank you for", or None when it does not read that way.

    "the introduction to Sam", "The mock interview" (lowered: "the mock interview"),
    "interview advice" and "introducing me to Sam" read that way; "Introduced me to their
    hiring manager", "gave me a reference", "Sam's intro" and "I got the job" do not.
    """
    # A closing "!" or "?" would fight the sentence's own full stop.
    text = " ".join(phrase.split()).rstrip(_TRAILING + "!?")
    if not text:
        return None
    words = text.split()
    first = words[0]
    lower = first.lower()
    if not first.isalpha():
        return None
    if lower in _OBJECT_STARTS:
        if len(words) < 2:
            return None
        # "The mock interview": only a capital the sentence gave it is lowered.
        return (lower + text[len(first) :]) if first[1:] == lower[1:] else None
    if lower.endswith("ing") and len(lower) > 4 and first[1:] == lower[1:]:
        return lower + text[len(first) :]  # "Introducing me to Sam"
    if first != lower or first[0].isupper():  # "𝘼" is a capital that has no small form
        return None  # a capital in mid-sentence: a name or a sentence of the user's
    if lower in _NOT_OBJECT or lower in _IRREGULAR_PAST:
        return None
    if lower.endswith("ed") and len(lower) > 4:
        return None  # "introduced me to ...", "helped with ..."
    return text


def thanks_for(items: Sequence[str]) -> str:
    """The {helped} of a message: what a contact did, worded to follow "Thank you for".

    Phrases that read that way are joined as they are ("the introduction to Sam and your
    interview advice"); the rest are quoted behind words that fit any phrase ("what you did
    (“Introduced me to their hiring manager”)"). Empty when nothing is recorded.
    """
    fitting: list[str] = []
    other: list[str] = []
    for text in _distinct(items):
        as_object = as_thanks_object(text)
        if as_object is not None:
            fitting.append(as_object)
        else:
            other.append(text)
    parts = list(fitting)
    if other:
        also = "everything else you did" if fitting else "what you did"
        parts.append(f"{also} ({quoted_list(other)})")
    return helped_phrase(parts)


def _one_line(text: str) -> str:
    # A subject is a header: a line break in it means nothing a mail program should honour.
    return " ".join(text.split())


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def mailto_url(address: str, subject: str, body: str) -> str:
    """A mailto: URL (RFC 6068) for one recipient, with only a subject and a body.

    Everything is percent-encoded as UTF-8, so no character in the address, subject or
    body can add a recipient or a header.
    """
    return (
        "mailto:"
        + quote(address.strip(), safe="@", errors="replace")
        + "?subject="
        + quote(_one_line(subject), safe="", errors="replace")
        + "&body="
        + quote(_crlf(body), safe="", errors="replace")
    )


_FORBIDDEN_IN_EMAIL = set(' ?,;<>"()[]\\')


def is_valid_email(s: str) -> bool:
    """A pragmatic check that `s` is one plain address: name@domain.tld, nothing else."""
    if s.count("@") != 1:
        return False
    if any(ch in _FORBIDDEN_IN_EMAIL or ch.isspace() or not ch.isprintable() for ch in s):
        return False
    local, domain = s.split("@")
    if not local or "." not in domain:
        return False
    return all(domain.split("."))
