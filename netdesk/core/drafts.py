"""Drafts of the wrap-up's messages from the user's own templates (core.wrapup plans with
the defaults; these fill the same placeholders into whatever text the user keeps)."""

from __future__ import annotations

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
