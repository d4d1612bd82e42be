"""The offer wrap-up (playbook rules 5-8): who to thank, in what order, how, and with what ask."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from netdesk.core.dates import full_date
from netdesk.core.domain import CompanyStatus, Tie
from netdesk.core.playbook import first_name
from netdesk.core.templates import (
    DEFAULT_TEMPLATES,
    GENERIC_HELP,
    GIFT_SUGGESTIONS,
    RECENT_GRADUATE_GIFT,
    offer_news,
    render,
    status_phrase,
    thanks_for,
)

ASK_JOINING = "ask_joining"
ASK_ELSEWHERE = "ask_elsewhere"
CHANNEL_EMAIL = "email"
CHANNEL_NOTE = "handwritten note"


@dataclass(frozen=True, slots=True)
class WrapUpContact:
    """One person the user networked with during the search, as the wrap-up sees them."""

    contact_id: int
    first_name: str
    company: str
    tie: Tie
    helped: list[str] = field(default_factory=list)  # "the introduction to Sam", ...
    above_and_beyond: bool = False
    thanked: bool = False
    recent_graduate: bool = False
    email: str = ""


@dataclass(frozen=True, slots=True)
class WrapUpStep:
    """What to send one contact: the channel, gift ideas, the closing ask and a draft."""

    contact: WrapUpContact
    channel: str  # CHANNEL_EMAIL or CHANNEL_NOTE
    gifts: tuple[str, ...]  # empty unless they went above and beyond
    closing_ask: str  # ASK_JOINING or ASK_ELSEWHERE: a template key
    subject: str
    draft: str
    at_offer_company: bool
    at_declined_company: bool

    @property
    def thanked(self) -> bool:
        return self.contact.thanked


def thank_you_note(name: str, offer_company: str, *, joining: bool) -> str:
    """What the wrap-up's thank-you follow-up says, e.g. 'Thank Dana for their help and tell
    them about the offer from Acme.'"""
    company = offer_company.strip() or "the company"
    news = f"about the offer from {company}"
    if joining:
        news = f"you accepted the offer at {company}"
    return f"Thank {first_name(name)} for their help and tell them {news}."


def wrap_up_heading(
    offer_company: str, *, joining: bool, since: dt.date, declined: Sequence[str] = ()
) -> str:
    """The wrap-up window's first words, e.g. 'You are joining Hooli. Everyone you networked
    with since 3 September 2026 is here, Hooli's people first.'"""
    company = offer_company.strip() or "the company"
    news = f"You are joining {company}." if joining else f"You have an offer from {company}."
    text = (
        f"{news} Everyone you networked with since {full_date(since)} is here, "
        f"{company}'s people first."
    )
    names = [name.strip() for name in declined if name.strip()]
    if names:
        text += f" Declined: {', '.join(names)}."
    return text


def thanked_summary(channel: str) -> str:
    """The timeline's line for a thank-you sent through the wrap-up, by its channel."""
    return "Handwritten thank-you note" if channel == CHANNEL_NOTE else "Thank-you email"


def gift_summary(gift: str) -> str:
    """The timeline's line for a gift sent (rule 7), e.g. 'Sent flowers'."""
    return f"Sent {gift}"


def is_recent_graduate(tags: str) -> bool:
    """Whether a contact's tags mark them a recent graduate, for whom a college-related gift
    is suggested: any tag that says 'graduate', in any case."""
    return "graduate" in tags.casefold()


def same_company(a: str, b: str) -> bool:
    """Whether two company names mean the same company, ignoring case and spacing."""
    return _company_key(a) == _company_key(b) and bool(_company_key(a))


def _company_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _gifts(contact: WrapUpContact) -> tuple[str, ...]:
    if not contact.above_and_beyond:
        return ()
    return tuple(
        gift for gift in GIFT_SUGGESTIONS if gift != RECENT_GRADUATE_GIFT or contact.recent_graduate
    )


def plan_wrap_up(
    contacts: Iterable[WrapUpContact],
    *,
    offer_company: str,
    joining: bool,
    declined_companies: set[str],
    my_name: str = "",
) -> list[WrapUpStep]:
    """One step per contact, the offering company's people first, then advocates, then the
    rest, each group by first name.

    `joining` is True when the user accepted `offer_company`'s offer. Contacts at a company
    whose offer the user declined are thanked too, and their draft says so kindly.
    """
    declined = {_company_key(name) for name in declined_companies}
    steps: list[WrapUpStep] = []
    for contact in contacts:
        at_offer = same_company(contact.company, offer_company)
        at_declined = _company_key(contact.company) in declined and not (at_offer and joining)
        closing = ASK_JOINING if joining and at_offer else ASK_ELSEWHERE
        values = {
            "first_name": contact.first_name.strip(),
            "company": contact.company.strip(),
            "status_with_company": (
                status_phrase(contact.company, CompanyStatus.DECLINED) if at_declined else ""
            ),
            "helped": thanks_for(contact.helped) or GENERIC_HELP,
            "my_name": my_name.strip(),
            "offer_company": offer_company.strip(),
            "offer_news": offer_news(offer_company, accepted=joining),
        }
        if at_offer:
            values["company"] = offer_company.strip()  # the user's spelling, not the import's
        elif not values["company"]:
            # Without a company the joining ask would end "successful at ."; say it plainly.
            values["company"] = "your company"
        steps.append(
            WrapUpStep(
                contact=contact,
                channel=CHANNEL_NOTE if contact.above_and_beyond else CHANNEL_EMAIL,
                gifts=_gifts(contact),
                closing_ask=closing,
                subject="Thank you, and some news",
                draft=render(DEFAULT_TEMPLATES[closing], values).strip(),
                at_offer_company=at_offer,
                at_declined_company=at_declined,
            )
        )
    steps.sort(key=_order)
    return steps


def _order(step: WrapUpStep) -> tuple[int, int, str, int]:
    contact = step.contact
    group = 0 if step.at_offer_company else 1 if contact.tie == Tie.ADVOCATE else 2
    advocate_first = 0 if contact.tie == Tie.ADVOCATE else 1
    return (group, advocate_first, contact.first_name.strip().casefold(), contact.contact_id)


def progress(steps: Sequence[WrapUpStep]) -> tuple[int, int]:
    """(thanked, total), as in '12 of 31 thanked'."""
    return sum(1 for step in steps if step.thanked), len(steps)


def progress_text(steps: Sequence[WrapUpStep]) -> str:
    """'12 of 31 thanked', or a word of encouragement when all are done."""
    done, total = progress(steps)
    if total and done == total:
        return f"All {total} thanked. Well done."
    return f"{done} of {total} thanked"
