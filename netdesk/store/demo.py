"""Writing a generated demo network into the store, in bulk."""

from __future__ import annotations

import datetime as dt
from itertools import islice
from typing import Any

from netdesk.core.demo import DemoNetwork
from netdesk.core.domain import CompanyStatus
from netdesk.store import writer
from netdesk.store.importer import insert_contacts, insert_interactions
from netdesk.store.models import Company, db
from netdesk.store.sql import iso
from netdesk.store.writer.changes import change

_BATCH = 2_000  # contacts per executemany: keeps memory flat for any size of network


def load_network(network: DemoNetwork, now: dt.datetime) -> int:
    """Write the network (companies, contacts, timelines, the search); returns contacts added."""
    total = 0
    stamp = iso(now)
    with change(now) as changed:
        for company in network.companies:
            row = writer.company_for_name(company.name)
            if row is not None and company.status is not CompanyStatus.NONE:
                Company.update(status=company.status.value, status_changed_at=now).where(
                    Company.id == row.id
                ).execute()
        contacts = iter(network.contacts)
        while batch := list(islice(contacts, _BATCH)):
            extras: list[tuple[Any, dict[str, Any]]] = [
                (
                    c.record,
                    {
                        "tie": c.tie.value,
                        "how_known": c.how_known.value,
                        "reference_consent": c.reference_consent,
                        "above_and_beyond": c.above_and_beyond,
                    },
                )
                for c in batch
            ]
            ids = insert_contacts(extras, now, None)
            rows: list[tuple[Any, ...]] = []
            for cid, contact in zip(ids, batch, strict=True):
                if contact.cadence_days is not None:
                    db.execute_sql(
                        "UPDATE contact SET cadence_days = ? WHERE id = ?",
                        (contact.cadence_days, cid),
                    )
                rows.extend(
                    (
                        cid,
                        i.kind.value,
                        iso(i.at),
                        i.summary,
                        i.helped,
                        i.direction.value,
                        stamp,
                        None,
                    )
                    for i in contact.interactions
                )
            insert_interactions(rows)
            total += len(ids)
        writer.set_job_search(
            network.search_state,
            now,
            started_on=network.search_started,
            offer_company=network.offer_company or "",
        )
        # Every contact is new, with its whole timeline: settle them all at once.
        changed.all_timelines = True
        changed.all_rules()
    return total
