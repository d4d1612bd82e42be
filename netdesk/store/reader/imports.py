"""Reading import batches: what an import wrote, for File > Undo import and its question."""

from __future__ import annotations

from dataclasses import dataclass

from netdesk.store.models import ImportBatch


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """One import as the user sees it: the files it read and the contacts it wrote."""

    batch_id: int
    sources: tuple[str, ...]
    added: int
    updated: int
    undone: bool


def _summary(batch: ImportBatch | None) -> ImportSummary | None:
    if batch is None:
        return None
    return ImportSummary(
        batch_id=int(batch.id),
        sources=tuple(s for s in str(batch.sources).splitlines() if s),
        added=int(batch.added),
        updated=int(batch.updated),
        undone=batch.undone_at is not None,
    )


def last_import() -> ImportSummary | None:
    """The newest import that has not been undone."""
    return _summary(
        ImportBatch.select()
        .where(ImportBatch.undone_at.is_null())
        .order_by(ImportBatch.id.desc())
        .get_or_none()
    )


def import_summary(batch_id: int) -> ImportSummary | None:
    return _summary(ImportBatch.get_or_none(ImportBatch.id == batch_id))
