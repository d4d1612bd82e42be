"""Drafts of messages from the user's own templates: the wrap-up's (core.wrapup plans with the
defaults; these fill the same placeholders into whatever text the user keeps), the reference
ask and heads-up, and the follow-up note. Each is signed with the user's name."""

from __future__ import annotations

import datetime as dt

from netdesk.core.dates import day_phrase
from netdesk.core.domain import CompanyStatus
from netdesk.core.templates import GENERIC_HELP, offer_news, render, status_phrase, thanks_for
from netdesk.core.wrapup import WrapUpStep


def wrap_up_values(
    step: WrapUpStep, *, offer_company: str, joining: bool, my_name: str = ""
) -> dict[str, str]:
    """The placeholders of a thank-you or closing-ask template for one wrap-up step."""
    contact = step.contact
    company = contact.company.strip()
    if step.at_offer_company:
        company = offer_company.strip()  # the user's spelling, not the import's
    elif not company:
        company = "your company"
    return {
        "first_name": contact.first_name.strip(),
        "company": company,
        "status_with_company": (
            status_phrase(contact.company, CompanyStatus.DECLINED)
            if step.at_declined_company
            else ""
        ),
        "helped": thanks_for(contact.helped) or GENERIC_HELP,
        "my_name": my_name.strip(),
        "offer_company": offer_company.strip(),
        "offer_news": offer_news(offer_company, accepted=joining),
    }


def wrap_up_draft(
    step: WrapUpStep, template: str, *, offer_company: str, joining: bool, my_name: str = ""
) -> str:
    """`template` filled in for this step's contact."""
    values = wrap_up_values(step, offer_company=offer_company, joining=joining, my_name=my_name)
    return render(template, values).strip()


def reference_values(
    first_name: str,
    application_company: str,
    *,
    check_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    my_name: str = "",
) -> dict[str, str]:
    """The placeholders of the reference ask and heads-up for one advocate and application."""
    check_day = ""
    if check_at is not None and now is not None:
        check_day = day_phrase(check_at.date(), now.date())
    return {
        "first_name": first_name.strip(),
        "application_company": application_company.strip() or "a company I applied to",
        "check_day": check_day or "soon",
        "my_name": my_name.strip(),
    }


def follow_up_values(first_name: str, *, my_name: str = "") -> dict[str, str]:
    """The placeholders of the follow-up note."""
    return {"first_name": first_name.strip(), "my_name": my_name.strip()}


def draft(template: str, values: dict[str, str]) -> str:
    """`template` filled with `values`, trimmed."""
    return render(template, values).strip()
