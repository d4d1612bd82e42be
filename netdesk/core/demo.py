"""A deterministic synthetic network of any size, for --demo, screenshots, tests and benchmarks."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from netdesk.core.domain import (
    CompanyStatus,
    Direction,
    HowKnown,
    InteractionKind,
    SearchState,
    Tie,
)
from netdesk.core.records import ContactRecord


@dataclass(slots=True)
class DemoInteraction:
    kind: InteractionKind
    at: dt.datetime
    summary: str
    helped: str  # what the contact did, worded to follow "Thank you for"; "" for most
    direction: Direction


@dataclass(slots=True)
class DemoContact:
    record: ContactRecord
    tie: Tie
    how_known: HowKnown
    company: str
    interactions: list[DemoInteraction]  # oldest first
    reference_consent: bool
    above_and_beyond: bool
    cadence_days: int | None  # a per-contact override; None uses the tie's default


@dataclass(slots=True)
class DemoCompany:
    name: str
    status: CompanyStatus


@dataclass(slots=True)
class DemoNetwork:
    companies: list[DemoCompany]
    contacts: Iterator[DemoContact]  # generated lazily, once: a big network never sits in memory
    search_state: SearchState
    search_started: dt.date
    offer_company: str  # the company furthest along, for trying the offer wrap-up


# (name, ascii form for emails and URLs); "" means derive it by dropping accents.
_FIRST_NAMES: tuple[tuple[str, str], ...] = (
    ("Dana", ""),
    ("Sam", ""),
    ("Priya", ""),
    ("Wei", ""),
    ("Olu", ""),
    ("María", ""),
    ("José", ""),
    ("Zoë", ""),
    ("Chloé", ""),
    ("Søren", "soren"),
    ("Björn", ""),
    ("Łukasz", "lukasz"),
    ("François", ""),
    ("Renée", ""),
    ("Aoife", ""),
    ("Siobhán", ""),
    ("Kwame", ""),
    ("Amara", ""),
    ("Chidi", ""),
    ("Fatima", ""),
    ("Omar", ""),
    ("Leila", ""),
    ("Yusuf", ""),
    ("Mehmet", ""),
    ("Elif", ""),
    ("Arjun", ""),
    ("Ananya", ""),
    ("Ravi", ""),
    ("Hiroshi", ""),
    ("Yuki", ""),
    ("Min-jun", ""),
    ("Ji-woo", ""),
    ("Mei", ""),
    ("Jun", ""),
    ("Thanh", ""),
    ("Linh", ""),
    ("Kai", ""),
    ("Noa", ""),
    ("Tomás", ""),
    ("Lucía", ""),
    ("Mateus", ""),
    ("Giulia", ""),
    ("Luca", ""),
    ("Anna", ""),
    ("Nikolai", ""),
    ("Olga", ""),
    ("Ingrid", ""),
    ("Lars", ""),
    ("Emma", ""),
    ("Liam", ""),
    ("Grace", ""),
    ("Marcus", ""),
    ("Jamal", ""),
    ("Keisha", ""),
    ("Diego", ""),
    ("Camila", ""),
    ("Ahmed", ""),
    ("Nadia", ""),
    ("Tariq", ""),
    ("Aisha", ""),
    ("Ben", ""),
    ("Rachel", ""),
    ("Avi", ""),
    ("Talia", ""),
    ("Sione", ""),
    ("Ana", ""),
    ("Rangi", ""),
    ("Aroha", ""),
    ("Dmitri", ""),
    ("Alex", ""),
    ("Jordan", ""),
    ("Taylor", ""),
    ("Chris", ""),
    ("Pat", ""),
    ("Morgan", ""),
    ("Eun-ji", ""),
)
_LAST_NAMES: tuple[tuple[str, str], ...] = (
    ("Okafor", ""),
    ("Nguyen", ""),
    ("García", ""),
    ("Müller", "mueller"),
    ("Kowalski", ""),
    ("Johansson", ""),
    ("Patel", ""),
    ("Sharma", ""),
    ("Chen", ""),
    ("Wang", ""),
    ("Kim", ""),
    ("Park", ""),
    ("Tanaka", ""),
    ("Sato", ""),
    ("Mensah", ""),
    ("Adeyemi", ""),
    ("Haddad", ""),
    ("Yılmaz", "yilmaz"),
    ("Khan", ""),
    ("Hussain", ""),
    ("O'Brien", "obrien"),
    ("Murphy", ""),
    ("Rossi", ""),
    ("Bianchi", ""),
    ("Silva", ""),
    ("Santos", ""),
    ("Fernández", ""),
    ("López", ""),
    ("Dubois", ""),
    ("Lefèvre", ""),
    ("Novák", ""),
    ("Horváth", ""),
    ("Ivanova", ""),
    ("Petrov", ""),
    ("Andersen", ""),
    ("Nielsen", ""),
    ("Smith", ""),
    ("Johnson", ""),
    ("Williams", ""),
    ("Brown", ""),
    ("Cohen", ""),
    ("Levi", ""),
    ("Tupou", ""),
    ("Ngata", ""),
    ("Abebe", ""),
    ("Mwangi", ""),
    ("Diallo", ""),
    ("Tran", ""),
    ("Pham", ""),
    ("Reyes", ""),
    ("Cruz", ""),
    ("Van der Berg", "vanderberg"),
    ("da Costa", ""),
)
# Whole names in other scripts: (given, family, display, ascii given, ascii family).
_SCRIPT_NAMES: tuple[tuple[str, str, str, str, str], ...] = (
    ("美咲", "佐藤", "佐藤 美咲", "misaki", "sato"),
    ("伟", "王", "王伟", "wei", "wang"),
    ("지민", "박", "박지민", "jimin", "park"),
    ("Дмитрий", "Иванов", "Дмитрий Иванов", "dmitry", "ivanov"),
    ("Αλέξανδρος", "Παπαδόπουλος", "Αλέξανδρος Παπαδόπουλος", "alexandros", "papadopoulos"),
    ("प्रिया", "शर्मा", "प्रिया शर्मा", "priya", "sharma"),
    ("ليلى", "حداد", "ليلى حداد", "layla", "haddad"),
    ("נועה", "לוי", "נועה לוי", "noa", "levi"),
)

_COMPANY_NAMES = (
    "Northwind Analytics",
    "Bluebird Health",
    "Acme Robotics",
    "Globex Logistics",
    "Initech Software",
    "Umbrella Bio",
    "Stark Energy",
    "Wayne Financial",
    "Hooli",
    "Pied Piper",
    "Vandelay Industries",
    "Soylent Foods",
    "Tyrell Systems",
    "Cyberdyne Labs",
    "Wonka Confections",
    "Gringotts Bank",
    "Oceanic Air",
    "Monarch Media",
    "Sirius Cybernetics",
    "Aperture Science",
    "Black Mesa Research",
    "Dunder Paper",
    "Prestige Worldwide",
    "Nakatomi Trading",
    "Massive Dynamic",
    "Oscorp Materials",
    "Virtucon",
    "Blue Sun Foods",
    "Weyland Space",
    "Abstergo Health",
    "Gekko & Co",
    "Sterling Cooper",
    "Bluth Homes",
    "Los Pollos Hermanos",
    "Krusty Krab Dining",
    "Duff Beverages",
    "Paper Street Soap",
    "Zorg Industries",
    "Rekall Travel",
    "Lumon Industries",
)

_TITLES = (
    "Data Scientist",
    "Senior Data Engineer",
    "Engineering Manager",
    "Product Manager",
    "Software Engineer",
    "Staff Engineer",
    "UX Researcher",
    "Product Designer",
    "Technical Recruiter",
    "Head of Talent",
    "VP of Engineering",
    "Analytics Lead",
    "Machine Learning Engineer",
    "Director of Product",
    "Developer Advocate",
    "CTO",
    "Program Manager",
    "QA Lead",
    "Site Reliability Engineer",
    "Marketing Manager",
)

_EVENTS = (
    "the PyData meetup",
    "the Women in Tech breakfast",
    "DevOps Days",
    "the alumni mixer",
    "the product managers' happy hour",
    "the local AI meetup",
    "the career fair downtown",
    "the data engineering conference",
    "the hack night at the library",
    "the Black Tech Founders panel",
    "the design systems meetup",
    "PyCon",
)
_CAFES = (
    "Blue Bottle",
    "the café near their office",
    "Ritual Coffee",
    "Tartine",
    "Sightglass",
    "the bakery on Main Street",
    "Philz",
    "a tea house downtown",
)
_TOPICS = (
    "the data team",
    "their platform group",
    "how they moved into management",
    "the design team's hiring plans",
    "what the first 90 days there are like",
    "their new analytics product",
    "working remotely across time zones",
    "the machine learning roadmap",
    "how interviews work at their company",
    "switching from consulting to product",
)
_TAGS = (
    "python",
    "data",
    "mentor",
    "recruiter",
    "alumni",
    "design",
    "hiring",
    "pydata",
    "former team",
    "volunteer",
    "conference",
    "referral",
)
_NOTES = (
    "Loves trail running; ask how the marathon went.",
    "Two kids, coaches their football team on weekends.",
    "Moved from Lagos in 2019. Knows everyone in the data community.",
    "Prefers messages to calls.",
    "Writes a newsletter on product analytics.",
    "Introduced by a former colleague. Very generous with time.",
    "Mentioned their team might grow next quarter.",
    "Volunteers at the food bank on Saturdays.",
    "Speaks at meetups; recommended two books on leadership.",
)
_AREA_CODES = ("212", "312", "415", "503", "617", "646", "720", "206", "512", "404")


class _Scenario(Enum):
    """Which follow-up situation a contact is set up to show."""

    NONE = "never touched"
    MET = "met and never followed up"
    OVERDUE = "overdue for their cadence"
    QUIET = "quiet for 90+ days"
    DUE_SOON = "due in the coming days"
    RECENT = "recently touched"
    REGULAR = "anything"


# Every network opens with these, so even a small one shows every situation.
_OPENING: tuple[tuple[Tie, _Scenario], ...] = (
    (Tie.ADVOCATE, _Scenario.OVERDUE),
    (Tie.WORK_ACQUAINTANCE, _Scenario.MET),
    (Tie.ADVOCATE, _Scenario.DUE_SOON),
    (Tie.WORK_ACQUAINTANCE, _Scenario.QUIET),
    (Tie.ADVOCATE, _Scenario.RECENT),
    (Tie.WORK_ACQUAINTANCE, _Scenario.MET),
    (Tie.UNSORTED, _Scenario.NONE),
    (Tie.ADVOCATE, _Scenario.OVERDUE),
    (Tie.WORK_ACQUAINTANCE, _Scenario.MET),
    (Tie.WORK_ACQUAINTANCE, _Scenario.DUE_SOON),
    (Tie.UNSORTED, _Scenario.QUIET),
    (Tie.ADVOCATE, _Scenario.QUIET),
    (Tie.WORK_ACQUAINTANCE, _Scenario.RECENT),
)

_TIES = (Tie.ADVOCATE, Tie.WORK_ACQUAINTANCE, Tie.UNSORTED)
_TIE_WEIGHTS = (20, 45, 35)
_SCENARIOS: dict[Tie, tuple[tuple[_Scenario, ...], tuple[int, ...]]] = {
    Tie.ADVOCATE: (
        (
            _Scenario.RECENT,
            _Scenario.DUE_SOON,
            _Scenario.OVERDUE,
            _Scenario.QUIET,
            _Scenario.REGULAR,
        ),
        (15, 15, 25, 15, 30),
    ),
    Tie.WORK_ACQUAINTANCE: (
        (
            _Scenario.MET,
            _Scenario.RECENT,
            _Scenario.DUE_SOON,
            _Scenario.OVERDUE,
            _Scenario.QUIET,
            _Scenario.REGULAR,
        ),
        (10, 10, 10, 15, 20, 35),
    ),
    Tie.UNSORTED: (
        (_Scenario.NONE, _Scenario.QUIET, _Scenario.REGULAR),
        (50, 25, 25),
    ),
}
_HOW_KNOWN: dict[Tie, tuple[tuple[HowKnown, ...], tuple[int, ...]]] = {
    Tie.ADVOCATE: (
        (HowKnown.MANAGER, HowKnown.COLLEAGUE, HowKnown.VOLUNTEER_PROJECT, HowKnown.ALUMNI),
        (30, 45, 20, 5),
    ),
    Tie.WORK_ACQUAINTANCE: (
        (HowKnown.NETWORKING_EVENT, HowKnown.RECRUITER, HowKnown.ALUMNI, HowKnown.OTHER),
        (55, 15, 20, 10),
    ),
    Tie.UNSORTED: ((HowKnown.UNKNOWN, HowKnown.OTHER), (85, 15)),
}

# Kinds the user logs over time, and how often, by tie.
_TOUCH_KINDS = (
    InteractionKind.EMAIL,
    InteractionKind.CALL,
    InteractionKind.MEETING,
    InteractionKind.COFFEE,
    InteractionKind.MESSAGE,
    InteractionKind.STATUS_UPDATE,
    InteractionKind.THANK_YOU,
    InteractionKind.INTRODUCTION,
    InteractionKind.REFERRAL,
    InteractionKind.REFERENCE_GIVEN,
    InteractionKind.NOTE,
    InteractionKind.NETWORKING_EVENT,
    InteractionKind.GIFT,
)
_TOUCH_WEIGHTS: dict[Tie, tuple[int, ...]] = {
    Tie.ADVOCATE: (20, 12, 8, 12, 10, 8, 6, 5, 4, 3, 6, 2, 1),
    Tie.WORK_ACQUAINTANCE: (22, 5, 3, 10, 18, 10, 5, 3, 2, 0, 6, 8, 0),
    Tie.UNSORTED: (25, 3, 2, 5, 25, 5, 2, 1, 1, 0, 10, 5, 0),
}
_FIRST_KINDS = (
    InteractionKind.CONNECTED,
    InteractionKind.NETWORKING_EVENT,
    InteractionKind.COFFEE,
    InteractionKind.INTRODUCTION,
    InteractionKind.MEETING,
    InteractionKind.EMAIL,
)
_DIRECTIONS = {
    InteractionKind.CALL: Direction.MUTUAL,
    InteractionKind.MEETING: Direction.MUTUAL,
    InteractionKind.COFFEE: Direction.MUTUAL,
    InteractionKind.NETWORKING_EVENT: Direction.MUTUAL,
    InteractionKind.CONNECTED: Direction.MUTUAL,
    InteractionKind.INTRODUCTION: Direction.INCOMING,
    InteractionKind.REFERRAL: Direction.INCOMING,
    InteractionKind.REFERENCE_GIVEN: Direction.INCOMING,
}


def _ascii(name: str, given: str) -> str:
    if given:
        return given
    decomposed = unicodedata.normalize("NFKD", name)
    kept = "".join(ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch == "-"))
    return kept.lower()


def _domain(company: str) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in company.lower()).split()
    return "-".join(words) + ".example"  # the .example TLD never reaches a real mailbox


def generate_network(
    contacts: int,
    *,
    seed: int,
    now: dt.datetime,
    interactions_per_contact: int | None = None,
) -> DemoNetwork:
    """A believable job seeker's network of `contacts` people, the same for the same seed.

    Contacts are generated as they are consumed. With `interactions_per_contact` None each
    contact has 0 to 12 interactions over the past year; otherwise exactly that many.
    """
    rng = random.Random(seed)
    names = rng.sample(_COMPANY_NAMES, len(_COMPANY_NAMES))
    # Most companies carry no status; a few applications, one interview, a couple of maybes.
    statuses = (
        [CompanyStatus.INTERVIEWING]
        + [CompanyStatus.APPLIED] * 4
        + [CompanyStatus.INTERESTED] * 2
        + [CompanyStatus.REJECTED]
        + [CompanyStatus.NONE] * (len(names) - 8)
    )
    companies = [DemoCompany(name, status) for name, status in zip(names, statuses, strict=True)]
    offer_company = companies[0].name
    search_started = (now - dt.timedelta(days=rng.randint(85, 100))).date()
    return DemoNetwork(
        companies=companies,
        contacts=_contacts(
            rng,
            contacts,
            [c.name for c in companies],
            now,
            interactions_per_contact,
            seed,
        ),
        search_state=SearchState.SEARCHING,
        search_started=search_started,
        offer_company=offer_company,
    )


def _contacts(
    rng: random.Random,
    count: int,
    company_names: list[str],
    now: dt.datetime,
    per_contact: int | None,
    seed: int,
) -> Iterator[DemoContact]:
    offer_company = company_names[0]
    used_emails: set[str] = set()
    for index in range(count):
        if index < len(_OPENING):
            tie, scenario = _OPENING[index]
        else:
            tie = rng.choices(_TIES, _TIE_WEIGHTS)[0]
            options, weights = _SCENARIOS[tie]
            scenario = rng.choices(options, weights)[0]
        kinds, weights = _HOW_KNOWN[tie]
        how_known = rng.choices(kinds, weights)[0]
        if scenario is _Scenario.MET:
            how_known = HowKnown.NETWORKING_EVENT
        # The second contact works where the interview is, so the wrap-up has someone to
        # put first; otherwise a company per person, a few freelancers with none.
        if index == 2:
            company = offer_company
        elif rng.random() < 0.04:
            company = ""
        else:
            company = rng.choice(company_names)

        record = _record(rng, index, seed, company, used_emails)
        n = per_contact
        if n is None:
            # Two touches at least outside "met", so the other rules, not rule 2, apply.
            if scenario is _Scenario.NONE:
                n = 0
            elif scenario is _Scenario.MET:
                n = 1
            else:
                n = rng.randint(2, 12)
        interactions = _interactions(rng, tie, scenario, n, now, company_names)
        advocate = tie is Tie.ADVOCATE
        helped_any = any(i.helped for i in interactions)
        yield DemoContact(
            record=record,
            tie=tie,
            how_known=how_known,
            company=company,
            interactions=interactions,
            reference_consent=advocate and rng.random() < 0.5,
            above_and_beyond=helped_any and advocate and rng.random() < 0.35,
            cadence_days=rng.choice((14, 21, 45, 90)) if rng.random() < 0.06 else None,
        )


def _record(
    rng: random.Random, index: int, seed: int, company: str, used_emails: set[str]
) -> ContactRecord:
    if rng.random() < 0.02:
        given, family, display, ascii_given, ascii_family = rng.choice(_SCRIPT_NAMES)
    else:
        given, ascii_given = rng.choice(_FIRST_NAMES)
        family, ascii_family = rng.choice(_LAST_NAMES)
        ascii_given, ascii_family = _ascii(given, ascii_given), _ascii(family, ascii_family)
        display = f"{given} {family}"
    local = f"{ascii_given}.{ascii_family}".replace(" ", "")
    domain = _domain(company) if company else "mail.example"
    email = f"{local}@{domain}"
    serial = 2
    while email in used_emails:  # namesakes at one company: first.last2@, first.last3@
        email = f"{local}{serial}@{domain}"
        serial += 1
    used_emails.add(email)
    emails = [] if rng.random() < 0.05 else [email]
    if rng.random() < 0.15:
        emails.append(f"{ascii_given}{rng.randint(1, 99)}@home.example")
    phones = []
    if rng.random() < 0.7:
        # 555-0100 to 555-0199 are set aside for fiction in every North American area code.
        phones.append(f"+1 {rng.choice(_AREA_CODES)} 555 01{rng.randint(0, 99):02d}")
    slug = f"{ascii_given}-{ascii_family}-{rng.getrandbits(24):06x}".replace(" ", "")
    return ContactRecord(
        display_name=display,
        given_name=given,
        family_name=family,
        emails=emails,
        phones=phones,
        organization=company,
        title=rng.choice(_TITLES) if company else "Independent consultant",
        notes=rng.choice(_NOTES) if rng.random() < 0.3 else "",
        linkedin_url=f"https://www.linkedin.com/in/{slug}" if rng.random() < 0.8 else "",
        tags=rng.sample(_TAGS, rng.choice((0, 0, 1, 1, 2, 3))),
        uid=f"netdesk-demo-{seed}-{index}",
        source="demo",
    )


def _last_touch_days(rng: random.Random, tie: Tie, scenario: _Scenario) -> int:
    cadence = 30 if tie is Tie.ADVOCATE else 60
    if scenario is _Scenario.MET:
        return rng.randint(8, 20)
    if scenario is _Scenario.OVERDUE:
        return rng.randint(cadence + 3, min(cadence * 2, 85))
    if scenario is _Scenario.QUIET:
        return rng.randint(95, 300)
    if scenario is _Scenario.DUE_SOON:
        return rng.randint(cadence - 6, cadence - 1)
    if scenario is _Scenario.RECENT:
        return rng.randint(0, 5)
    if tie is Tie.UNSORTED:
        return rng.randint(0, 200)
    # Most sorted contacts are kept up fairly well, so the due list stays believable.
    return rng.randint(0, cadence + cadence // 2)


def _interactions(
    rng: random.Random,
    tie: Tie,
    scenario: _Scenario,
    n: int,
    now: dt.datetime,
    company_names: list[str],
) -> list[DemoInteraction]:
    if n <= 0:
        return []
    day = 24 * 60
    last = _last_touch_days(rng, tie, scenario) * day + rng.randint(0, 600)
    # Minutes ago: earlier ones spread over the year before the last touch, oldest first.
    ages = sorted((rng.randint(last, 365 * day) for _ in range(n - 1)), reverse=True)
    ages.append(last)
    out: list[DemoInteraction] = []
    for position, minutes in enumerate(ages):
        at = (now - dt.timedelta(minutes=minutes)).replace(second=0, microsecond=0)
        is_last = position == n - 1
        if scenario is _Scenario.MET:
            # The event is the only touch; anything before it is a note (which is no touch).
            kind = InteractionKind.NETWORKING_EVENT if is_last else InteractionKind.NOTE
        elif position == 0 and n == 1:
            # A lone meeting would read as "met and never followed up"; this one is not.
            kind = InteractionKind.EMAIL
        elif position == 0:
            kind = rng.choice(_FIRST_KINDS)
        else:
            kind = rng.choices(_TOUCH_KINDS, _TOUCH_WEIGHTS[tie])[0]
            if is_last and kind is InteractionKind.NOTE:
                kind = InteractionKind.EMAIL  # the scenario's date is about a touch
        out.append(_interaction(rng, kind, at, company_names))
    return out


def _interaction(
    rng: random.Random, kind: InteractionKind, at: dt.datetime, company_names: list[str]
) -> DemoInteraction:
    helped = ""
    direction = _DIRECTIONS.get(kind, Direction.OUTGOING)
    if kind is InteractionKind.NETWORKING_EVENT:
        summary = rng.choice(_EVENTS)
    elif kind is InteractionKind.COFFEE:
        summary = f"Coffee at {rng.choice(_CAFES)} to talk about {rng.choice(_TOPICS)}"
    elif kind is InteractionKind.CALL:
        summary = f"Call about {rng.choice(_TOPICS)}"
        if rng.random() < 0.3:
            summary = "Call to prepare for my interview loop"
            helped = "your interview advice"
    elif kind is InteractionKind.MEETING:
        summary = f"Lunch to talk about {rng.choice(_TOPICS)}"
        if rng.random() < 0.25:
            summary = "Mock interview over lunch"
            helped = "the mock interview"
    elif kind is InteractionKind.EMAIL:
        direction = Direction.INCOMING if rng.random() < 0.35 else Direction.OUTGOING
        summary = rng.choice(
            (
                "Sent my updated résumé",
                "Shared an article on data contracts",
                "Asked about their team's plans",
                "They sent a job posting they thought I'd like",
                "Congratulated them on the promotion",
            )
        )
    elif kind is InteractionKind.MESSAGE:
        direction = Direction.INCOMING if rng.random() < 0.4 else Direction.OUTGOING
        summary = rng.choice(
            ("LinkedIn message to say hello", "Quick text after the meetup", "Liked my post")
        )
    elif kind is InteractionKind.INTRODUCTION:
        first, _ = rng.choice(_FIRST_NAMES)
        last, _ = rng.choice(_LAST_NAMES)
        summary = f"Introduced me to {first} {last}"
        helped = f"the introduction to {first}"
    elif kind is InteractionKind.REFERRAL:
        company = rng.choice(company_names)
        summary = f"Referred me for a role at {company}"
        helped = f"the referral at {company}"
    elif kind is InteractionKind.REFERENCE_GIVEN:
        company = rng.choice(company_names)
        summary = f"Gave a reference to {company}"
        helped = f"the reference you gave {company}"
    elif kind is InteractionKind.STATUS_UPDATE:
        summary = "Quick update on the search"
    elif kind is InteractionKind.THANK_YOU:
        summary = "Thank-you email"
    elif kind is InteractionKind.GIFT:
        summary = rng.choice(("Sent flowers", "Sent a candle and a card", "Sent a nice pen"))
    elif kind is InteractionKind.NOTE:
        summary = rng.choice(
            ("Read their post on hiring", "Saw their talk online", "Their team is growing")
        )
    else:  # CONNECTED
        summary = "Connected on LinkedIn"
    return DemoInteraction(kind, at, summary, helped, direction)
