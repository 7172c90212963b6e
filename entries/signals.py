"""Saving many entries at once: one signal for the batch instead of work per save.

Receivers of `post_save` for Entry that do work per entry (scoring's automatic conflicts)
ask `defer(entry)` first; inside `saving_in_bulk()` it notes the entry and says the work is
deferred, and at the end of the block `entries_saved` is sent once with every entry noted,
still inside the caller's transaction, so receivers do one pass for the whole batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import Signal

from .models import Entry

# Sent with entries=[Entry, ...] at the end of a `saving_in_bulk()` block.
entries_saved = Signal()

_batch: ContextVar[dict[int, Entry] | None] = ContextVar("entries_saved_in_bulk", default=None)


@contextmanager
def saving_in_bulk() -> Iterator[None]:
    """Defer per-save work on entries to one `entries_saved` at the end of the block.

    Nothing is sent when the block raises (its transaction is rolled back anyway). A block
    inside another one joins it: the outer block sends.
    """
    if _batch.get() is not None:
        yield
        return
    token = _batch.set({})
    try:
        yield
        saved = list(_batch.get().values())
    finally:
        _batch.reset(token)
    if saved:
        entries_saved.send(sender=Entry, entries=saved)


def defer(entry: Entry) -> bool:
    """Note the entry for the open batch, if any; True when the caller should do nothing now."""
    batch = _batch.get()
    if batch is None:
        return False
    batch[entry.pk] = entry
    return True
